package io.imgpipe.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgpipe.contract.format.ImageFormat;
import io.imgpipe.contract.options.OptionsParser;
import io.imgpipe.testsupport.Await;
import io.imgpipe.transformer.engine.EngineLimits;
import io.imgpipe.transformer.engine.ImageEngine;
import io.imgpipe.transformer.engine.TransformResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.Image;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 14: an iPhone-style HEIC (pixels stored sideways, an {@code irot} box and an EXIF Orientation that repeats it)
 * uploads and comes back as AVIF at the requested size, upright; hostile HEIC/AVIF files fail with a reason and the
 * pipeline keeps working; a transformer without libheif ({@code IMGPIPE_NATIVE_HEIF=false}) refuses both directions
 * naming the library. The first part runs on the shared pipeline (embedded or external infrastructure), the last on
 * a pipeline of its own.
 */
class HeifAvifIT {

    /** The same machine's engine, used to tell whether libheif is here and to decode AVIF results. */
    private static final ImageEngine LOCAL = new ImageEngine(EngineLimits.defaults());
    private static final OptionsParser OPTIONS = OptionsParser.withPresets(null);

    private static Http http;
    private static byte[] heic;
    private static BufferedImage reference;

    @BeforeAll
    static void start() {
        boolean expected = "true".equalsIgnoreCase(System.getenv("IMGPIPE_EXPECT_LIBHEIF"));
        if (expected) {
            assertThat(LOCAL.heifVersion()).as("libheif loaded (IMGPIPE_EXPECT_LIBHEIF=true)").isPresent();
        }
        http = new Http(TestPipeline.shared().baseUrl());
        heic = Fixtures.bytes("/images/autumn-400x250-irot6.heic");
        reference = decode(Fixtures.bytes("/images/autumn-400x250.jpg"));
    }

    private static void requireLibheif() {
        assumeTrue(LOCAL.heifVersion().isPresent(), "libheif is not installed here");
    }

    @Test
    @Timeout(60)
    void givenAnIphoneStyleHeic_whenAskedForAsAvifAt200Wide_thenItComesBackUprightAtThatSize() throws Exception {
        requireLibheif();

        HttpResponse<byte[]> done = http.post("image?width=200&format=avif&quality=60", heic,
                "Content-Type", "image/heic", "Prefer", "wait=30");

        assertThat(done.statusCode()).as(new String(done.body())).isEqualTo(201);
        assertThat(done.headers().firstValue("Content-Type")).hasValue("image/avif");
        assertThat(ImageFormat.sniff(done.body())).contains(ImageFormat.AVIF);
        TransformResult back = LOCAL.transform(done.body(), OPTIONS.parse("format=png"));
        BufferedImage avif = decode(back.bytes());
        // sideways (125x200) if irot were ignored; sideways the other way if EXIF were applied on top of it
        assertThat(avif.getWidth()).isEqualTo(200);
        assertThat(avif.getHeight()).isEqualTo(125);
        assertThat(meanDifference(avif, reference)).as("colours and orientation against the JPEG it came from")
                .isLessThan(14);
        String id = done.headers().firstValue("Location").orElseThrow().replaceAll(".*/", "");
        HttpResponse<byte[]> original = Await.until(Duration.ofSeconds(20),
                () -> http.get("image/" + id + "/original"), r -> r.statusCode() == 200);
        assertThat(original.body()).isEqualTo(heic);
        assertThat(original.headers().firstValue("Content-Type")).hasValue("image/heif");
    }

