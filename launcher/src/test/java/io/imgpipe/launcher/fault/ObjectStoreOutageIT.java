package io.imgpipe.launcher.fault;

import io.imgpipe.launcher.Fixtures;
import io.imgpipe.launcher.Pipeline;
import io.imgpipe.testsupport.Await;
import io.imgpipe.testsupport.S3TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 17: the object store down for 10 s under upload load, nothing lost. Two loads run together: a PNG above the
 * claim-check threshold (the gateway must put it before publishing, so during the outage it answers 503 and accepts
 * nothing it cannot keep) and a JPEG below it (accepted inline during the outage; save2db and the transformer must
 * hold on until the store is back). Afterwards every accepted upload has its original and its result, and no byte is
 * in PostgreSQL. A pipeline of its own: on the machine's RabbitMQ and PostgreSQL when {@code IMGPIPE_TEST_AMQP_URI} and
 * {@code IMGPIPE_TEST_JDBC_URL} are set (a fresh vhost and database, see {@link Cluster}), embedded otherwise.
 */
class ObjectStoreOutageIT {

    private static final int UPLOADS_PER_SECOND = 5;
    private static final String BUCKET = "imgpipe-outage";

    private static S3TestServer s3;
    private static Pipeline pipeline;
    private static Cluster external;

    @BeforeAll
    static void start() throws Exception {
        s3 = S3TestServer.start();
        Map<String, String> env = new HashMap<>(Map.of("IMGPIPE_BLOB_STORE", "s3",
                "IMGPIPE_S3_ENDPOINT", s3.endpoint().toString(), "IMGPIPE_S3_BUCKET", BUCKET,
                "IMGPIPE_S3_ACCESS_KEY", S3TestServer.ACCESS_KEY, "IMGPIPE_S3_SECRET_KEY", S3TestServer.SECRET_KEY,
                "IMGPIPE_BLOB_INLINE_MAX_BYTES", "40000"));
        env.put("IMGPIPE_HTTP_PORT", "0");
        env.put("IMGPIPE_HTTP_HOST", "127.0.0.1");
        env.put("IMGPIPE_TRANSFORMER_THREADS", "2");
        if (isSet(Cluster.AMQP_ENV) && isSet(Cluster.JDBC_ENV)) {
            external = Cluster.create("s3outage");
            env.putAll(external.env());
        }
        pipeline = Pipeline.start(env);
        System.out.println("[fault] ObjectStoreOutageIT on " + pipeline.infrastructure());
    }

    @AfterAll
    static void stop() throws Exception {
        if (pipeline != null) {
            pipeline.close();
        }
        if (external != null) {
            external.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    @Timeout(300)
    void objectStoreDownForTenSecondsLosesNothing() throws Exception {
        byte[] png = Fixtures.bytes("/images/cylinder-320x200-rgba16.png");
        byte[] jpeg = Fixtures.bytes("/images/autumn-400x250.jpg");
        long t0 = System.nanoTime();
        UploadLoad byReference = new UploadLoad(() -> List.of(pipeline.baseUrl()), png, "width=64&format=png");
        UploadLoad inline = new UploadLoad(() -> List.of(pipeline.baseUrl()), jpeg, "width=64");
        byReference.start(UPLOADS_PER_SECOND);
        inline.start(UPLOADS_PER_SECOND);
        try {
            Await.pause(3_000);
            s3.pause();
            try {
                Await.pause(10_000);
            } finally {
                s3.resume();
            }
            Await.pause(3_000);
        } finally {
            byReference.stop();
            inline.stop();
        }
        Set<String> accepted = new HashSet<>(byReference.acceptedIds());
        accepted.addAll(inline.acceptedIds());

        Set<String> complete = Await.until(Duration.ofSeconds(120), Duration.ofMillis(500), () -> complete(accepted),
                done -> done.size() == accepted.size());
        int failed = count("SELECT count(*) FROM failures WHERE image_id = ANY(?)", accepted);
        int withBytes = count("SELECT count(*) FROM originals WHERE bytes IS NOT NULL AND image_id = ANY(?)", accepted)
                + count("SELECT count(*) FROM results WHERE bytes IS NOT NULL AND image_id = ANY(?)", accepted);
        System.out.printf("[fault] %-30s sent %d, not accepted %s / %s -> accepted %d, stored %d, lost %d"
                        + " (failed %d) [%.1f s]%n", "object store down 10 s", byReference.sent() + inline.sent(),
                byReference.refusedByReason(), inline.refusedByReason(), accepted.size(), complete.size(),
                accepted.size() - complete.size(), failed, (System.nanoTime() - t0) / 1e9);

        assertThat(byReference.acceptedIds()).as("claim-check uploads accepted").hasSizeGreaterThan(UPLOADS_PER_SECOND * 3);
        assertThat(inline.acceptedIds()).as("inline uploads accepted").hasSizeGreaterThan(UPLOADS_PER_SECOND * 3);
        assertThat(byReference.refusedByReason()).as("claim-check uploads refused while the store was down")
                .containsKey("status_503");
        Set<String> lost = new HashSet<>(accepted);
        lost.removeAll(complete);
        assertThat(lost).as("accepted uploads without original and result").isEmpty();
        assertThat(failed).as("an outage of the store is not the image's fault").isZero();
        assertThat(withBytes).as("image bytes in PostgreSQL").isZero();
    }

    private static boolean isSet(String name) {
        String v = System.getenv(name);
        return v != null && !v.isBlank();
    }

    /** The ids that have both their original and their result stored. */
    private static Set<String> complete(Set<String> ids) throws Exception {
        Set<String> done = new HashSet<>();
        try (Connection c = db(); PreparedStatement ps = c.prepareStatement(
                "SELECT o.image_id FROM originals o JOIN results r USING (image_id) WHERE o.image_id = ANY(?)")) {
            ps.setArray(1, c.createArrayOf("text", ids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    done.add(rs.getString(1));
                }
            }
        }
        return done;
    }

    private static int count(String sql, Set<String> ids) throws Exception {
        try (Connection c = db(); PreparedStatement ps = c.prepareStatement(sql)) {
            Array array = c.createArrayOf("text", ids.toArray());
            ps.setArray(1, array);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static Connection db() throws Exception {
        Map<String, String> s = pipeline.settings();
        return DriverManager.getConnection(s.get("IMGPIPE_JDBC_URL"), s.getOrDefault("IMGPIPE_DB_USER", "postgres"),
                s.getOrDefault("IMGPIPE_DB_PASSWORD", ""));
    }
}
