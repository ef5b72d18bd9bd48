package io.imgpipe.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgpipe.testsupport.Await;
import io.imgpipe.contract.options.OptionTable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.UUID;
import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole pipeline through HTTP: gateway → broker → transformer → save2db → PostgreSQL, and the logger, on real
 * infrastructure (see {@link TestPipeline} for which).
 */
class PipelineIT {

    private static Http http;
    private static byte[] jpeg;
    private static byte[] png;

    @BeforeAll
    static void startPipeline() throws IOException {
        http = new Http(TestPipeline.shared().baseUrl());
        jpeg = resource("/images/autumn-400x250.jpg");
        png = resource("/images/cylinder-320x200-rgba16.png");
    }

    @Test
    void jpegUploadIsAcceptedThenTransformedToTheRequestedPngSize() throws IOException {
        HttpResponse<byte[]> accepted = http.post("image?width=200&format=png", jpeg, "Content-Type", "image/jpeg");

        assertThat(accepted.statusCode()).isEqualTo(202);
        JsonNode body = Http.json(accepted);
        String id = body.get("id").asText();
        assertThat(id).matches("[0-9a-f]{32}");
        assertThat(body.get("status").asText()).isEqualTo("queued");
        assertThat(accepted.headers().firstValue("Location")).hasValue("/image/" + id);
        assertThat(body.at("/links/original").asText()).isEqualTo("/image/" + id + "/original");

        HttpResponse<byte[]> result = http.get("image/" + id + "?wait=60");
        assertThat(result.statusCode()).isEqualTo(200);
        assertThat(result.headers().firstValue("Content-Type")).hasValue("image/png");
        assertThat(result.headers().firstValue("ETag")).isPresent();
        assertThat(result.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        BufferedImage image = decode(result.body());
        assertThat(image.getWidth()).isEqualTo(200);
        assertThat(image.getHeight()).isEqualTo(125);
    }

    @Test
    void pngWithAlphaIsCoveredToAnExactJpegBox() throws IOException {
        String id = upload("image?width=64&height=64&fit=cover&format=jpeg&quality=80", png, "image/png");

        HttpResponse<byte[]> result = http.get("image/" + id + "?wait=60");

        assertThat(result.statusCode()).isEqualTo(200);
        assertThat(result.headers().firstValue("Content-Type")).hasValue("image/jpeg");
        BufferedImage image = decode(result.body());
        assertThat(image.getWidth()).isEqualTo(64);
        assertThat(image.getHeight()).isEqualTo(64);
    }

    @Test
    void originalComesBackByteForByte() {
        String id = upload("image?width=50", png, "image/png");

        HttpResponse<byte[]> original = eventuallyGet("image/" + id + "/original", 200);

        assertThat(original.body()).isEqualTo(png);
        assertThat(original.headers().firstValue("Content-Type")).hasValue("image/png");
    }

    @Test
    void waitingUploadAnswers201WithTheTransformedImage() throws IOException {
        HttpResponse<byte[]> response = http.post("image?width=100&format=jpeg", jpeg, "Prefer", "wait=60",
                "Content-Type", "image/jpeg");

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.headers().firstValue("Preference-Applied")).hasValue("wait=60");
        assertThat(response.headers().firstValue("Content-Type")).hasValue("image/jpeg");
        assertThat(response.headers().firstValue("Location").orElseThrow()).startsWith("/image/");
        assertThat(decode(response.body()).getWidth()).isEqualTo(100);
    }

    @Test
    void waitingUploadDescribesTheResultInJsonWhenAskedTo() {
        HttpResponse<byte[]> response = http.post("image?width=80", jpeg, "Prefer", "wait=60",
                "Accept", "application/json");

        assertThat(response.statusCode()).isEqualTo(201);
        JsonNode body = Http.json(response);
        assertThat(body.get("status").asText()).isEqualTo("done");
        assertThat(body.at("/result/width").asInt()).isEqualTo(80);
        assertThat(body.at("/result/height").asInt()).isEqualTo(50);
    }

    @Test
    void multipartUploadUsesTheFileField() throws IOException {
        String boundary = "imgpipe-test-boundary";
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"autumn.jpg\"\r\n"
                + "Content-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] body = concat(head, jpeg, tail);

        HttpResponse<byte[]> accepted = http.post("image?width=120&format=png", body,
                "Content-Type", "multipart/form-data; boundary=" + boundary);

        assertThat(accepted.statusCode()).isEqualTo(202);
        String id = Http.json(accepted).get("id").asText();
        assertThat(decode(http.get("image/" + id + "?wait=60").body()).getWidth()).isEqualTo(120);
        // the file name is the original's, which save2db may store after the result the wait returned on
        JsonNode meta = Await.until(Duration.ofSeconds(20), () -> Http.json(http.get("image/" + id + "/meta")),
                m -> !m.path("filename").isNull() && !m.path("filename").isMissingNode());
        assertThat(meta.get("filename").asText()).isEqualTo("autumn.jpg");
        assertThat(eventuallyGet("image/" + id + "/original", 200).body()).isEqualTo(jpeg);
    }

