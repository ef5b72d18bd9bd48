package io.imgpipe.launcher.replica;

import io.imgpipe.launcher.Fixtures;
import io.imgpipe.launcher.Http;
import io.imgpipe.launcher.Pipeline;
import io.imgpipe.launcher.TestPipeline;
import io.imgpipe.save2db.ImageArchive;
import io.imgpipe.testsupport.Await;
import io.imgpipe.testsupport.ReplicatedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIf;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #17: gateways read from a streaming replica ({@code IMGPIPE_READ_JDBC_URL}) without a stale 404 right after
 * their 202. A throwaway primary and a real replica of it ({@code pg_basebackup}, a standby on another port) from the
 * machine's PostgreSQL binaries; the pipeline writes to the primary, and a second gateway (gateway B, in the same
 * cluster) reads from the same replica. With the replica's replay paused, an image written to the primary without
 * any event is unknown to gateway A (it reads the replica), while an image uploaded through B is served by B (which
 * accepted it) and by A once it heard the image's stored event, both from the primary; once replay resumes, A
 * serves the first one from the replica.
 */
@EnabledIf("io.imgpipe.testsupport.ReplicatedPostgres#available")
class ReplicaReadIT {

    private static final Pattern FALLBACKS = Pattern.compile("(?m)^imgpipe_gateway_replica_fallbacks_total(?:\\{[^}]*})? (\\S+)$");

    private static ReplicatedPostgres pg;
    private static Pipeline pipeline;
    private static Pipeline gatewayB;
    private static Http a;
    private static Http b;
    private static byte[] image;

    @BeforeAll
    static void start() throws Exception {
        long t = System.nanoTime();
        pg = ReplicatedPostgres.start();
        System.out.printf("[replica] primary and streaming replica up in %.1f s%n", (System.nanoTime() - t) / 1e9);
        Map<String, String> env = new HashMap<>(Map.of(
                "IMGPIPE_JDBC_URL", pg.primaryJdbcUrl(), "IMGPIPE_DB_USER", "postgres", "IMGPIPE_DB_PASSWORD", "",
                "IMGPIPE_READ_JDBC_URL", pg.replicaJdbcUrl()));
        pipeline = TestPipeline.ownEmbedded(env);
        Map<String, String> joining = new HashMap<>(pipeline.settings());
        joining.put("IMGPIPE_SERVICES", "none");
        joining.put("IMGPIPE_HTTP_PORT", "0");
        gatewayB = Pipeline.start(joining);
        a = new Http(pipeline.baseUrl());
        b = new Http(gatewayB.baseUrl());
        image = Fixtures.bytes("/images/autumn-400x250.jpg");
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[]{gatewayB, pipeline, pg}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                System.out.println("[replica] close failed: " + e);
            }
        }
    }

    @Test
    @Timeout(180)
    void readsComeFromTheReplicaAndAJustAcceptedImageFallsBackToThePrimary() throws Exception {
        // given an image stored and replayed: the replica answers it, the primary is not asked
        String first = uploadAndWait(a);
        awaitReplicaHas(first);
        assertThat(a.get("/image/" + first).statusCode()).isEqualTo(200);
        assertThat(fallbacks(a)).as("reads of a replayed image the primary answered").isZero();

        // when the replica stops replaying, an image no gateway heard of appears on the primary ...
        pg.pauseReplay();
        String unheard = UUID.randomUUID().toString().replace("-", "");
        new ImageArchive(dataSource(pg.primaryJdbcUrl())).store(new ImageArchive.Original(unheard, "jpeg",
                "image/jpeg", image, "unheard.jpg", "width=64", "", Instant.now(), null));
        // ... and one is uploaded through gateway B
        String fresh = uploadAndWait(b);
        awaitPrimaryHasResult(fresh);

        // then gateway A does not know the first yet: proof that reads go to the replica, which lags
        assertThat(a.get("/image/" + unheard + "/meta").statusCode()).as("A reads the replica").isEqualTo(404);
        // but B, which accepted the second, serves it from the primary: no 404 right after its 202
        HttpResponse<byte[]> served = b.get("/image/" + fresh);
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.headers().firstValue("Content-Type")).hasValue("image/jpeg");
        assertThat(Http.json(b.get("/image/" + fresh + "/meta")).get("status").asText()).isEqualTo("done");
        assertThat(b.get("/image/" + fresh + "/original").body()).isEqualTo(image);
        assertThat(fallbacks(b)).as("reads B's replica could not answer").isGreaterThanOrEqualTo(3);
        // and A, woken by the image's stored event, finds it on the primary too (no wait until the deadline)
        assertThat(a.get("/image/" + fresh + "?wait=20").statusCode()).isEqualTo(200);
        assertThat(fallbacks(a)).as("A's reads of an image it heard finish").isPositive();

        // once replay resumes, A serves the unheard image from the replica
        pg.resumeReplay();
        assertThat(Http.json(a.get("/image/" + unheard + "/meta")).get("status").asText()).isEqualTo("queued");
        System.out.println("[replica] the replica served A's reads; the primary answered B " + fallbacks(b)
                + " times and A " + fallbacks(a) + " times for images just accepted or finished while replay was paused");
    }

    private static DataSource dataSource(String url) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(url);
        ds.setUser("postgres");
        return ds;
    }

    private static String uploadAndWait(Http gateway) {
        HttpResponse<byte[]> r = gateway.post("/image?width=64", image, "Prefer", "wait=30",
                "Accept", "application/json", "Content-Type", "image/jpeg");
        assertThat(r.statusCode()).as(new String(r.body())).isEqualTo(201);
        return r.headers().firstValue("Location").orElseThrow().replace("/image/", "");
    }

    private static void awaitReplicaHas(String id) throws SQLException {
        Await.found("image " + id + " on the replica", Duration.ofSeconds(30), Duration.ofMillis(50),
                () -> hasResult(pg.replica(), id), () -> "");
    }

    private static void awaitPrimaryHasResult(String id) throws SQLException {
        Await.found("image " + id + " stored on the primary", Duration.ofSeconds(30), Duration.ofMillis(50),
                () -> hasResult(pg.primary(), id), () -> "");
    }

    private static Optional<Boolean> hasResult(Connection connection, String id) throws SQLException {
        try (Connection c = connection; PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM results r JOIN originals o USING (image_id) WHERE image_id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(true) : Optional.empty();
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) { // not migrated (or not replayed) yet
                return Optional.empty();
            }
            throw e;
        }
    }

    private static double fallbacks(Http gateway) {
        String metrics = new String(gateway.get("/metrics").body());
        Matcher m = FALLBACKS.matcher(metrics);
        assertThat(m.find()).as("the fallback counter in /metrics").isTrue();
        return Double.parseDouble(m.group(1));
    }
}