    @Test
    @Timeout(60)
    void givenAHeicAndNoFormat_whenTransformed_thenItComesBackAsJpeg() {
        requireLibheif();

        HttpResponse<byte[]> done = http.post("image?width=100", heic, "Prefer", "wait=30");

        assertThat(done.statusCode()).as(new String(done.body())).isEqualTo(201);
        assertThat(done.headers().firstValue("Content-Type")).hasValue("image/jpeg");
        assertThat(decode(done.body()).getWidth()).isEqualTo(100);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "truncated.heic, corrupt_image",
        "truncated.avif, corrupt_image",
        "garbage-after-ftyp.heic, corrupt_image",
        "huge-dimensions.heic, image_too_large"})
    @Timeout(60)
    void givenAHostileHeifFile_whenUploaded_thenItIsAcceptedAndFailsWithAReason(String name, String reason) {
        requireLibheif();

        HttpResponse<byte[]> outcome = http.post("image?format=avif", Fixtures.bytes("/heif/" + name),
                "Prefer", "wait=30");

        assertFailed(outcome, reason);
    }

    @Test
    @Timeout(90)
    void givenWellFormedBoxesAroundGarbagePixels_whenUploaded_thenItEndsWithAnOutcomeAndThePipelineStillWorks() {
        requireLibheif();

        HttpResponse<byte[]> outcome = http.post("image?width=50&format=avif",
                Fixtures.bytes("/heif/garbage-pixels.heic"), "Prefer", "wait=30");
        HttpResponse<byte[]> next = http.post("image?width=120&format=avif", heic, "Prefer", "wait=30");

        assertThat(outcome.statusCode()).as(new String(outcome.body())).isIn(201, 422);
        assertThat(next.statusCode()).as(new String(next.body())).isEqualTo(201);
        assertThat(ImageFormat.sniff(next.body())).contains(ImageFormat.AVIF);
    }

    @Test
    @Timeout(120)
    void givenATransformerWithoutLibheif_whenHeicIsUploadedOrAvifAskedFor_thenBothFail422NamingTheLibrary()
            throws Exception {
        try (Pipeline pipeline = TestPipeline.ownEmbedded(Map.of("IMGPIPE_NATIVE_HEIF", "false"))) {
            Http own = new Http(pipeline.baseUrl());

            HttpResponse<byte[]> heicIn = own.post("image?format=jpeg", heic, "Prefer", "wait=30");
            HttpResponse<byte[]> avifOut = own.post("image?format=avif", Fixtures.bytes("/images/autumn-400x250.jpg"),
                    "Prefer", "wait=30");
            HttpResponse<byte[]> jpegStillWorks = own.post("image?width=50", Fixtures.bytes(
                    "/images/autumn-400x250.jpg"), "Prefer", "wait=30");

            assertFailed(heicIn, "unsupported_format");
            assertThat(Http.json(heicIn).get("message").asText()).contains("libheif");
            assertFailed(avifOut, "unsupported_output");
            assertThat(Http.json(avifOut).get("message").asText()).contains("avif").contains("libheif");
            assertThat(jpegStillWorks.statusCode()).isEqualTo(201);
        }
    }

    private static void assertFailed(HttpResponse<byte[]> r, String reason) {
        assertThat(r.statusCode()).as("a failed outcome within the wait: " + new String(r.body())).isEqualTo(422);
        JsonNode body = Http.json(r);
        assertThat(body.get("status").asText()).isEqualTo("failed");
        assertThat(body.get("error").asText()).isEqualTo(reason);
        assertThat(body.get("message").asText()).isNotBlank();
    }

    /** Mean absolute channel difference after shrinking both to 40x25 (robust to codec detail, not to rotation). */
    private static double meanDifference(BufferedImage a, BufferedImage b) {
        BufferedImage sa = shrink(a);
        BufferedImage sb = shrink(b);
        long sum = 0;
        for (int y = 0; y < sa.getHeight(); y++) {
            for (int x = 0; x < sa.getWidth(); x++) {
                int p = sa.getRGB(x, y);
                int q = sb.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    sum += Math.abs((p >> shift & 0xFF) - (q >> shift & 0xFF));
                }
            }
        }
        return sum / (3.0 * sa.getWidth() * sa.getHeight());
    }

    private static BufferedImage shrink(BufferedImage image) {
        BufferedImage out = new BufferedImage(40, 25, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.drawImage(image.getScaledInstance(40, 25, Image.SCALE_AREA_AVERAGING), 0, 0, null);
        g.dispose();
        return out;
    }

    private static BufferedImage decode(byte[] bytes) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
            assertThat(image).as("a decodable image").isNotNull();
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