    @Test
    void metaDescribesFormatsSizesOptionsAndStageTimes() {
        String id = upload("image?width=100&format=png", jpeg, "image/jpeg");
        http.get("image/" + id + "?wait=60");

        JsonNode meta = Http.json(http.get("image/" + id + "/meta"));

        assertThat(meta.get("status").asText()).isEqualTo("done");
        assertThat(meta.at("/original/format").asText()).isEqualTo("jpeg");
        assertThat(meta.at("/original/width").asInt()).isEqualTo(400);
        assertThat(meta.at("/original/height").asInt()).isEqualTo(250);
        assertThat(meta.at("/original/bytes").asInt()).isEqualTo(jpeg.length);
        assertThat(meta.at("/result/format").asText()).isEqualTo("png");
        assertThat(meta.at("/result/width").asInt()).isEqualTo(100);
        assertThat(meta.at("/options/width").asText()).isEqualTo("100");
        assertThat(meta.at("/options/format").asText()).isEqualTo("png");
        for (String stage : List.of("accepted", "originalStored", "transformStarted", "transformed", "resultStored")) {
            assertThat(meta.at("/timestamps/" + stage).isNumber()).as(stage).isTrue();
        }
    }

    @Test
    void activityEventsTellTheImagesStory() {
        String id = upload("image?width=60", jpeg, "image/jpeg");
        http.get("image/" + id + "?wait=60");

        JsonNode events = Await.until(Duration.ofSeconds(20),
                () -> Http.json(http.get("image/" + id + "/events")).get("events"),
                e -> names(e).containsAll(List.of("gateway.accepted", "transformer.started", "transformer.done",
                        "save2db.stored/original", "save2db.stored/result")));

        assertThat(names(events)).contains("gateway.accepted", "transformer.started", "transformer.done",
                "save2db.stored/original", "save2db.stored/result");
    }

    @Test
    void secondRequestWithTheEtagIsNotModified() {
        String id = upload("image?width=40", jpeg, "image/jpeg");
        HttpResponse<byte[]> first = http.get("image/" + id + "?wait=60");
        String etag = first.headers().firstValue("ETag").orElseThrow();

        HttpResponse<byte[]> second = http.get("image/" + id, "If-None-Match", etag);

        assertThat(second.statusCode()).isEqualTo(304);
        assertThat(first.headers().firstValue("Cache-Control").orElseThrow()).contains("immutable");
    }

