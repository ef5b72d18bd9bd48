package io.imgpipe.launcher;

import io.imgpipe.launcher.fault.Cluster;
import io.imgpipe.testsupport.Await;
import io.imgpipe.testsupport.S3TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 17, object storage for bytes: the pipeline with {@code IMGPIPE_BLOB_STORE=s3} against a real S3 server
 * (S3Proxy in this JVM, over HTTP on loopback). Every byte goes to the bucket and none to PostgreSQL; uploads above the
 * inline threshold travel as claim checks; reads stream from the bucket with ETag and Range, or redirect to a presigned
 * URL. On a pipeline of its own (the shared one's save2db has no object store): on the machine's RabbitMQ and
 * PostgreSQL when {@code IMGPIPE_TEST_AMQP_URI} and {@code IMGPIPE_TEST_JDBC_URL} are set (a fresh vhost and database,
 * see {@link Cluster}), embedded otherwise.
 */
class ObjectStoreIT {

    private static final String BUCKET = "imgpipe-it";

    private static S3TestServer s3;
    private static Pipeline pipeline;
    private static Http http;
    private static Cluster external;
    private static byte[] jpeg;
    private static byte[] png;

    @BeforeAll
    static void start() throws Exception {
        s3 = S3TestServer.start();
        Map<String, String> env = new HashMap<>(settings(s3));
        env.put("IMGPIPE_HTTP_PORT", "0");
        env.put("IMGPIPE_HTTP_HOST", "127.0.0.1");
        env.put("IMGPIPE_TRANSFORMER_THREADS", "2");
        if (isSet(Cluster.AMQP_ENV) && isSet(Cluster.JDBC_ENV)) {
            external = Cluster.create("objectstore");
            env.putAll(external.env());
        }
        pipeline = Pipeline.start(env);
        System.out.println("[imgpipe-it] ObjectStoreIT on " + pipeline.infrastructure() + " and S3Proxy at "
                + s3.endpoint());
        http = new Http(pipeline.baseUrl());
        jpeg = Fixtures.bytes("/images/autumn-400x250.jpg");
        png = Fixtures.bytes("/images/cylinder-320x200-rgba16.png");
    }

    /** The object-store settings every service of a pipeline gets: a 40 KB threshold sends the PNG by reference. */
    static Map<String, String> settings(S3TestServer s3) {
        return Map.of("IMGPIPE_BLOB_STORE", "s3", "IMGPIPE_S3_ENDPOINT", s3.endpoint().toString(),
                "IMGPIPE_S3_BUCKET", BUCKET, "IMGPIPE_S3_ACCESS_KEY", S3TestServer.ACCESS_KEY,
                "IMGPIPE_S3_SECRET_KEY", S3TestServer.SECRET_KEY, "IMGPIPE_BLOB_INLINE_MAX_BYTES", "40000");
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

    private static String upload(byte[] image, String query) {
        HttpResponse<byte[]> r = http.post("image" + query, image, "Content-Type", "application/octet-stream");
        assertThat(r.statusCode()).as(new String(r.body())).isEqualTo(202);
        return Http.json(r).get("id").asText();
    }

    private static HttpResponse<byte[]> awaitResult(String id) {
        HttpResponse<byte[]> r = http.get("image/" + id + "?wait=30");
        assertThat(r.statusCode()).as(new String(r.body())).isEqualTo(200);
        return r;
    }

    private static HttpResponse<byte[]> awaitOriginal(String id) {
        return Await.until(Duration.ofSeconds(30), () -> http.get("image/" + id + "/original"),
                r -> r.statusCode() != 404);
    }

    @Test
    void everyByteGoesToTheBucketAndNoneToPostgres() throws Exception {
        String byReference = upload(png, "?width=64"); // 90 KB: above the threshold, a claim check
        String inline = upload(jpeg, "?width=64");     // 34 KB: travels inline, stored in the bucket by save2db

        for (String id : new String[]{byReference, inline}) {
            HttpResponse<byte[]> result = awaitResult(id);
            assertThat(result.headers().firstValue("Content-Type")).isPresent();
            assertThat(result.body().length).isPositive();
        }
        assertThat(awaitOriginal(byReference).body()).isEqualTo(png);
        assertThat(awaitOriginal(inline).body()).isEqualTo(jpeg);

        try (Connection c = db()) {
            for (String id : new String[]{byReference, inline}) {
                assertThat(count(c, "SELECT count(*) FROM originals WHERE image_id = ? AND bytes IS NULL"
                        + " AND blob_key LIKE 'sha256/%'", id)).isEqualTo(1);
                assertThat(count(c, "SELECT count(*) FROM results WHERE image_id = ? AND bytes IS NULL"
                        + " AND blob_key LIKE 'sha256/%'", id)).isEqualTo(1);
            }
            assertThat(count(c, "SELECT count(*) FROM originals WHERE bytes IS NOT NULL AND ? IS NOT NULL", "x"))
                    .as("image bytes in PostgreSQL").isZero();
            assertThat(count(c, "SELECT count(*) FROM results WHERE bytes IS NOT NULL AND ? IS NOT NULL", "x"))
                    .as("image bytes in PostgreSQL").isZero();
        }
        assertThat(s3.objectCount(BUCKET)).isGreaterThanOrEqualTo(4);
    }

    @Test
    void aWaitingUploadGetsAResultThatCameAsAClaimCheck() {
        // A BMP of the 320x200 cylinder (about 190 KB) is well above the 40 KB threshold: the transformer puts it
        // in the bucket and replies with a reference, which the waiting gateway reads back from the bucket.
        HttpResponse<byte[]> waited = http.post("image?format=bmp", png, "Content-Type", "image/png",
                "Prefer", "wait=30", "Accept", "image/*");

        assertThat(waited.statusCode()).as(new String(waited.body())).isEqualTo(201);
        assertThat(waited.body().length).isGreaterThan(40_000);
        String id = waited.headers().firstValue("Location").orElseThrow();
        id = id.substring(id.lastIndexOf('/') + 1);
        assertThat(awaitResult(id).body()).isEqualTo(waited.body());
    }

    @Test
    void readsAByteRangeAndAnswers304ToItsOwnTag() {
        String id = upload(png, "?width=32");
        HttpResponse<byte[]> whole = awaitOriginal(id);
        String etag = whole.headers().firstValue("ETag").orElseThrow();

        HttpResponse<byte[]> part = http.get("image/" + id + "/original", "Range", "bytes=100-199");
        HttpResponse<byte[]> tail = http.get("image/" + id + "/original", "Range", "bytes=-10");
        HttpResponse<byte[]> outside = http.get("image/" + id + "/original", "Range", "bytes=" + png.length + "-");
        HttpResponse<byte[]> cached = http.get("image/" + id + "/original", "If-None-Match", etag);

        assertThat(whole.headers().firstValue("Accept-Ranges")).contains("bytes");
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.headers().firstValue("Content-Range")).contains("bytes 100-199/" + png.length);
        assertThat(part.body()).isEqualTo(Arrays.copyOfRange(png, 100, 200));
        assertThat(tail.statusCode()).isEqualTo(206);
        assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(png, png.length - 10, png.length));
        assertThat(outside.statusCode()).isEqualTo(416);
        assertThat(outside.headers().firstValue("Content-Range")).contains("bytes */" + png.length);
        assertThat(cached.statusCode()).isEqualTo(304);
    }

    @Test
    void aGatewayWithRedirectOnAnswersWithAPresignedUrlThatServesTheBytes() throws Exception {
        String id = upload(png, "?width=48");
        awaitResult(id);
        Map<String, String> gatewayOnly = new HashMap<>(pipeline.settings());
        gatewayOnly.put("IMGPIPE_SERVICES", "none");
        gatewayOnly.put("IMGPIPE_HTTP_PORT", "0");
        gatewayOnly.put("IMGPIPE_BLOB_REDIRECT", "true");
        try (Pipeline redirecting = Pipeline.start(gatewayOnly)) {
            HttpClient noFollow = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<byte[]> redirect = noFollow.send(HttpRequest.newBuilder(
                            redirecting.baseUrl().resolve("image/" + id + "/original")).timeout(Duration.ofSeconds(30))
                    .build(), HttpResponse.BodyHandlers.ofByteArray());

            assertThat(redirect.statusCode()).isEqualTo(302);
            URI location = URI.create(redirect.headers().firstValue("Location").orElseThrow());
            assertThat(location.getHost()).isEqualTo("127.0.0.1");
            HttpResponse<byte[]> fromStore = noFollow.send(HttpRequest.newBuilder(location)
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(fromStore.statusCode()).isEqualTo(200);
            assertThat(fromStore.body()).isEqualTo(png);
            assertThat(fromStore.headers().firstValue("Content-Type")).contains("image/png");
        }
    }

    @Test
    void anIdempotencyKeyIsBoundToTheBodyByTheDigestInTheObjectKey() throws Exception {
        String key = "object-store-it-" + System.nanoTime();
        HttpResponse<byte[]> first = http.post("image?width=30", png, "Content-Type", "image/png", "Idempotency-Key", key);
        assertThat(first.statusCode()).isEqualTo(202);
        String id = Http.json(first).get("id").asText();
        awaitOriginal(id);
        Map<String, String> gatewayOnly = new HashMap<>(pipeline.settings());
        gatewayOnly.put("IMGPIPE_SERVICES", "none");
        gatewayOnly.put("IMGPIPE_HTTP_PORT", "0");
        // Another gateway: it has not seen the upload, so it compares with the digest PostgreSQL keeps in blob_key.
        try (Pipeline other = Pipeline.start(gatewayOnly)) {
            Http second = new Http(other.baseUrl());

            HttpResponse<byte[]> same = second.post("image?width=30", png, "Content-Type", "image/png",
                    "Idempotency-Key", key);
            HttpResponse<byte[]> different = second.post("image?width=30", jpeg, "Content-Type", "image/jpeg",
                    "Idempotency-Key", key);

            assertThat(same.statusCode()).isEqualTo(202);
            assertThat(Http.json(same).get("id").asText()).isEqualTo(id);
            assertThat(different.statusCode()).isEqualTo(409);
        }
    }

    @Test
    void aDeletedImagesRowsGoAndItsBytesAreNoLongerServed() throws Exception {
        String id = upload(png, "?width=40");
        awaitResult(id);

        HttpResponse<byte[]> deleted = http.send(HttpRequest.newBuilder(pipeline.baseUrl().resolve("image/" + id))
                .timeout(Duration.ofSeconds(30)).DELETE().build());

        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(http.get("image/" + id + "/original").statusCode()).isEqualTo(404);
        try (Connection c = db()) {
            assertThat(count(c, "SELECT count(*) FROM originals WHERE image_id = ?", id)).isZero();
        }
    }

    private static Connection db() throws Exception {
        String url = pipeline.settings().get("IMGPIPE_JDBC_URL");
        return DriverManager.getConnection(url, pipeline.settings().getOrDefault("IMGPIPE_DB_USER", "postgres"),
                pipeline.settings().getOrDefault("IMGPIPE_DB_PASSWORD", ""));
    }

    private static long count(Connection c, String sql, String arg) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static boolean isSet(String name) {
        String v = System.getenv(name);
        return v != null && !v.isBlank();
    }
}
