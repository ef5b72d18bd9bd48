package io.imgpipe.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #10: what one request costs is bounded. Uploads that ask for a huge blurred enlargement hold a transformer
 * thread at most for the transform budget, so a normal upload behind them still completes; a tiny PNG asked for as
 * a huge BMP and a result over the byte limit fail cleanly ({@code result_too_large}, 422 JSON), and the
 * transformer keeps working afterwards.
 *
 * <p>On a pipeline of its own (embedded broker and database) so that its limits can be set: two transformer
 * threads, as the shared pipeline, a short budget and a small result limit.
 */
class CostBoundsIT {

    private static final int BUDGET_MS = 4_000;
    private static final int MAX_RESULT_BYTES = 1024 * 1024;

    private static Pipeline pipeline;
    private static Http http;
    private static byte[] photo;

    @BeforeAll
    static void start() throws Exception {
        pipeline = TestPipeline.ownEmbedded(Map.of(
                "IMGPIPE_TRANSFORMER_THREADS", "2",
                "IMGPIPE_TRANSFORM_TIMEOUT_MS", Integer.toString(BUDGET_MS),
                "IMGPIPE_MAX_RESULT_BYTES", Integer.toString(MAX_RESULT_BYTES)));
        http = new Http(pipeline.baseUrl());
        photo = Fixtures.bytes("/images/autumn-400x250.jpg");
    }

    @AfterAll
    static void stop() {
        pipeline.close();
    }

    @Test
    void givenTwoHugeBlurredEnlargementsHoldingBothThreads_whenANormalImageIsUploaded_thenItStillCompletes() {
        byte[] megapixel = megapixelJpeg();
        assertThat(megapixel.length).isLessThan(1_500_000);
        List<String> heavy = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            HttpResponse<byte[]> accepted = http.post("image?width=4500&height=4500&fit=fill&blur=100", megapixel);
            assertThat(accepted.statusCode()).isEqualTo(202);
            heavy.add(Http.json(accepted).get("id").asText());
        }

        // Queued behind both: it waits at most one budget for a thread, then takes milliseconds.
        HttpResponse<byte[]> normal = http.post("image?width=200&format=jpeg", photo, "Prefer", "wait=30");

        assertThat(normal.statusCode()).as(new String(normal.body())).isEqualTo(201);
        for (String id : heavy) {
            HttpResponse<byte[]> outcome = http.get("image/" + id + "?wait=30");
            // a fast machine may finish within the budget; otherwise the job is stopped and says why
            assertThat(outcome.statusCode()).isIn(200, 422);
            if (outcome.statusCode() == 422) {
                JsonNode body = Http.json(outcome);
                assertThat(body.get("error").asText()).isEqualTo("timeout");
                assertThat(body.get("message").asText()).contains(BUDGET_MS + " ms");
            }
            System.out.println("[cost-bounds] blur=100 at 4500x4500 -> " + outcome.statusCode());
        }
    }

    @Test
    void givenATinyPngAskedForAsA3000By3000Bmp_whenTransformed_thenItFailsResultTooLargeAndGetAnswers422Json() {
        byte[] tiny = tinyPng();
        assertThat(tiny.length).isLessThan(2_000);

        HttpResponse<byte[]> accepted = http.post("image?width=3000&height=3000&fit=fill&format=bmp", tiny);
        assertThat(accepted.statusCode()).isEqualTo(202);
        String id = Http.json(accepted).get("id").asText();
        HttpResponse<byte[]> outcome = http.get("image/" + id + "?wait=30");

        assertThat(outcome.statusCode()).isEqualTo(422);
        assertThat(outcome.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        JsonNode body = Http.json(outcome);
        assertThat(body.get("status").asText()).isEqualTo("failed");
        assertThat(body.get("error").asText()).isEqualTo("result_too_large");
        assertThat(body.get("message").asText()).contains("3000x3000 bmp");
    }

    @Test
    void givenAResultOverTheByteLimit_whenTransformed_thenItFailsCleanlyAndTheNextUploadSucceeds() {
        HttpResponse<byte[]> tooLarge = http.post("image?width=1600&format=png", photo, "Prefer", "wait=30");

        assertThat(tooLarge.statusCode()).isEqualTo(422);
        assertThat(Http.json(tooLarge).get("error").asText()).isEqualTo("result_too_large");

        HttpResponse<byte[]> next = http.post("image?width=300&format=png", photo, "Prefer", "wait=30");
        assertThat(next.statusCode()).isEqualTo(201);
        assertThat(next.body().length).isLessThan(MAX_RESULT_BYTES);
        assertThat(decode(next.body()).getWidth()).isEqualTo(300);
    }

    /** About one megapixel of photo-like content (gradients and grain), as a JPEG. */
    private static byte[] megapixelJpeg() {
        BufferedImage img = new BufferedImage(1250, 800, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(10);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int grain = random.nextInt(24);
                img.setRGB(x, y, (x * 200 / img.getWidth() + grain) << 16 | (y * 200 / img.getHeight() + grain) << 8
                        | (100 + grain));
            }
        }
        return write(img, "jpeg");
    }

    /** A 24 × 24 PNG of a few hundred bytes. */
    private static byte[] tinyPng() {
        BufferedImage img = new BufferedImage(24, 24, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 24; y++) {
            for (int x = 0; x < 24; x++) {
                img.setRGB(x, y, x < 12 ? 0x3366CC : 0xCC6633);
            }
        }
        return write(img, "png");
    }

    private static byte[] write(BufferedImage img, String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(img, format, out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static BufferedImage decode(byte[] bytes) {
        try {
            return ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