    @Test
    void listingShowsNewestFirstWithPaging() {
        String older = upload("image?width=30", jpeg, "image/jpeg");
        String newer = upload("image?width=31", jpeg, "image/jpeg");
        http.get("image/" + newer + "?wait=60");
        http.get("image/" + older + "?wait=60");

        // the listing is of stored originals, which save2db may store after the result the waits returned on
        JsonNode page = Await.until(Duration.ofSeconds(20), () -> Http.json(http.get("images?limit=1")),
                p -> p.at("/items/0/id").asText().equals(newer));
        JsonNode next = Await.until(Duration.ofSeconds(20),
                () -> Http.json(http.get("images?limit=1&before=" + page.get("next").asText())),
                p -> p.at("/items/0/id").asText().equals(older));

        assertThat(page.at("/items/0/id").asText()).isEqualTo(newer);
        assertThat(next.at("/items/0/id").asText()).isEqualTo(older);
        assertThat(Http.json(http.get("images?status=done&limit=100")).get("items").size()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void retryingWithTheSameIdempotencyKeyNamesTheSameImage() {
        String key = UUID.randomUUID().toString();

        HttpResponse<byte[]> first = http.post("image?width=33", jpeg, "Idempotency-Key", key);
        HttpResponse<byte[]> retry = http.post("image?width=33", jpeg, "Idempotency-Key", key);
        HttpResponse<byte[]> other = http.post("image?width=33", jpeg, "Idempotency-Key", key + "-2");

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(retry.statusCode()).isEqualTo(202);
        String id = Http.json(first).get("id").asText();
        assertThat(Http.json(retry).get("id").asText()).isEqualTo(id);
        assertThat(Http.json(other).get("id").asText()).isNotEqualTo(id);
        assertThat(http.get("image/" + id + "?wait=60").statusCode()).isEqualTo(200);
        assertError(http.post("image", jpeg, "Idempotency-Key", "bad key with spaces"), 400, "bad_option");
    }

    @Test
    void notAnImageIs415() {
        HttpResponse<byte[]> r = http.post("image", "<svg xmlns='http://www.w3.org/2000/svg'/>".getBytes(),
                "Content-Type", "image/jpeg");

        assertError(r, 415, "unsupported_format");
    }

    @Test
    void emptyBodyIs400() {
        assertError(http.post("image", new byte[0], "Content-Type", "image/png"), 400, "empty_body");
    }

    @Test
    void uploadOverTheLimitIs413() {
        byte[] big = new byte[5 * 1024 * 1024 + 1];
        System.arraycopy(jpeg, 0, big, 0, jpeg.length);

        assertError(http.post("image", big, "Content-Type", "image/jpeg"), 413, "too_large");
    }

    @Test
    void badOptionIs400NamingTheParameter() {
        JsonNode width = assertError(http.post("image?width=abc", jpeg), 400, "bad_option");
        JsonNode fit = assertError(http.post("image?width=10&height=10&fit=squash", jpeg), 400, "bad_option");
        JsonNode unknown = assertError(http.post("image?colour=red", jpeg), 400, "bad_option");

        assertThat(width.get("message").asText()).contains("width");
        assertThat(fit.get("message").asText()).contains("fit").contains("contain, cover, fill, inside");
        assertThat(unknown.get("message").asText()).contains("colour");
    }

    @Test
    void unknownIdIs404AndMalformedIdIs400() {
        assertError(http.get("image/0123456789abcdef0123456789abcdef"), 404, "not_found");
        assertError(http.get("image/0123456789abcdef0123456789abcdef/meta"), 404, "not_found");
        assertError(http.get("image/not-an-id"), 400, "bad_id");
        assertError(http.get("image/not-an-id/original"), 400, "bad_id");
    }

    @Test
    void truncatedImageEndsFailedWithAReason() {
        byte[] truncated = Arrays.copyOf(jpeg, 600);
        String id = upload("image?width=10", truncated, "image/jpeg");

        HttpResponse<byte[]> r = http.get("image/" + id + "?wait=60");

        JsonNode body = assertError(r, 422, "corrupt_image");
        assertThat(body.get("status").asText()).isEqualTo("failed");
        assertThat(body.get("message").asText()).isNotBlank();
        assertThat(Http.json(http.get("image/" + id + "/meta")).at("/failure/reason").asText()).isEqualTo("corrupt_image");
    }

    @Test
    void gatewayServesItsOpenApiHealthAndMetrics() {
        HttpResponse<byte[]> openapi = http.get("openapi.yaml");
        assertThat(openapi.statusCode()).isEqualTo(200);
        assertThat(new String(openapi.body(), StandardCharsets.UTF_8)).contains("openapi:").contains("/image/{id}");

        HttpResponse<byte[]> ready = http.get("health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(Http.json(ready).get("broker").asBoolean()).isTrue();

        upload("image?width=20", jpeg, "image/jpeg");
        String metrics = new String(http.get("metrics").body(), StandardCharsets.UTF_8);
        assertThat(metrics).contains("imgpipe_gateway_uploads_total").contains("jvm_memory_used_bytes");
    }

    @Test
    void gatewayDescribesEveryTransformOptionFromTheOneTable() {
        HttpResponse<byte[]> answer = http.get("options");

        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode options = Http.json(answer).get("options");
        List<String> names = new ArrayList<>();
        options.forEach(o -> names.add(o.get("name").asText()));
        assertThat(names).isEqualTo(OptionTable.names());
        assertThat(options.get(names.indexOf("quality")).get("maximum").asInt()).isEqualTo(100);
        assertThat(options.get(names.indexOf("fit")).get("values")).extracting(JsonNode::asText)
                .containsExactly("contain", "cover", "fill", "inside");
    }

    @Test
    void pageIsServedWithAContentSecurityPolicy() {
        HttpResponse<byte[]> page = http.get("");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("default-src 'self'");
        assertThat(new String(page.body(), StandardCharsets.UTF_8)).containsIgnoringCase("<input").contains("file");
    }

    private static String upload(String path, byte[] body, String contentType) {
        HttpResponse<byte[]> r = http.post(path, body, "Content-Type", contentType);
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(202);
        return Http.json(r).get("id").asText();
    }

    private static HttpResponse<byte[]> eventuallyGet(String path, int status) {
        return Await.until(Duration.ofSeconds(20), () -> http.get(path), r -> r.statusCode() == status);
    }

    private static JsonNode assertError(HttpResponse<byte[]> r, int status, String error) {
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode body = Http.json(r);
        assertThat(body.get("error").asText()).isEqualTo(error);
        assertThat(body.get("message").asText()).isNotBlank();
        return body;
    }

    private static List<String> names(JsonNode events) {
        List<String> names = new ArrayList<>();
        for (JsonNode e : events) {
            String name = e.get("service").asText() + "." + e.get("event").asText();
            names.add(name);
            if (e.at("/detail/kind").isTextual()) {
                names.add(name + "/" + e.at("/detail/kind").asText());
            }
        }
        return names;
    }

    private static BufferedImage decode(byte[] bytes) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
        assertThat(image).as("decodable image").isNotNull();
        return image;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = PipelineIT.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }
}
