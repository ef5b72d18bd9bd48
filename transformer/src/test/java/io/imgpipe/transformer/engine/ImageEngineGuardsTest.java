package io.imgpipe.transformer.engine;

import io.imgpipe.contract.options.OptionsParser;
import io.imgpipe.contract.options.TransformOptions;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The limits that run before and during decoding, and the reason codes they fail with. */
class ImageEngineGuardsTest {

    private final ImageEngine engine = new ImageEngine(EngineLimits.defaults());
    private final TransformOptions jpeg = OptionsParser.withPresets(null).parse("width=100&format=jpeg");

    private String rejection(ImageEngine e, byte[] input, TransformOptions options) {
        return assertThrows(ImageRejectedException.class, () -> e.transform(input, options)).reason();
    }

    /** A PNG whose header declares width × height RGB pixels, followed by one tiny compressed row and IEND. */
    static byte[] pngDeclaring(int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0).array());
        Deflater deflater = new Deflater();
        deflater.setInput(new byte[64]);
        deflater.finish();
        byte[] idat = new byte[128];
        int n = deflater.deflate(idat);
        deflater.end();
        chunk(out, "IDAT", Arrays.copyOf(idat, n));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    @Test
    void givenATinyPngDeclaring50000By50000Pixels_whenTransformed_thenItIsRejectedAsTooLargeBeforeDecoding() {
        byte[] bomb = pngDeclaring(50_000, 50_000);

        assertThat(bomb.length).isLessThan(200);
        assertThat(rejection(engine, bomb, jpeg)).isEqualTo("image_too_large");
    }

    @Test
    void givenAPngJustOverTheConfiguredPixelLimit_whenTransformed_thenItIsTooLarge() {
        ImageEngine strict = new ImageEngine(new EngineLimits(999, 1 << 20, 10, Duration.ofSeconds(5)));

        assertThat(rejection(strict, pngDeclaring(1000, 1), jpeg)).isEqualTo("image_too_large");
    }

    @Test
    void givenMoreBytesThanTheLimit_whenTransformed_thenItIsTooLarge() {
        ImageEngine strict = new ImageEngine(new EngineLimits(1_000_000, 1000, 10, Duration.ofSeconds(5)));

        assertThat(rejection(strict, TestImages.resource("baseline.jpg"), jpeg)).isEqualTo("image_too_large");
    }

    @Test
    void givenAnAnimatedGifWithMoreFramesThanAllowed_whenTransformed_thenItHasTooManyFrames() {
        ImageEngine strict = new ImageEngine(new EngineLimits(1_000_000, 1 << 20, 10, Duration.ofSeconds(5)));

        assertThat(rejection(strict, TestImages.resource("animated.gif"), jpeg)).isEqualTo("too_many_frames");
    }

    @Test
    void givenAnAnimatedGifWithinTheFrameLimit_whenTransformed_thenItIsAccepted() throws Exception {
        ImageEngine lenient = new ImageEngine(new EngineLimits(1_000_000, 1 << 20, 24, Duration.ofSeconds(5)));

        TransformOptions keepSize = OptionsParser.withPresets(null).parse("format=jpeg");

        assertThat(lenient.transform(TestImages.resource("animated.gif"), keepSize).width()).isEqualTo(14);
    }

    @Test
    void givenADecodeBudgetTooShortForAnyDecode_whenTransformed_thenTheDecodeTimesOut() {
        ImageEngine hurried = new ImageEngine(new EngineLimits(1_000_000, 1 << 20, 10, Duration.ofNanos(1)));

        assertThat(rejection(hurried, TestImages.resource("progressive.jpg"), jpeg)).isEqualTo("decode_timeout");
        assertThat(rejection(hurried, TestImages.resource("lossy.webp"), jpeg)).isEqualTo("decode_timeout");
    }

    @Test
    void givenSvg_whenTransformed_thenTheFormatIsUnsupported() {
        byte[] svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>"
                .getBytes(StandardCharsets.UTF_8);

        assertThat(rejection(engine, svg, jpeg)).isEqualTo("unsupported_format");
    }

    @Test
    void givenEmptyOrRandomBytes_whenTransformed_thenTheFormatIsUnsupported() {
        assertThat(rejection(engine, new byte[0], jpeg)).isEqualTo("unsupported_format");
        assertThat(rejection(engine, "hello, world".getBytes(StandardCharsets.UTF_8), jpeg))
                .isEqualTo("unsupported_format");
    }

    @Test
    void givenAJpegCutInHalf_whenTransformed_thenItIsCorrupt() {
        byte[] whole = TestImages.resource("baseline.jpg");

        assertThat(rejection(engine, Arrays.copyOf(whole, whole.length / 2), jpeg)).isEqualTo("corrupt_image");
    }

    @Test
    void givenAProgressiveJpegCutShort_whenTransformed_thenItIsCorrupt() {
        byte[] whole = TestImages.resource("progressive.jpg");

        assertThat(rejection(engine, Arrays.copyOf(whole, whole.length * 2 / 3), jpeg)).isEqualTo("corrupt_image");
    }

    @Test
    void givenAPngCutShort_whenTransformed_thenItIsCorrupt() {
        byte[] whole = TestImages.write(TestImages.quadrants(64, 64), "png");

        assertThat(rejection(engine, Arrays.copyOf(whole, whole.length / 2), jpeg)).isEqualTo("corrupt_image");
    }

    @Test
    void givenOnlyTheMagicBytes_whenTransformed_thenItIsCorrupt() {
        assertThat(rejection(engine, new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0}, jpeg))
                .isEqualTo("corrupt_image");
        assertThat(rejection(engine, Arrays.copyOf(TestImages.resource("lossy.webp"), 40), jpeg))
                .isEqualTo("corrupt_image");
        assertThat(rejection(engine, Arrays.copyOf(TestImages.resource("animated.gif"), 20), jpeg))
                .isEqualTo("corrupt_image");
    }

    @Test
    void givenGarbageAfterAJpegHeader_whenTransformed_thenItIsCorruptNotAnUncheckedException() {
        byte[] garbage = TestImages.resource("baseline.jpg").clone();
        for (int i = 200; i < garbage.length; i += 7) {
            garbage[i] = (byte) (garbage[i] * 31 + 17);
        }

        ImageRejectedException e = assertThrows(ImageRejectedException.class, () -> engine.transform(garbage, jpeg));

        assertThat(e.reason()).isIn("corrupt_image");
    }

    @Test
    void givenAnEnlargementBeyondThePixelLimit_whenTransformed_thenTheOptionIsBad() {
        ImageEngine strict = new ImageEngine(new EngineLimits(100_000, 1 << 20, 10, Duration.ofSeconds(5)));
        TransformOptions huge = OptionsParser.withPresets(null).parse("width=2000&height=2000&fit=fill");

        assertThat(rejection(strict, TestImages.resource("baseline.jpg"), huge)).isEqualTo("bad_option");
    }

    @Test
    void givenAResultWiderThanTheMaximumSide_whenTransformed_thenTheOptionIsBad() {
        TransformOptions wide = OptionsParser.withPresets(null).parse("width=16384&height=10&fit=fill&dpr=1");
        TransformOptions wider = new TransformOptions(16_000, 10, wide.fit(), wide.gravity(), null, 1.1, 0,
                wide.flip(), true, false, 0, 0, 0xFFFFFF, null, wide.watermarkPosition(), 1.0, 0.25, wide.format(),
                85, false, 0, true, true, wide.keep(), wide.frames());

        assertThat(rejection(engine, TestImages.resource("baseline.jpg"), wider)).isEqualTo("bad_option");
    }

    @Test
    void givenACropOutsideTheImage_whenTransformed_thenTheOptionIsBad() {
        TransformOptions crop = OptionsParser.withPresets(null).parse("crop=1000,0,10,10");

        assertThat(rejection(engine, TestImages.resource("baseline.jpg"), crop)).isEqualTo("bad_option");
    }
}
