package io.imgpipe.gateway.read;

import io.imgpipe.contract.ActivityEvent;
import io.imgpipe.logger.ActivityLog;
import io.imgpipe.save2db.ImageArchive;
import io.imgpipe.save2db.Schema;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway's read model against a real PostgreSQL (embedded, once for the class), in two databases: one migrated
 * by save2db and the logger (the usual deployment) and one by save2db alone (no logger), which must serve every read.
 */
class ImageQueriesTest {

    private static EmbeddedPostgres postgres;
    private static Deployment both;
    private static Deployment save2dbOnly;

    /** One database and what writes into it. */
    private record Deployment(ImageQueries queries, ImageArchive archive, ActivityLog activity) {
    }

    @BeforeAll
    static void startDatabase() throws IOException, SQLException {
        postgres = EmbeddedPostgres.start();
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE with_logger");
            s.execute("CREATE DATABASE without_logger");
        }
        DataSource withLogger = postgres.getDatabase("postgres", "with_logger");
        Schema.migrate(withLogger);
        ActivityLog.migrate(withLogger);
        both = new Deployment(new ImageQueries(withLogger), new ImageArchive(withLogger), new ActivityLog(withLogger));
        DataSource withoutLogger = postgres.getDatabase("postgres", "without_logger");
        Schema.migrate(withoutLogger);
        save2dbOnly = new Deployment(new ImageQueries(withoutLogger), new ImageArchive(withoutLogger), null);
    }

    @AfterAll
    static void stopDatabase() throws IOException {
        postgres.close();
    }

    private static String newId() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    private static void upload(Deployment d, String id, long acceptedAt) throws SQLException {
        d.archive().store(new ImageArchive.Original(id, "png", "image/png", new byte[] {1, 2, 3}, "a.png", "width=10",
                "", Instant.ofEpochMilli(acceptedAt), null));
    }

    private static void started(Deployment d, String id, long at) throws SQLException {
        d.activity().keep(new ActivityEvent(id, "transformer", "started", at, "", Map.of("attempt", 1)));
    }

    @Test
    void givenAnUnknownId_whenSummarised_thenThereIsNothing() throws SQLException {
        assertThat(both.queries().summary(newId())).isEmpty();
        assertThat(save2dbOnly.queries().summary(newId())).isEmpty();
    }

    @Test
    void givenAStoredOriginal_whenNoTransformerStarted_thenItIsQueuedWithItsOriginal() throws SQLException {
        String id = newId();
        upload(both, id, 1_000);

        ImageQueries.Summary s = both.queries().summary(id).orElseThrow();

        assertThat(s.status()).isEqualTo(ImageQueries.Status.QUEUED);
        assertThat(s.filename()).isEqualTo("a.png");
        assertThat(s.options()).isEqualTo("width=10");
        assertThat(s.original().bytes()).isEqualTo(3);
        assertThat(s.timestamps().accepted()).isEqualTo(1_000L);
        assertThat(s.timestamps().transformStarted()).isNull();
        assertThat(both.queries().original(id).orElseThrow().bytes()).containsExactly(1, 2, 3);
        assertThat(both.queries().result(id)).isEmpty();
    }

    @Test
    void givenTheLoggerSawATransformerStart_whenSummarised_thenItIsProcessingSinceThen() throws SQLException {
        String id = newId();
        upload(both, id, 1_000);
        started(both, id, 2_500);

        ImageQueries.Summary s = both.queries().summary(id).orElseThrow();

        assertThat(s.status()).isEqualTo(ImageQueries.Status.PROCESSING);
        assertThat(s.timestamps().transformStarted()).isEqualTo(2_500L);
        assertThat(both.queries().events(id)).extracting(ImageQueries.Event::event).containsExactly("started");
    }

    @Test
    void givenAStoredResult_whenSummarised_thenItIsDoneWithBothParts() throws SQLException {
        String id = newId();
        upload(both, id, 1_000);
        started(both, id, 2_000);
        both.archive().store(new ImageArchive.Result(id, "jpeg", "image/jpeg", new byte[] {9, 9}, 20, 10, 40, 20,
                Instant.ofEpochMilli(2_000), Instant.ofEpochMilli(3_000)));

        ImageQueries.Summary s = both.queries().summary(id).orElseThrow();

        assertThat(s.status()).isEqualTo(ImageQueries.Status.DONE);
        assertThat(s.result()).isEqualTo(new ImageQueries.Part("jpeg", "image/jpeg", 20, 10, 2));
        assertThat(s.original().width()).isEqualTo(40);
        assertThat(s.timestamps().transformed()).isEqualTo(3_000L);
        assertThat(both.queries().result(id).orElseThrow().contentType()).isEqualTo("image/jpeg");
    }

    @Test
    void givenAStoredFailure_whenSummarised_thenItIsFailedWithTheReason() throws SQLException {
        String id = newId();
        upload(both, id, 1_000);
        both.archive().store(new ImageArchive.Failure(id, "corrupt_image", "broken", Instant.ofEpochMilli(2_000),
                Instant.ofEpochMilli(2_100)));

        ImageQueries.Summary s = both.queries().summary(id).orElseThrow();

        assertThat(s.status()).isEqualTo(ImageQueries.Status.FAILED);
        assertThat(s.failureReason()).isEqualTo("corrupt_image");
        assertThat(s.timestamps().failed()).isEqualTo(2_100L);
    }

    @Test
    void givenADatabaseWithoutTheLogger_whenAnUnfinishedImageIsRead_thenItIsQueuedNotAnError() throws SQLException {
        String id = newId();
        upload(save2dbOnly, id, 1_000);

        ImageQueries.Summary s = save2dbOnly.queries().summary(id).orElseThrow();

        assertThat(s.status()).isEqualTo(ImageQueries.Status.QUEUED);
        assertThat(save2dbOnly.queries().events(id)).isEmpty();
        assertThat(save2dbOnly.queries().list(null, "pending", 10, null).items()).extracting(ImageQueries.Summary::id)
                .contains(id);
    }

    @Test
    void givenManyImages_whenListedByPages_thenNewestComeFirstAndTheCursorContinues() throws SQLException {
        String older = newId();
        String newer = newId();
        upload(both, older, 9_000_000_000_000L);
        upload(both, newer, 9_000_000_000_001L);

        ImageQueries.Page first = both.queries().list(null, "all", 1, null);
        ImageQueries.Page second = both.queries().list(null, "all", 1, first.next());

        assertThat(first.items()).extracting(ImageQueries.Summary::id).containsExactly(newer);
        assertThat(second.items()).extracting(ImageQueries.Summary::id).containsExactly(older);
    }
}
