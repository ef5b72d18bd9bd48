package io.imgpipe.save2db;

import io.imgpipe.contract.variants.Variant;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 13: the variants' SQL against a real PostgreSQL with save2db's migrations (V4) applied. */
class VariantArchiveTest {

    private static EmbeddedPostgres postgres;
    private static DataSource db;
    private static ImageArchive archive;
    private static VariantArchive variants;

    @BeforeAll
    static void startDatabase() throws IOException {
        postgres = EmbeddedPostgres.start();
        db = postgres.getPostgresDatabase();
        Schema.migrate(db);
        archive = new ImageArchive(db);
        variants = new VariantArchive(db);
    }

    @AfterAll
    static void stopDatabase() throws IOException {
        postgres.close();
    }

    private static String stored() throws SQLException {
        String id = UUID.randomUUID().toString().replace("-", "");
        archive.store(new ImageArchive.Original(id, "png", "image/png", new byte[] {1, 2, 3}, null, "width=10",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", Instant.now(), null));
        return id;
    }

    private static int count(String sql, String id) throws SQLException {
        try (Connection c = db.getConnection(); var ps = c.prepareStatement(sql)) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    @Test
    void givenManyConcurrentDerivationsOfOneVariant_whenRun_thenExactlyOneStartsAJob() throws Exception {
        String id = stored();
        Variant card = new Variant("card", "width=640");
        AtomicInteger jobs = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<VariantArchive.Derivation>> outcomes = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                outcomes.add(pool.submit(() -> variants.derive(id, card, original -> {
                    assertThat(original.bytes()).containsExactly(1, 2, 3);
                    jobs.incrementAndGet();
                })));
            }
            List<VariantArchive.Derivation> all = new ArrayList<>();
            for (Future<VariantArchive.Derivation> f : outcomes) {
                all.add(f.get(30, TimeUnit.SECONDS));
            }

            assertThat(all).filteredOn(d -> d == VariantArchive.Derivation.STARTED).hasSize(1);
            assertThat(jobs).hasValue(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void givenAPublishThatFails_whenDerived_thenNoRowIsLeftAndTheNextCommandStartsTheJob() throws Exception {
        String id = stored();
        Variant card = new Variant("card", "width=640");

        try {
            variants.derive(id, card, original -> {
                throw new IllegalStateException("the broker did not confirm");
            });
        } catch (IllegalStateException expected) {
            // the command is requeued by the consumer
        }

        assertThat(count("SELECT count(*) FROM variants WHERE image_id = ?", id)).isZero();
        assertThat(variants.derive(id, card, original -> { })).isEqualTo(VariantArchive.Derivation.STARTED);
    }

    @Test
    void givenAnUnknownImage_whenDerived_thenNothingStarts() throws Exception {
        assertThat(variants.derive("0123456789abcdef0123456789abcdef", new Variant("card", ""), original -> { }))
                .isEqualTo(VariantArchive.Derivation.NO_ORIGINAL);
    }

    @Test
    void givenAVariantsResultTwice_whenStored_thenOnceAndDeletedWithItsImage() throws Exception {
        String id = stored();
        variants.requested(id, List.of(new Variant("thumbnail", "width=200"), new Variant("card", "width=640")));
        VariantArchive.Result r = new VariantArchive.Result(id, new Variant("card", "width=640"), "jpeg",
                "image/jpeg", new byte[] {9}, 640, 400, Instant.now(), Instant.now());

        assertThat(variants.store(r)).isTrue();
        assertThat(variants.store(r)).isFalse();
        assertThat(count("SELECT count(*) FROM variants WHERE image_id = ? AND is_primary", id)).isEqualTo(1);

        archive.delete(id, null);
        assertThat(count("SELECT count(*) FROM variant_results WHERE image_id = ?", id)).isZero();
        assertThat(count("SELECT count(*) FROM variants WHERE image_id = ?", id)).isZero();
        assertThat(variants.store(r)).as("no result brings a deleted image back").isFalse();
    }
}
