package io.imgpipe.launcher;

import io.imgpipe.testsupport.Await;
import io.imgpipe.testsupport.ThrowawayDatabase;
import com.fasterxml.jackson.databind.JsonNode;
import io.imgpipe.gateway.auth.KeysCli;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12, tried as an outsider would: two owners (alice, bob), an operator and an anonymous client against a
 * pipeline with keys on, signed links, retention and short read timeouts. On a pipeline of its own with an embedded
 * broker (a shared broker would split the save2db queue between two databases); its PostgreSQL is the machine's (a
 * fresh database) when {@code IMGPIPE_TEST_JDBC_URL} is set, embedded otherwise.
 */
class SecurityIT {

    private static final String ALICE = "alice-key-0123456789";
    private static final String BOB = "bob-key-0123456789";
    private static final String OPS = "ops-key-0123456789";
    private static final String SOME_ID = "0123456789abcdef0123456789abcdef";

    private static Pipeline pipeline;
    private static Http http;
    private static byte[] jpeg;
    private static byte[] png;
    private static String jdbcUrl;
    private static ThrowawayDatabase freshDatabase;

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("IMGPIPE_HTTP_PORT", "0");
        env.put("IMGPIPE_HTTP_HOST", "127.0.0.1");
        env.put("IMGPIPE_TRANSFORMER_THREADS", "2");
        env.put("IMGPIPE_API_KEYS", "alice:" + digest(ALICE) + ",bob:" + digest(BOB) + ",ops:" + digest(OPS) + ":operator");
        env.put("IMGPIPE_API_KEYS_REFRESH_SECONDS", "1");
        env.put("IMGPIPE_URL_SIGNING_KEY", "security-it-signing-key-0123456789");
        env.put("IMGPIPE_SSE_STREAMS_PER_KEY", "2");
        env.put("IMGPIPE_HEADER_TIMEOUT_MS", "1000");
        env.put("IMGPIPE_READ_TIMEOUT_MS", "1500");
        env.put("IMGPIPE_RETENTION_DAYS", "30");
        env.put("IMGPIPE_RETENTION_INTERVAL_SECONDS", "1");
        String external = System.getenv("IMGPIPE_TEST_JDBC_URL");
        if (external != null && !external.isBlank()) {
            freshDatabase = ThrowawayDatabase.create(external, dbUser(), dbPassword(), "imgpipe_sec_");
            env.put("IMGPIPE_JDBC_URL", freshDatabase.jdbcUrl());
            env.put("IMGPIPE_DB_USER", dbUser());
            env.put("IMGPIPE_DB_PASSWORD", dbPassword());
        }
        pipeline = Pipeline.start(env);
        jdbcUrl = pipeline.settings().get("IMGPIPE_JDBC_URL");
        System.out.println("[imgpipe-it] SecurityIT on " + pipeline.infrastructure());
        http = new Http(pipeline.baseUrl());
        jpeg = Fixtures.bytes("/images/autumn-400x250.jpg");
        png = Fixtures.bytes("/images/cylinder-320x200-rgba16.png");
    }

    @AfterAll
    static void stop() throws Exception {
        if (pipeline != null) {
            pipeline.close();
        }
        if (freshDatabase != null) {
            freshDatabase.close();
        }
    }

    @Test
    void anAnonymousClientGets401EverywhereButHealthAndThePage() {
        String[][] routes = {
                {"GET", "images"}, {"GET", "image/" + SOME_ID}, {"GET", "image/" + SOME_ID + "/original"},
                {"GET", "image/" + SOME_ID + "/meta"}, {"GET", "image/" + SOME_ID + "/events"}, {"GET", "events"},
                {"GET", "presets"}, {"GET", "metrics"}, {"GET", "openapi.yaml"}, {"POST", "image"},
                {"DELETE", "image/" + SOME_ID}, {"POST", "image/" + SOME_ID + "/links"}};
        for (String[] route : routes) {
            HttpResponse<byte[]> r = call(route[0], route[1], null, new byte[]{1});
            assertThat(r.statusCode()).as(route[0] + " " + route[1]).isEqualTo(401);
            assertThat(Http.json(r).get("error").asText()).isEqualTo("unauthorized");
            assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
            assertThat(call(route[0], route[1], "wrong-key", new byte[]{1}).statusCode()).as("wrong key").isEqualTo(401);
        }
        assertThat(http.get("health/live").statusCode()).isEqualTo(200);
        assertThat(http.get("health/ready").statusCode()).isEqualTo(200);
        assertThat(http.get("").statusCode()).isEqualTo(200);
    }

    @Test
    void anOwnerCannotSeeFetchListOrDeleteAnotherOwnersImage() {
        String id = uploadAndWait(ALICE, jpeg);

        for (String path : List.of("image/" + id, "image/" + id + "/original", "image/" + id + "/meta",
                "image/" + id + "/events", "image/" + id + "?wait=1")) {
            HttpResponse<byte[]> bobs = call("GET", path, BOB, null);
            assertThat(bobs.statusCode()).as("bob GET " + path).isEqualTo(404);
            assertThat(Http.json(bobs).get("message").asText()).isEqualTo("no image with id " + id);
            assertThat(call("GET", path, ALICE, null).statusCode()).as("alice GET " + path).isEqualTo(200);
        }
        assertThat(call("POST", "image/" + id + "/links", BOB, new byte[0]).statusCode()).isEqualTo(404);
        assertThat(call("DELETE", "image/" + id, BOB, null).statusCode()).isEqualTo(404);
        assertThat(call("GET", "image/" + id, ALICE, null).statusCode()).as("still there for alice").isEqualTo(200);

        assertThat(ids(call("GET", "images?limit=100", BOB, null))).doesNotContain(id);
        assertThat(ids(call("GET", "images?limit=100", ALICE, null))).contains(id);
    }

    @Test
    void perOwnerContentIsPrivateToBrowserCaches() {
        String id = uploadAndWait(ALICE, jpeg);

        for (String path : List.of("image/" + id, "image/" + id + "/original")) {
            HttpResponse<byte[]> r = call("GET", path, ALICE, null);
            assertThat(r.headers().firstValue("Cache-Control").orElseThrow()).as(path).startsWith("private").doesNotContain("public");
        }
    }

    @Test
    void eventStreamsCarryOnlyTheCallersEventsAndAreCappedPerKey() throws Exception {
        try (EventReader bobs = EventReader.open(pipeline.baseUrl(), BOB)) {
            String alices = upload(ALICE, jpeg, Map.of());
            String own = upload(BOB, png, Map.of());
            List<String> seen = bobs.readUntil(own, Duration.ofSeconds(30));

            assertThat(seen).anyMatch(line -> line.contains(own));
            assertThat(seen).noneMatch(line -> line.contains(alices));

            try (EventReader second = EventReader.open(pipeline.baseUrl(), BOB)) {
                HttpResponse<byte[]> third = call("GET", "events", BOB, null);
                assertThat(third.statusCode()).isEqualTo(429);
                assertThat(Http.json(third).get("error").asText()).isEqualTo("too_many_streams");
            }
        }
    }

    @Test
    void metricsNeedAnOperatorKey() {
        assertThat(call("GET", "metrics", ALICE, null).statusCode()).isEqualTo(403);
        assertThat(call("GET", "metrics", OPS, null).statusCode()).isEqualTo(200);
    }

    @Test
    void aSignedLinkSharesOneImageUntilItExpiresAndATamperedOneIs403() throws Exception {
        String id = uploadAndWait(ALICE, jpeg);
        JsonNode link = Http.json(call("POST", "image/" + id + "/links?ttl=60", ALICE, new byte[0]));
        String url = link.get("url").asText().substring(1);

        HttpResponse<byte[]> shared = http.get(url);
        assertThat(shared.statusCode()).isEqualTo(200);
        assertThat(shared.headers().firstValue("Content-Type").orElseThrow()).startsWith("image/");
        assertThat(shared.headers().firstValue("Cache-Control").orElseThrow()).startsWith("public, max-age=");

        String other = uploadAndWait(BOB, jpeg);
        assertThat(http.get(url.replace(id, other)).statusCode()).as("another id").isEqualTo(403);
        assertThat(http.get(url.replace("expires=", "expires=9")).statusCode()).as("later expiry").isEqualTo(403);
        assertThat(http.get(url.substring(0, url.length() - 2) + "xx").statusCode()).as("signature").isEqualTo(403);
        assertThat(http.get(url.replace(id + "?", id + "/original?")).statusCode()).as("variant").isEqualTo(403);

        String shortLived = Http.json(call("POST", "image/" + id + "/links?ttl=1", ALICE, new byte[0]))
                .get("url").asText().substring(1);
        HttpResponse<byte[]> expired = Await.until(Duration.ofSeconds(5), () -> http.get(shortLived),
                r -> r.statusCode() == 403);
        assertThat(expired.statusCode()).isEqualTo(403);
        assertThat(Http.json(expired).get("error").asText()).isEqualTo("link_expired");
    }

    @Test
    void theSameIdempotencyKeyWithAnotherBodyIs409AndOwnersDoNotShareKeys() {
        String key = "k-" + UUID.randomUUID();

        String first = upload(ALICE, jpeg, Map.of("Idempotency-Key", key));
        HttpResponse<byte[]> conflict = call("POST", "image", ALICE, png, "Idempotency-Key", key);
        String retried = upload(ALICE, jpeg, Map.of("Idempotency-Key", key));
        String bobs = upload(BOB, png, Map.of("Idempotency-Key", key));

        assertThat(conflict.statusCode()).isEqualTo(409);
        assertThat(Http.json(conflict).get("error").asText()).isEqualTo("idempotency_conflict");
        assertThat(retried).isEqualTo(first);
        assertThat(bobs).isNotEqualTo(first);
        assertThat(call("GET", "image/" + bobs + "?wait=20", BOB, null).headers().firstValue("Content-Type")
                .orElseThrow()).isEqualTo("image/png");
    }

    @Test
    void deleteRemovesEveryByteAndIsIdempotent() throws Exception {
        String id = uploadAndWait(ALICE, jpeg);
        Await.until(Duration.ofSeconds(10), () -> count("activity_events", id), n -> n >= 4);

        assertThat(call("DELETE", "image/" + id, ALICE, null).statusCode()).isEqualTo(204);

        for (String path : List.of("image/" + id, "image/" + id + "/original", "image/" + id + "/meta",
                "image/" + id + "/events")) {
            assertThat(call("GET", path, ALICE, null).statusCode()).as(path).isEqualTo(404);
        }
        assertThat(call("DELETE", "image/" + id, ALICE, null).statusCode()).as("again").isEqualTo(204);
        assertThat(count("originals", id) + count("results", id) + count("failures", id)).isZero();
        assertThat(Await.until(Duration.ofSeconds(10), () -> count("activity_events", id), n -> n == 0)).isZero();
        assertThat(ids(call("GET", "images?limit=100", ALICE, null))).doesNotContain(id);
    }

    @Test
    void aDeleteRacingItsTransformationIsNotUndoneByTheResult() throws Exception {
        String id = upload(ALICE, jpeg, Map.of());
        HttpResponse<byte[]> deleted = call("DELETE", "image/" + id, ALICE, null);
        assertThat(deleted.statusCode()).isEqualTo(204);

        // Whatever the transformer was doing finishes within a few seconds; nothing of it may be kept.
        Thread.sleep(3_000);
        assertThat(call("GET", "image/" + id, ALICE, null).statusCode()).isEqualTo(404);
        assertThat(count("originals", id) + count("results", id) + count("failures", id)).isZero();
        assertThat(Await.until(Duration.ofSeconds(5), () -> count("activity_events", id), n -> n == 0)).isZero();
    }

    @Test
    void retentionForgetsImagesOlderThanItsDays() throws Exception {
        String old = uploadAndWait(ALICE, jpeg);
        String young = uploadAndWait(ALICE, jpeg);
        try (Connection c = db(); PreparedStatement ps = c.prepareStatement(
                "UPDATE originals SET accepted_at = now() - interval '31 days' WHERE image_id = ?")) {
            ps.setString(1, old);
            ps.executeUpdate();
        }

        HttpResponse<byte[]> gone = Await.until(Duration.ofSeconds(15), () -> call("GET", "image/" + old, ALICE, null),
                r -> r.statusCode() == 404);

        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(count("results", old)).isZero();
        assertThat(call("GET", "image/" + young, ALICE, null).statusCode()).isEqualTo(200);
    }

    @Test
    void aKeyAddedWithTheCliWorksWithoutRestartAndStopsWhenRevoked() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Connection c = db()) {
            assertThat(KeysCli.run(c, new String[]{"add", "carol"}, new PrintStream(out), System.err)).isZero();
        }
        String[] lines = out.toString(StandardCharsets.UTF_8).trim().split("\n");
        String key = lines[1].trim();
        String keyId = lines[0].replaceAll("^id=(\\d+).*", "$1");

        HttpResponse<byte[]> accepted = Await.until(Duration.ofSeconds(10), () -> call("GET", "images", key, null),
                r -> r.statusCode() == 200);
        assertThat(accepted.statusCode()).isEqualTo(200);

        try (Connection c = db()) {
            assertThat(KeysCli.run(c, new String[]{"revoke", keyId}, new PrintStream(out), System.err)).isZero();
        }
        HttpResponse<byte[]> refused = Await.until(Duration.ofSeconds(10), () -> call("GET", "images", key, null),
                r -> r.statusCode() == 401);
        assertThat(refused.statusCode()).isEqualTo(401);
    }

    @Test
    void aCrossSitePostIs403() {
        HttpResponse<byte[]> foreign = call("POST", "image", ALICE, jpeg, "Origin", "https://evil.example");
        HttpResponse<byte[]> fetchMetadata = call("POST", "image", ALICE, jpeg, "Sec-Fetch-Site", "cross-site");

        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(Http.json(foreign).get("error").asText()).isEqualTo("cross_site");
        assertThat(fetchMetadata.statusCode()).isEqualTo(403);
        assertThat(call("POST", "image", ALICE, jpeg, "Sec-Fetch-Site", "same-origin").statusCode())
                .as("the page's token is missing").isEqualTo(403);
        assertThat(call("POST", "image", ALICE, jpeg, "Sec-Fetch-Site", "same-origin", "Cookie", "imgpipe_csrf=abc",
                "X-CSRF-Token", "abc").statusCode()).isEqualTo(202);
        assertThat(http.get("").headers().allValues("Set-Cookie")).anyMatch(c -> c.startsWith("imgpipe_csrf=")
                && c.contains("SameSite=Strict"));
    }

    @Test
    void aMalformedFileNameIs400NotA500() {
        HttpResponse<byte[]> r = call("POST", "image", ALICE, jpeg, "X-Filename", "%ZZ.jpg");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Http.json(r).get("error").asText()).isEqualTo("bad_filename");
    }

    @Test
    void htmlBehindAnImageSignatureIsNeverServedInline() {
        byte[] html = "BM<html><script>alert(document.cookie)</script></html>".getBytes(StandardCharsets.US_ASCII);
        String id = upload(ALICE, html, Map.of());
        HttpResponse<byte[]> failed = call("GET", "image/" + id + "?wait=20", ALICE, null);
        assertThat(failed.statusCode()).isEqualTo(422);

        // save2db may store the failure before the original: wait for the original
        HttpResponse<byte[]> original = Await.until(Duration.ofSeconds(20),
                () -> call("GET", "image/" + id + "/original", ALICE, null), r -> r.statusCode() == 200);

        assertThat(original.statusCode()).isEqualTo(200);
        assertThat(original.headers().firstValue("Content-Type").orElseThrow()).isEqualTo("application/octet-stream");
        assertThat(original.headers().firstValue("Content-Disposition").orElseThrow()).startsWith("attachment");
        assertThat(original.headers().firstValue("X-Content-Type-Options").orElseThrow()).isEqualTo("nosniff");
    }

    @Test
    void aClientThatDribblesItsHeadersIsCutOff() throws Exception {
        try (Socket s = new Socket("127.0.0.1", pipeline.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write("GET /health/live HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long t0 = System.nanoTime();
            int read = drain(s.getInputStream());
            assertThat(read).as("bytes before close").isLessThan(1024);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(8));
        }
    }

    @Test
    void aClientThatStallsInItsBodyIsCutOff() throws Exception {
        try (Socket s = new Socket("127.0.0.1", pipeline.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /image HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + ALICE
                    + "\r\nContent-Length: 100000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(jpeg, 0, 100);
            out.flush();
            long t0 = System.nanoTime();
            drain(s.getInputStream());
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(8));
        }
    }

    // --- helpers ---------------------------------------------------------------------------------------------

    private static HttpResponse<byte[]> call(String method, String path, String key, byte[] body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(pipeline.baseUrl().resolve(path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build());
    }

    private static String upload(String key, byte[] body, Map<String, String> headers) {
        List<String> h = new ArrayList<>();
        headers.forEach((k, v) -> {
            h.add(k);
            h.add(v);
        });
        HttpResponse<byte[]> r = call("POST", "image", key, body, h.toArray(String[]::new));
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(202);
        return Http.json(r).get("id").asText();
    }

    private static String uploadAndWait(String key, byte[] body) {
        String id = upload(key, body, Map.of());
        HttpResponse<byte[]> done = call("GET", "image/" + id + "?wait=30", key, null);
        assertThat(done.statusCode()).isEqualTo(200);
        return id;
    }

    private static List<String> ids(HttpResponse<byte[]> page) {
        assertThat(page.statusCode()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        Http.json(page).get("items").forEach(i -> ids.add(i.get("id").asText()));
        return ids;
    }

    private static int count(String table, String id) {
        try (Connection c = db(); PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM " + table + " WHERE image_id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Connection db() throws Exception {
        return DriverManager.getConnection(jdbcUrl, pipeline.settings().getOrDefault("IMGPIPE_DB_USER", "postgres"),
                pipeline.settings().getOrDefault("IMGPIPE_DB_PASSWORD", ""));
    }

    /** Reads until the server closes the connection (or the socket timeout fails the test). */
    private static int drain(InputStream in) throws IOException {
        byte[] buf = new byte[4096];
        int total = 0;
        for (int n; (n = in.read(buf)) >= 0 && total < 1 << 20; ) {
            total += n;
        }
        return total;
    }

    private static String digest(String key) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    }

    private static String dbUser() {
        return System.getenv().getOrDefault("IMGPIPE_TEST_DB_USER", "postgres");
    }

    private static String dbPassword() {
        return System.getenv().getOrDefault("IMGPIPE_TEST_DB_PASSWORD", "");
    }

    /** An event stream read the way the page reads it: a fetch with the key in a header, lines as they come. */
    private static final class EventReader implements AutoCloseable {
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final Stream<String> body;

        private EventReader(Stream<String> body) {
            this.body = body;
            Thread t = new Thread(() -> {
                try {
                    body.forEach(lines::add);
                } catch (RuntimeException e) {
                    // closed
                }
            }, "sse-reader");
            t.setDaemon(true);
            t.start();
        }

        static EventReader open(URI base, String key) throws Exception {
            HttpResponse<Stream<String>> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve("events"))
                    .header("Authorization", "Bearer " + key).GET().build(), HttpResponse.BodyHandlers.ofLines());
            assertThat(r.statusCode()).isEqualTo(200);
            return new EventReader(r.body());
        }

        List<String> readUntil(String needle, Duration patience) throws InterruptedException {
            List<String> seen = new ArrayList<>();
            long deadline = System.nanoTime() + patience.toNanos();
            while (System.nanoTime() < deadline) {
                String line = lines.poll(200, TimeUnit.MILLISECONDS);
                if (line != null) {
                    seen.add(line);
                    if (line.contains(needle)) {
                        return seen;
                    }
                }
            }
            return seen;
        }

        @Override
        public void close() {
            body.close();
        }
    }
}
