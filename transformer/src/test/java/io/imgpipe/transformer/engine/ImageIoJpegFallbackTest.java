package io.imgpipe.transformer.engine;

import io.imgpipe.contract.options.OptionsParser;
import io.imgpipe.contract.options.TransformOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The JPEG paths side by side: libjpeg-turbo (when the machine has it) and the ImageIO decoder every machine has,
 * with its subsampled shrink-on-load. Both must give the same geometry, the same colours and the same rejections.
 *
 * <p>On a machine without libjpeg-turbo the "native" cases run ImageIO twice. Where the library is expected (CI
 * installs it and sets {@value #EXPECT_NATIVE}{@code =true}) a missing or unloadable library fails the suite instead
 * of being skipped silently.
 */
class ImageIoJpegFallbackTest {

    /** Set to {@code true} where libjpeg-turbo is installed, so that its absence is a failure. */
    static final String EXPECT_NATIVE = "IMGPIPE_EXPECT_TURBOJPEG";

    private final ImageEngine imageIoOnly = new ImageEngine(EngineLimits.defaults(), false);
    private final ImageEngine preferred = new ImageEngine(EngineLimits.defaults());
    private final OptionsParser parser = OptionsParser.withPresets(null);

    private static boolean nativeExpected() {
        return "true".equalsIgnoreCase(System.getenv(EXPECT_NATIVE));
    }

    @Test
    void givenTheNativeLibraryIsExpected_whenTheEngineStarts_thenItDecodesJpegWithIt() {
        assumeTrue(nativeExpected(),
                EXPECT_NATIVE + " is not true: the native path is optional here");

        assertThat(preferred.decodesJpegNatively()).as("libjpeg-turbo loaded (" + EXPECT_NATIVE + "=true)").isTrue();
    }

    /** The engine a case asks for; a "native" engine that fell back to ImageIO fails when the library is expected. */
    private ImageEngine engine(boolean nativeJpeg) {
        if (nativeJpeg && nativeExpected()) {
            assertThat(preferred.decodesJpegNatively()).as("libjpeg-turbo loaded (" + EXPECT_NATIVE + "=true)")
                    .isTrue();
        }
        return nativeJpeg ? preferred : imageIoOnly;
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void givenALargeJpeg_whenShrunkOnLoadByEitherDecoder_thenColoursAndEdgesAreRight(boolean nativeJpeg)
            throws Exception {
        ImageEngine engine = engine(nativeJpeg);
        byte[] big = TestImages.jpeg(TestImages.quadrants(2400, 1600), false);

        TransformResult result = engine.transform(big, parser.parse("width=120&height=120&fit=inside&format=png"));

        BufferedImage out = TestImages.decode(result.bytes());
        assertThat(out.getWidth()).isEqualTo(120);
        assertThat(out.getHeight()).isEqualTo(80);
        assertThat(TestImages.distance(out.getRGB(10, 10), 0xFF0000)).isLessThan(12);
        assertThat(TestImages.distance(out.getRGB(110, 70), 0xFFFF00)).isLessThan(12);
        assertThat(TestImages.distance(out.getRGB(57, 10), 0xFF0000)).isLessThan(40);
        assertThat(TestImages.distance(out.getRGB(62, 10), 0x00FF00)).isLessThan(40);
    }

    @ParameterizedTest
    @ValueSource(strings = {"baseline.jpg", "progressive.jpg", "exif-orientation-6.jpg", "cmyk.jpg"})
    void givenAFixture_whenDecodedEitherWay_thenTheResultsAgree(String name) throws Exception {
        byte[] input = TestImages.resource(name);
        TransformOptions o = parser.parse("width=64&format=png");

        BufferedImage a = TestImages.decode(engine(true).transform(input, o).bytes());
        BufferedImage b = TestImages.decode(imageIoOnly.transform(input, o).bytes());

        assertThat(a.getWidth()).isEqualTo(b.getWidth());
        assertThat(a.getHeight()).isEqualTo(b.getHeight());
        assertThat(TestImages.distance(TestImages.mean(a), TestImages.mean(b))).isLessThan(4);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void givenAProgressiveJpegCutShort_whenTransformedEitherWay_thenItIsCorrupt(boolean nativeJpeg) {
        ImageEngine engine = engine(nativeJpeg);
        byte[] whole = TestImages.resource("progressive.jpg");
        byte[] cut = Arrays.copyOf(whole, whole.length * 2 / 3);

        ImageRejectedException e = assertThrows(ImageRejectedException.class,
                () -> engine.transform(cut, parser.parse("width=50&format=jpeg")));

        assertThat(e.reason()).isEqualTo("corrupt_image");
    }

    @Test
    void givenTheImageIoDecoder_whenADecodeExceedsTheBudget_thenItTimesOut() {
        ImageEngine hurried = new ImageEngine(new EngineLimits(1_000_000, 1 << 20, 10, Duration.ofNanos(1)),
                false);

        ImageRejectedException e = assertThrows(ImageRejectedException.class,
                () -> hurried.transform(TestImages.resource("baseline.jpg"), parser.parse("format=png")));

        assertThat(e.reason()).isEqualTo("decode_timeout");
    }
}
