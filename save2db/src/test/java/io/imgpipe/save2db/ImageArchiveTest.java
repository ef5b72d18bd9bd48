package io.imgpipe.save2db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The archive's SQL against a real PostgreSQL (embedded, started once for the class) with save2db's migrations
 * applied: every insert stores what it was given, once, whatever arrives twice or out of order.
 */
class ImageArchiveTest {

    private static EmbeddedPostgres postgres;
    private static DataSource db;
    private static ImageArchive archive;

    @BeforeAll
    static void startDatabase() throws IOException {
        postgres = EmbeddedPostgres.start();
        db = postgres.getPostgresDatabase();
        Schema.migrate(db);
        archive = new ImageArchive(db);
    }

    @AfterAll
    static void stopDatabase() throws IOException {
        postgres.close();
    }

    private static String newId() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    private static ImageArchive.Original original(String id) {
        return new ImageArchive.Original(id, "png", "image/png", new byte[] {1, 2, 3}, "a b.png", "width=10",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", Instant.ofEpochMilli(1_700_000_000_123L), "alice");
    }

    private static String one(String sql, String id) throws SQLException {
        try (Connection c = db.getConnection(); var ps = c.prepareStatement(sql)) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    @Test
    void givenANewOriginal_whenStored_thenEveryColumnHoldsWhatWasGiven() throws SQLException {
        String id = newId();

        assertThat(archive.store(original(id))).isTrue();

        assertThat(one("SELECT concat_ws('|', format, content_type, byte_size, encode(bytes, 'hex'), filename, options,"
                + " traceparent, (extract(epoch FROM accepted_at) * 1000)::bigint) FROM originals WHERE image_id = ?", id))
                .isEqualTo("png|image/png|3|010203|a b.png|width=10|"
                        + "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01|1700000000123");
    }

    @Test
    void givenAnOriginalStoredBefore_whenStoredAgain_thenNothingChangesAndTheCallSaysDuplicate() throws SQLException {
        String id = newId();
        archive.store(original(id));

        ImageArchive.Original again = new ImageArchive.Original(id, "jpeg", "image/jpeg", new byte[] {9}, null, "",
                "", Instant.EPOCH, null);
        assertThat(archive.store(again)).isFalse();

        assertThat(one("SELECT format FROM originals WHERE image_id = ?", id)).isEqualTo("png");
        assertThat(one("SELECT count(*) FROM originals WHERE image_id = ?", id)).isEqualTo("1");
    }

    @Test
    void givenAResultBeforeItsOriginal_whenBothArrive_thenBothAreStored() throws SQLException {
        String id = newId();
        ImageArchive.Result result = new ImageArchive.Result(id, "jpeg", "image/jpeg", new byte[] {7, 7}, 20, 10, 40,
                20, Instant.ofEpochMilli(2_000), Instant.ofEpochMilli(3_000));

        assertThat(archive.store(result)).isTrue();
        assertThat(archive.store(original(id))).isTrue();
        assertThat(archive.store(result)).isFalse();

        assertThat(one("SELECT concat_ws('|', format, content_type, byte_size, encode(bytes, 'hex'), width, height,"
                + " source_width, source_height, (extract(epoch FROM started_at) * 1000)::bigint,"
                + " (extract(epoch FROM transformed_at) * 1000)::bigint) FROM results WHERE image_id = ?", id))
                .isEqualTo("jpeg|image/jpeg|2|0707|20|10|40|20|2000|3000");
    }

    @Test
    void givenAFailure_whenStoredTwice_thenItIsKeptOnceWithItsReason() throws SQLException {
        String id = newId();
        ImageArchive.Failure failure = new ImageArchive.Failure(id, "corrupt_image", "broken at byte 12",
                Instant.ofEpochMilli(5_000), Instant.ofEpochMilli(6_000));

        assertThat(archive.store(failure)).isTrue();
        assertThat(archive.store(failure)).isFalse();

        assertThat(one("SELECT concat_ws('|', reason, message, (extract(epoch FROM started_at) * 1000)::bigint,"
                + " (extract(epoch FROM failed_at) * 1000)::bigint) FROM failures WHERE image_id = ?", id))
                .isEqualTo("corrupt_image|broken at byte 12|5000|6000");
    }

    @Test
    void givenOnlySave2dbsMigrations_whenTheTransformStartIsAsked_thenItIsUnknownNotAnError() throws SQLException {
        String id = newId();
        archive.store(original(id));

        assertThat(one("SELECT to_regclass('activity_events')::text WHERE ? IS NOT NULL", id)).isNull();
        assertThat(one("SELECT transform_started_at(?)", id)).isNull();
    }

    @Test
    void givenTheMigrationsRanBefore_whenMigratedAgain_thenNothingIsReapplied() throws SQLException {
        Schema.migrate(db);

        try (Connection c = db.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT string_agg(version, ',' ORDER BY installed_rank)"
                     + " FROM imgpipe_schema_history WHERE success")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("1,2,3,4,5");
        }
    }
}
