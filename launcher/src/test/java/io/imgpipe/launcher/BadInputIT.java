package io.imgpipe.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgpipe.testsupport.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #6: hostile and broken input never hurts the pipeline. Every case is answered in bounded time with a 4xx JSON
 * error from the gateway or, once accepted, ends {@code failed} with a reason the user can read (422); valid-but-odd
 * images (broken ICC, lying EXIF, polyglots) may instead end done, re-encoded, without their payload. Afterwards the
 * pipeline is ready, a normal upload still succeeds and the heap stayed under its limit.
 *
 * <p>The file corpus is {@code src/test/resources/bad-input/} (written by its {@code generate.py}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputIT {

    private static final String PAYLOAD = "IMGPIPE-POLYGLOT-PAYLOAD";
    private static final long MAX_UPLOAD = 5L * 1024 * 1024; // TestPipeline's IMGPIPE_MAX_UPLOAD_BYTES
    private static final String SOME_ID = "0123456789abcdef0123456789abcdef";
    private static final List<String> PARAMETERS = List.of("width", "height", "fit", "gravity", "crop", "dpr",
            "rotate", "flip", "autorotate", "grayscale", "blur", "sharpen", "background", "format", "quality",
            "progressive", "strip", "preset");
    private static final Set<String> FLAGS = Set.of("autorotate", "grayscale", "progressive", "strip");
    private static final List<String> HOSTILE_VALUES = List.of("-1", "99999999999999999999", "NaN", "Infinity",
            "１００", "../../etc/passwd", "' OR 1=1--", "1; DROP TABLE originals", "%00", "", "\u202e\u0000x");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static Http http;
    private static URI base;
    private static byte[] jpeg;
    private static long heapMax;

    /** What the pipeline must answer for one corpus file. */
    enum Expect {
        /** refused by the gateway before anything is published: 415 unsupported_format */
        UNSUPPORTED,
        /** refused by the gateway: 400 empty_body */
        EMPTY,
        /** accepted, then failed with {@code corrupt_image} */
        CORRUPT,
        /** accepted, then failed with {@code image_too_large}, decided from the header */
        TOO_LARGE,
        /** accepted, then failed with {@code too_many_frames} */
        TOO_MANY_FRAMES,
        /** accepted; either failed with a reason or done with a clean re-encoding that does not carry the payload */
        HARMLESS,
        /** odd but valid (animations with zero delays): accepted and done, still animated */
        ANIMATED
    }

    @BeforeAll
    static void start() throws IOException {
        TestPipeline pipeline = TestPipeline.shared();
        base = pipeline.baseUrl();
        http = new Http(base);
        jpeg = Fixtures.bytes("/images/autumn-400x250.jpg");
        Heap before = heap();
        heapMax = before.max();
        System.out.println("[bad-input] infrastructure=" + pipeline.kind() + " heap before: used " + before.used() / 1_048_576
                + " MiB of " + before.max() / 1_048_576 + " MiB");
    }

    // ------------------------------------------------------------------------------------------------ the corpus

    static Stream<Arguments> corpus() {
        return Stream.of(
                file("random-bytes.jpg", Expect.UNSUPPORTED),
                file("random-bytes.png", Expect.UNSUPPORTED),
                file("random-bytes.gif", Expect.UNSUPPORTED),
                file("random-bytes.webp", Expect.UNSUPPORTED),
                file("zero-bytes.jpg", Expect.EMPTY),
                file("zero-filled.png", Expect.UNSUPPORTED),
                file("svg-named.jpg", Expect.UNSUPPORTED),
                file("svg-with-bom-and-xml-declaration.png", Expect.UNSUPPORTED),
                file("html-named.jpg", Expect.UNSUPPORTED),
                file("html-then-jpeg.jpg", Expect.UNSUPPORTED),
                file("pdf-named.png", Expect.UNSUPPORTED),
                file("zip-named.gif", Expect.UNSUPPORTED),
                file("jpeg-soi-only.jpg", Expect.CORRUPT),
                file("jpeg-truncated-in-headers.jpg", Expect.CORRUPT),
                file("jpeg-truncated-in-scan.jpg", Expect.CORRUPT),
                file("jpeg-header-then-garbage.jpg", Expect.CORRUPT),
                file("jpeg-zero-height.jpg", Expect.CORRUPT),
                file("png-signature-only.png", Expect.CORRUPT),
                file("png-truncated-ihdr.png", Expect.CORRUPT),
                file("png-truncated-idat.png", Expect.CORRUPT),
                file("png-header-then-garbage.png", Expect.CORRUPT),
                file("png-chunk-length-2gib.png", Expect.CORRUPT),
                file("png-zero-width.png", Expect.CORRUPT),
                file("gif-header-only.gif", Expect.CORRUPT),
                file("gif-truncated-in-frame.gif", Expect.CORRUPT),
                file("gif-header-then-garbage.gif", Expect.CORRUPT),
                file("webp-riff-header-only.webp", Expect.CORRUPT),
                file("webp-truncated.webp", Expect.CORRUPT),
                file("webp-header-then-garbage.webp", Expect.CORRUPT),
                file("tiff-header-only.tif", Expect.CORRUPT),
                file("bmp-negative-width.bmp", Expect.CORRUPT),
                file("png-pixel-bomb-50000x50000.png", Expect.TOO_LARGE),
                file("png-deflate-bomb-over-limit.png", Expect.TOO_LARGE),
                file("jpeg-pixel-bomb-65500x65500.jpg", Expect.TOO_LARGE),
                file("gif-pixel-bomb-65535x65535.gif", Expect.TOO_LARGE),
                file("webp-pixel-bomb-16383x16383.webp", Expect.TOO_LARGE),
                file("bmp-pixel-bomb-100000x100000.bmp", Expect.TOO_LARGE),
                file("tiff-pixel-bomb-100000x100000.tif", Expect.TOO_LARGE),
                file("gif-3000-frames.gif", Expect.TOO_MANY_FRAMES),
                file("webp-animated-1200-frames.webp", Expect.TOO_MANY_FRAMES),
                file("webp-animated-frame-bomb-16384x16384.webp", Expect.TOO_LARGE),
                file("gif-animated-truncated.gif", Expect.CORRUPT),
                file("webp-animated-truncated.webp", Expect.CORRUPT),
                file("gif-animated-zero-delays.gif", Expect.ANIMATED),
                file("webp-animated-zero-durations.webp", Expect.ANIMATED),
                file("png-deflate-bomb-under-limit.png", Expect.HARMLESS),
                file("png-idat-inflates-past-its-rows.png", Expect.HARMLESS),
                file("png-extreme-aspect-1x1000000.png", Expect.HARMLESS),
                file("png-icc-deflate-bomb.png", Expect.HARMLESS),
                file("png-icc-garbage.png", Expect.HARMLESS),
                file("png-bad-crc.png", Expect.HARMLESS),
                file("jpeg-icc-garbage.jpg", Expect.HARMLESS),
                file("jpeg-icc-lying-size.jpg", Expect.HARMLESS),
                file("jpeg-exif-lies.jpg", Expect.HARMLESS),
                file("jpeg-exif-ifd-loop.jpg", Expect.HARMLESS),
                file("tiff-ifd-loop.tif", Expect.HARMLESS),
                file("polyglot-jpeg-zip.jpg", Expect.HARMLESS),
                file("polyglot-gif-javascript.gif", Expect.HARMLESS),
                file("polyglot-png-html.png", Expect.HARMLESS));
    }

    @Order(1)
    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("corpus")
    @Timeout(60)
    void corpusFileIsRefusedOrEndsWithAnOutcome(String name, Expect expect) throws IOException {
        byte[] bytes = corpusFile(name);
        long t0 = System.nanoTime();

        HttpResponse<byte[]> upload = http.post("image", bytes, "Content-Type", contentTypeFor(name),
                "X-Filename", name);

        switch (expect) {
            case UNSUPPORTED -> assertJsonError(upload, 415, "unsupported_format");
            case EMPTY -> assertJsonError(upload, 400, "empty_body");
            default -> {
                assertThat(upload.statusCode()).as(text(upload)).isEqualTo(202);
                String id = Http.json(upload).get("id").asText();
                HttpResponse<byte[]> outcome = http.get("image/" + id + "?wait=30");
                assertOutcome(name, expect, id, outcome, bytes);
            }
        }
        System.out.printf("[bad-input] %-40s %-16s %5d ms%n", name, expect, (System.nanoTime() - t0) / 1_000_000);
    }

    private static void assertOutcome(String name, Expect expect, String id, HttpResponse<byte[]> outcome,
                                      byte[] original) {
        switch (expect) {
            case CORRUPT -> assertFailed(outcome, "corrupt_image");
            case TOO_LARGE -> assertFailed(outcome, "image_too_large");
            case TOO_MANY_FRAMES -> assertFailed(outcome, "too_many_frames");
            case ANIMATED -> {
                assertThat(outcome.statusCode()).as(name + ": " + text(outcome)).isEqualTo(200);
                String body = new String(outcome.body(), StandardCharsets.ISO_8859_1);
                assertThat(body).as("an animated result").containsAnyOf("NETSCAPE2.0", "ANMF");
            }
            case HARMLESS -> {
                assertThat(outcome.statusCode()).as(name + ": " + text(outcome)).isIn(200, 422);
                if (outcome.statusCode() == 422) {
                    assertFailed(outcome, null);
                } else {
                    assertThat(outcome.headers().firstValue("Content-Type").orElse("")).startsWith("image/");
                    assertThat(outcome.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
                    assertThat(new String(outcome.body(), StandardCharsets.ISO_8859_1))
                            .as("the re-encoded result of " + name + " must not carry the polyglot payload")
                            .doesNotContain(PAYLOAD).doesNotContain("<script");
                }
                // The original is kept byte-exact, never served as HTML: as its image type once it decoded, else
                // (issue 12) as a download of application/octet-stream.
                HttpResponse<byte[]> stored = Await.until(Duration.ofSeconds(20),
                        () -> http.get("image/" + id + "/original"), r -> r.statusCode() == 200);
                assertThat(stored.body()).isEqualTo(original);
                if (outcome.statusCode() == 200) {
                    assertThat(stored.headers().firstValue("Content-Type").orElse("")).startsWith("image/");
                } else {
                    assertThat(stored.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
                    assertThat(stored.headers().firstValue("Content-Disposition").orElse("")).startsWith("attachment");
                }
                assertThat(stored.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
            }
            default -> throw new AssertionError(expect);
        }
    }

    // ------------------------------------------------------------------------------------------- HTTP-level abuse

    record HttpCase(Supplier<Answer> request, Set<Integer> statuses, String error) {
    }

    /** A status and body, whether it came from the JDK client or a raw socket (null status: connection closed). */
    record Answer(Integer status, String contentType, byte[] body) {
        static Answer of(HttpResponse<byte[]> r) {
            return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + new String(body, StandardCharsets.UTF_8), e);
            }
        }
    }

    static Stream<Arguments> httpAbuse() {
        String boundary = "imgpipe-bad-input";
        return Stream.of(
                httpCase("PUT /image", () -> send("PUT", "image", jpeg), 405, "method_not_allowed"),
                httpCase("DELETE /image", () -> send("DELETE", "image", new byte[0]), 405, "method_not_allowed"),
                httpCase("DELETE /image/{id} of an unknown id", () -> send("DELETE", "image/" + SOME_ID, new byte[0]),
                        404, "not_found"),
                httpCase("PATCH /image/{id}/meta", () -> send("PATCH", "image/" + SOME_ID + "/meta", jpeg), 405,
                        "method_not_allowed"),
                httpCase("GET /image (no id)", () -> Answer.of(http.get("image")), Set.of(404, 405), null),
                httpCase("SVG sent with Content-Type image/jpeg", () -> Answer.of(http.post("image",
                        "<svg xmlns='http://www.w3.org/2000/svg'/>".getBytes(), "Content-Type", "image/jpeg")),
                        415, "unsupported_format"),
                httpCase("HTML sent with Content-Type image/png", () -> Answer.of(http.post("image",
                        "<html><script>alert(1)</script></html>".getBytes(), "Content-Type", "image/png")),
                        415, "unsupported_format"),
                httpCase("multipart without a boundary", () -> Answer.of(http.post("image", jpeg,
                        "Content-Type", "multipart/form-data")), 400, "bad_multipart"),
                httpCase("multipart that is not multipart", () -> Answer.of(http.post("image", jpeg,
                        "Content-Type", "multipart/form-data; boundary=" + boundary)), Set.of(400), null),
                httpCase("multipart without a file field", () -> Answer.of(http.post("image",
                        multipart(boundary, "picture", "a.jpg", jpeg, true),
                        "Content-Type", "multipart/form-data; boundary=" + boundary)), 400, "missing_file"),
                httpCase("multipart cut before its closing boundary", () -> Answer.of(http.post("image",
                        multipart(boundary, "file", "a.jpg", jpeg, false),
                        "Content-Type", "multipart/form-data; boundary=" + boundary)), Set.of(400), null),
                httpCase("multipart with an SVG file", () -> Answer.of(http.post("image",
                        multipart(boundary, "file", "x.jpg", "<svg/>".getBytes(), true),
                        "Content-Type", "multipart/form-data; boundary=" + boundary)), 415, "unsupported_format"),
                httpCase("multipart with a file over the limit", () -> Answer.of(http.post("image",
                        multipart(boundary, "file", "big.jpg", big(MAX_UPLOAD + 1), true),
                        "Content-Type", "multipart/form-data; boundary=" + boundary)), 413, "too_large"),
                httpCase("raw body one byte over the limit", () -> Answer.of(http.post("image", big(MAX_UPLOAD + 1),
                        "Content-Type", "image/jpeg")), 413, "too_large"),
                httpCase("chunked body over the limit (no Content-Length)", () -> Answer.of(http.send(
                        HttpRequest.newBuilder(base.resolve("image")).timeout(Duration.ofSeconds(30))
                                .POST(HttpRequest.BodyPublishers.ofInputStream(
                                        () -> new ByteArrayInputStream(big(MAX_UPLOAD + 4096))))
                                .build())), 413, "too_large"),
                httpCase("Content-Length of 10 GB", () -> raw("POST /image HTTP/1.1\r\nHost: x\r\n"
                        + "Content-Length: 10000000000\r\nContent-Type: image/jpeg\r\n\r\n", new byte[16]),
                        413, "too_large"),
                httpCase("Content-Length larger than the body, then EOF", () -> raw("POST /image HTTP/1.1\r\n"
                        + "Host: x\r\nContent-Length: 100000\r\nContent-Type: image/jpeg\r\n\r\n",
                        Arrays.copyOf(jpeg, 1000)), Set.of(400, 408), null),
                httpCase("a 64 KiB header", () -> raw("POST /image HTTP/1.1\r\nHost: x\r\nX-Junk: "
                        + "a".repeat(64 * 1024) + "\r\nContent-Length: 4\r\n\r\n", new byte[4]),
                        Set.of(400, 413, 431), null),
                httpCase("ten thousand headers", () -> raw("POST /image HTTP/1.1\r\nHost: x\r\n"
                        + "X-Many: 1\r\n".repeat(10_000) + "Content-Length: 4\r\n\r\n", new byte[4]),
                        Set.of(400, 413, 431), null),
                httpCase("a request line of 64 KiB", () -> raw("GET /image/" + "a".repeat(64 * 1024)
                        + " HTTP/1.1\r\nHost: x\r\n\r\n", new byte[0]), Set.of(400, 404, 414, 431), null),
                httpCase("Prefer: wait=forever", () -> Answer.of(http.post("image", jpeg, "Prefer", "wait=forever")),
                        400, "bad_option"),
                httpCase("?wait=' OR 1=1-- on a read", () -> Answer.of(http.get("image/" + SOME_ID + "?wait="
                        + enc("' OR 1=1--"))), 400, "bad_option"),
                httpCase("?wait=-1 on a read", () -> Answer.of(http.get("image/" + SOME_ID + "?wait=-1")), 400,
                        "bad_option"),
                httpCase("?wait=99999999999 on a read", () -> Answer.of(http.get("image/" + SOME_ID
                        + "?wait=99999999999")), 400, "bad_option"),
                httpCase("unknown parameter named ' OR 1=1--", () -> Answer.of(http.post("image?" + enc("' OR 1=1--")
                        + "=1", jpeg)), 400, "bad_option"),
                httpCase("repeated parameter", () -> Answer.of(http.post("image?width=10&width=20", jpeg)), 400,
                        "bad_option"),
                httpCase("/images?status=' OR 1=1--", () -> Answer.of(http.get("images?status=" + enc("' OR 1=1--"))),
                        400, "bad_option"),
                httpCase("/images?limit=1;DROP TABLE originals", () -> Answer.of(http.get("images?limit="
                        + enc("1;DROP TABLE originals"))), 400, "bad_option"),
                httpCase("/images?limit=-5", () -> Answer.of(http.get("images?limit=-5")), 400, "bad_option"),
                httpCase("/images?before=' OR 1=1--", () -> Answer.of(http.get("images?before=" + enc("' OR 1=1--"))),
                        400, "bad_option"));
    }

    @Order(2)
    @ParameterizedTest(name = "{0}")
    @MethodSource("httpAbuse")
    @Timeout(60)
    void abusiveRequestGetsA4xx(String name, HttpCase c) {
        Answer answer = c.request().get();

        assertThat(answer.status()).as(name + " must be answered, not dropped: " + answer).isNotNull();
        assertThat(answer.status()).as(name + ": " + new String(answer.body(), StandardCharsets.UTF_8))
                .isIn(c.statuses());
        if (c.error() != null) {
            assertThat(answer.contentType()).isEqualTo("application/json");
            JsonNode body = answer.json();
            assertThat(body.get("error").asText()).isEqualTo(c.error());
            assertThat(body.get("message").asText()).isNotBlank();
        }
        System.out.printf("[bad-input] %-48s -> %d%n", name, answer.status());
    }

    static Stream<Arguments> hostileOptions() {
        List<Arguments> cases = new ArrayList<>();
        for (String parameter : PARAMETERS) {
            for (String value : HOSTILE_VALUES) {
                if (value.isEmpty() && FLAGS.contains(parameter)) {
                    continue; // ?grayscale is a documented flag: an empty value means true
                }
                cases.add(Arguments.of(parameter, value));
            }
        }
        return cases.stream();
    }

    @Order(3)
    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("hostileOptions")
    @Timeout(30)
    void hostileOptionValueIs400NamingTheParameter(String parameter, String value) {
        HttpResponse<byte[]> r = http.post("image?" + parameter + "=" + enc(value), jpeg, "Content-Type", "image/jpeg");

        JsonNode body = assertJsonError(r, 400, "bad_option");
        assertThat(body.get("message").asText()).contains(parameter);
    }

    static Stream<Arguments> malformedIds() {
        return Stream.of("not-an-id", "' OR 1=1--", "1 OR 1=1", "..%2F..%2Fetc%2Fpasswd", "%2e%2e",
                        SOME_ID.substring(1), SOME_ID + "0", SOME_ID.toUpperCase(Locale.ROOT),
                        "０123456789abcdef0123456789abcdef", SOME_ID.substring(1) + "%00", "a".repeat(4096),
                        "%27%3B%20DROP%20TABLE%20originals%3B--")
                .flatMap(id -> Stream.of("", "/original", "/meta", "/events").map(suffix -> Arguments.of(id, suffix)));
    }

    @Order(4)
    @ParameterizedTest(name = "GET /image/{0}{1}")
    @MethodSource("malformedIds")
    @Timeout(30)
    void malformedIdIs400Or404(String id, String suffix) {
        String path = "image/" + (id.contains("%") ? id : enc(id)) + suffix;

        HttpResponse<byte[]> r = http.get(path);

        assertThat(r.statusCode()).as(path + ": " + text(r)).isIn(400, 404);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(Http.json(r).get("error").asText()).isIn("bad_id", "not_found");
    }

    @Order(5)
    @Test
    @Timeout(60)
    void hostileFileNamesAndTraceHeadersAreStoredAsPlainData() {
        String sql = "x' OR 1=1--; DROP TABLE originals;.jpg";
        HttpResponse<byte[]> traversal = http.post("image?width=10", jpeg, "X-Filename", enc("../../etc/passwd"),
                "traceparent", "' OR 1=1--");
        HttpResponse<byte[]> injection = http.post("image?width=10", jpeg, "X-Filename", enc(sql));

        assertThat(traversal.statusCode()).as(text(traversal)).isEqualTo(202);
        assertThat(injection.statusCode()).as(text(injection)).isEqualTo(202);
        assertThat(traversal.headers().firstValue("traceparent").orElse("")).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
        String traversalId = Http.json(traversal).get("id").asText();
        String injectionId = Http.json(injection).get("id").asText();
        assertThat(http.get("image/" + traversalId + "?wait=30").statusCode()).isEqualTo(200);
        assertThat(http.get("image/" + injectionId + "?wait=30").statusCode()).isEqualTo(200);
        // save2db stores a result and its original in either order: the file name is there once the original is.
        assertThat(filename(traversalId)).isEqualTo("passwd");
        assertThat(filename(injectionId)).isEqualTo(sql);
        assertThat(http.get("images?limit=1").statusCode()).as("the tables are still there").isEqualTo(200);
    }

    private String filename(String id) {
        return Await.until(Duration.ofSeconds(20),
                () -> Http.json(http.get("image/" + id + "/meta")).path("filename").asText(""),
                name -> !name.isEmpty() && !name.equals("null"));
    }

    // ---------------------------------------------------------------------------------------- still standing

    @Order(99)
    @Test
    @Timeout(120)
    void afterwardsThePipelineIsReadyAndANormalUploadSucceeds() {
        HttpResponse<byte[]> ready = Await.until(Duration.ofSeconds(30), () -> http.get("health/ready"),
                r -> r.statusCode() == 200);
        assertThat(ready.statusCode()).as(text(ready)).isEqualTo(200);
        assertThat(Http.json(ready).get("broker").asBoolean()).isTrue();
        assertThat(Http.json(ready).get("database").asBoolean()).isTrue();

        HttpResponse<byte[]> normal = http.post("image?width=100&format=png", jpeg, "Prefer", "wait=30",
                "Accept", "application/json");

        assertThat(normal.statusCode()).as(text(normal)).isEqualTo(201);
        assertThat(Http.json(normal).at("/result/width").asInt()).isEqualTo(100);
        Heap after = heap();
        System.out.println("[bad-input] heap after: used " + after.used() / 1_048_576 + " MiB of "
                + after.max() / 1_048_576 + " MiB");
        assertThat(after.used()).isLessThan(heapMax);
    }

    @AfterAll
    static void summary() {
        System.out.println("[bad-input] done: " + corpus().count() + " corpus files, " + httpAbuse().count()
                + " HTTP cases, " + hostileOptions().count() + " hostile option values, " + malformedIds().count()
                + " malformed id paths");
    }

    // ------------------------------------------------------------------------------------------------- helpers

    private static Arguments file(String name, Expect expect) {
        return Arguments.of(name, expect);
    }

    private static Arguments httpCase(String name, Supplier<Answer> request, int status, String error) {
        return Arguments.of(name, new HttpCase(request, Set.of(status), error));
    }

    private static Arguments httpCase(String name, Supplier<Answer> request, Set<Integer> statuses, String error) {
        return Arguments.of(name, new HttpCase(request, statuses, error));
    }

    private static byte[] corpusFile(String name) throws IOException {
        try (InputStream in = BadInputIT.class.getResourceAsStream("/bad-input/" + name)) {
            assertThat(in).as("corpus file " + name + " (run bad-input/generate.py)").isNotNull();
            return in.readAllBytes();
        }
    }

    /** The Content-Type a browser would send for the file's extension: often a lie, never trusted. */
    private static String contentTypeFor(String name) {
        String ext = name.substring(name.lastIndexOf('.') + 1);
        return switch (ext) {
            case "jpg" -> "image/jpeg";
            case "tif" -> "image/tiff";
            default -> "image/" + ext;
        };
    }

    private static Answer send(String method, String path, byte[] body) {
        return Answer.of(http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body)).build()));
    }

    /**
     * Sends bytes the JDK client refuses to (a lying Content-Length, oversized heads) over a plain socket and reads
     * the status line; a closed connection without an answer gives a null status.
     */
    private static Answer raw(String head, byte[] body) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5_000);
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(head.getBytes(StandardCharsets.ISO_8859_1));
                out.write(body);
                out.flush();
                socket.shutdownOutput();
            } catch (IOException e) {
                // the server may answer and close before it read everything we meant to send
            }
            byte[] answer = readAll(socket.getInputStream());
            String text = new String(answer, StandardCharsets.ISO_8859_1);
            Matcher status = Pattern.compile("^HTTP/1\\.[01] (\\d{3})").matcher(text);
            if (!status.find()) {
                return new Answer(null, "", answer);
            }
            int split = text.indexOf("\r\n\r\n");
            Matcher type = Pattern.compile("(?im)^content-type:\\s*([^\r\n]+)").matcher(split < 0 ? text
                    : text.substring(0, split));
            byte[] payload = split < 0 ? new byte[0] : Arrays.copyOfRange(answer, split + 4, answer.length);
            return new Answer(Integer.parseInt(status.group(1)), type.find() ? type.group(1).trim() : "", payload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] readAll(InputStream in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            // a reset after the answer is fine: what was read is the answer
        }
        return out.toByteArray();
    }

    private static byte[] multipart(String boundary, String field, String filename, byte[] content, boolean closed) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\""
                + filename + "\"\r\nContent-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(content);
        if (closed) {
            out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        return out.toByteArray();
    }

    private static byte[] big(long size) {
        byte[] b = new byte[(int) size];
        System.arraycopy(jpeg, 0, b, 0, jpeg.length);
        return b;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String text(HttpResponse<byte[]> r) {
        return r.statusCode() + " " + new String(r.body(), StandardCharsets.UTF_8);
    }

    private static JsonNode assertJsonError(HttpResponse<byte[]> r, int status, String error) {
        assertThat(r.statusCode()).as(text(r)).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode body = Http.json(r);
        assertThat(body.get("error").asText()).isEqualTo(error);
        assertThat(body.get("message").asText()).isNotBlank();
        return body;
    }

    private static void assertFailed(HttpResponse<byte[]> r, String reason) {
        assertThat(r.statusCode()).as("a failed outcome within the wait: " + text(r)).isEqualTo(422);
        JsonNode body = Http.json(r);
        assertThat(body.get("status").asText()).isEqualTo("failed");
        if (reason != null) {
            assertThat(body.get("error").asText()).isEqualTo(reason);
        } else {
            assertThat(body.get("error").asText()).isNotBlank();
        }
        assertThat(body.get("message").asText()).isNotBlank();
    }

    record Heap(long used, long max) {
    }

    /** Sums {@code jvm_memory_used_bytes} and the positive {@code jvm_memory_max_bytes} of the heap pools. */
    static Heap heap() {
        String metrics = new String(http.get("metrics").body(), StandardCharsets.UTF_8);
        return new Heap(sum(metrics, "jvm_memory_used_bytes"), sum(metrics, "jvm_memory_max_bytes"));
    }

    private static long sum(String metrics, String name) {
        double total = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith(name + "{") && line.contains("area=\"heap\"")) {
                double v = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                if (v > 0) {
                    total += v;
                }
            }
        }
        assertThat(total).as(name + " in /metrics").isPositive();
        return (long) total;
    }
}
