package io.imgpipe.transformer.engine;

import io.imgpipe.testsupport.Ssim;
import io.imgpipe.contract.format.ImageFormat;
import io.imgpipe.contract.options.OptionsParser;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * HEIC and AVIF in, AVIF out, through libheif (issue 14). Fixtures were made with heif-enc, avifenc and libheif
 * itself (src/test/resources/images/README.md). CI installs libheif and sets {@value #EXPECT_NATIVE}{@code =true}, so
 * there a missing library fails these tests instead of skipping them.
 */
class HeifAvifTest {

    static final String EXPECT_NATIVE = "IMGPIPE_EXPECT_LIBHEIF";

    private static final ImageEngine ENGINE = new ImageEngine(EngineLimits.defaults());
    private final OptionsParser parser = OptionsParser.withPresets(null);

    @BeforeEach
    void requireLibheif() {
        boolean expected = "true".equalsIgnoreCase(System.getenv(EXPECT_NATIVE));
        if (expected) {
            assertThat(ENGINE.heifVersion()).as("libheif loaded (" + EXPECT_NATIVE + "=true)").isPresent();
        }
        assumeTrue(ENGINE.heifVersion().isPresent(), "libheif is not installed and " + EXPECT_NATIVE
                + " is not true: the HEIC/AVIF path is optional here");
    }

    private TransformResult transform(String fixture, String query) throws ImageRejectedException {
        return transform(TestImages.resource(fixture), query);
    }

    private TransformResult transform(byte[] input, String query) throws ImageRejectedException {
        return ENGINE.transform(input, parser.parse(query));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"photo.heic, HEIF", "photo.avif, AVIF"})
    void givenAPhotoEncodedByARealEncoder_whenConvertedToPng_thenItMatchesTheSourceBySsim(String fixture,
                                                                                         ImageFormat format)
            throws Exception {
        BufferedImage reference = TestImages.decode(TestImages.resource("baseline.jpg")); // what was encoded

        TransformResult result = transform(fixture, "format=png");

        assertThat(result.sourceFormat()).isEqualTo(format);
        assertThat(result.sourceWidth()).isEqualTo(230);
        assertThat(result.sourceHeight()).isEqualTo(173);
        BufferedImage out = TestImages.decode(result.bytes());
        assertThat(Ssim.of(out, reference)).isGreaterThan(0.85);
        assertThat(TestImages.distance(TestImages.mean(out), TestImages.mean(reference))).isLessThan(6);
    }

    @Test
    void givenAHeic_whenResizedToAvif_thenTheAvifHasTheRequestedSizeAndTheSameColours() throws Exception {
        BufferedImage direct = TestImages.decode(transform("photo.heic", "width=115&format=png").bytes());

        TransformResult avif = transform("photo.heic", "width=115&format=avif&quality=80");

        assertThat(avif.format()).isEqualTo(ImageFormat.AVIF);
        assertThat(ImageFormat.sniff(avif.bytes())).contains(ImageFormat.AVIF);
        assertThat(avif.width()).isEqualTo(115);
        assertThat(avif.height()).isEqualTo(87);
        TransformResult back = transform(avif.bytes(), "format=png");
        assertThat(back.sourceWidth()).isEqualTo(115);
        assertThat(back.sourceHeight()).isEqualTo(87);
        assertThat(Ssim.of(TestImages.decode(back.bytes()), direct)).isGreaterThan(0.9);
    }

    @Test
    void givenAvifQuality_whenLowered_thenTheFileShrinks() throws Exception {
        int high = transform("baseline.jpg", "format=avif&quality=90").bytes().length;
        int low = transform("baseline.jpg", "format=avif&quality=30").bytes().length;

        assertThat(low).isLessThan(high);
    }

    @Test
    void givenAnImageWithAlpha_whenWrittenAsAvif_thenTransparencySurvives() throws Exception {
        BufferedImage half = TestImages.flat(40, 30, 0x80_20_60_C0, BufferedImage.TYPE_INT_ARGB);
        byte[] png = TestImages.write(half, "png");

        TransformResult avif = transform(png, "format=avif&quality=95");
        BufferedImage back = TestImages.decode(transform(avif.bytes(), "format=png").bytes());

        int pixel = back.getRGB(20, 15);
        assertThat(back.getColorModel().hasAlpha()).isTrue();
        assertThat(Math.abs((pixel >>> 24) - 0x80)).isLessThan(8);
        assertThat(TestImages.distance(pixel, 0x2060C0)).isLessThan(12);
    }

    @Test
    void givenAnAnimatedAvif_whenTransformed_thenItsStillImageIsRead() throws Exception {
        // an avis file carries a still image (meta) beside its sequence (moov); libheif 1.15 reads the still
        TransformResult result = transform("animated-2-frames.avif", "format=png");

        BufferedImage out = TestImages.decode(result.bytes());
        assertThat(result.sourceFormat()).isEqualTo(ImageFormat.AVIF);
        assertThat(out.getWidth()).isEqualTo(64);
        assertThat(TestImages.distance(out.getRGB(8, 5), 0xD02020)).isLessThan(24); // the first frame, not flopped
    }

    @Test
    void givenHeicAndAutoFormat_whenTransformed_thenTheResultIsJpeg() throws Exception {
        TransformResult result = transform("photo.heic", "width=100");

        assertThat(result.format()).isEqualTo(ImageFormat.JPEG);
        assertThat(ImageFormat.sniff(result.bytes())).contains(ImageFormat.JPEG);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"irot-exif-orientation-6.heic", "irot-3.avif"})
    void givenAFileStoredSidewaysWithAnIrotBox_whenTransformed_thenItIsRotatedOnceNotTwice(String fixture)
            throws Exception {
        // stored 40x64; irot turns it upright (64x40). The HEIC also carries EXIF Orientation 6, as iPhones write:
        // applying that as well would turn it sideways again.
        BufferedImage upright = TestImages.decode(TestImages.resource("quadrants.png"));

        TransformResult result = transform(fixture, "format=png");

        BufferedImage out = TestImages.decode(result.bytes());
        assertThat(out.getWidth()).isEqualTo(64);
        assertThat(out.getHeight()).isEqualTo(40);
        assertThat(TestImages.distance(out.getRGB(8, 5), 0xD02020)).isLessThan(24);   // red top-left
        assertThat(TestImages.distance(out.getRGB(56, 5), 0x20A040)).isLessThan(24);  // green top-right
        assertThat(TestImages.distance(out.getRGB(8, 34), 0x2040D0)).isLessThan(24);  // blue bottom-left
        assertThat(Ssim.of(out, upright)).isGreaterThan(0.9);
    }

    @Test
    void givenAutorotateOff_whenAHeicWithIrotIsTransformed_thenIrotStillApplies() throws Exception {
        // irot is part of a HEIF image's geometry (like a crop), not a hint as EXIF Orientation is
        TransformResult result = transform("irot-exif-orientation-6.heic", "format=png&autorotate=false");

        BufferedImage out = TestImages.decode(result.bytes());
        assertThat(out.getWidth()).isEqualTo(64);
        assertThat(out.getHeight()).isEqualTo(40);
    }

    @Test
    void givenAHeicWithAnIccProfile_whenTransformed_thenItsColoursAreConvertedToSrgb() throws Exception {
        // the quadrant colours were stored as they are but labelled linear RGB: in sRGB they are much lighter
        float[] linearRed = {0xD0 / 255f, 0x20 / 255f, 0x20 / 255f};
        float[] srgb = ColorSpace.getInstance(ColorSpace.CS_LINEAR_RGB).toRGB(linearRed);
        int expected = Math.round(srgb[0] * 255) << 16 | Math.round(srgb[1] * 255) << 8 | Math.round(srgb[2] * 255);

        TransformResult result = transform("linear-rgb-icc.heic", "format=png");

        int topLeft = TestImages.decode(result.bytes()).getRGB(8, 5);
        assertThat(TestImages.distance(topLeft, expected)).as("%06x, expected %06x", topLeft & 0xFFFFFF, expected)
                .isLessThan(16);
        assertThat(TestImages.distance(topLeft, 0xD02020)).isGreaterThan(40);
    }

    @Test
    void givenAnAvifWhoseNclxSaysDisplayP3_whenTransformed_thenItsColoursAreConvertedToSrgb() throws Exception {
        // avifenc --cicp 12/13/6 labels the quadrant colours Display P3: in sRGB they are more saturated
        int expected = displayP3ToSrgb(0xD0, 0x20, 0x20);

        TransformResult result = transform("display-p3-nclx.avif", "format=png");

        int topLeft = TestImages.decode(result.bytes()).getRGB(8, 5);
        assertThat(TestImages.distance(topLeft, expected)).as("%06x, expected %06x", topLeft & 0xFFFFFF, expected)
                .isLessThan(12);
        assertThat(TestImages.distance(topLeft, 0xD02020)).isGreaterThan(12);
    }

    /** The published Display P3 to sRGB matrix (both D65, linear light), sRGB's curve both ways, clipped. */
    private static int displayP3ToSrgb(int r, int g, int b) {
        double[][] m = {{1.2249, -0.2247, 0}, {-0.0420, 1.0419, 0}, {-0.0197, -0.0786, 1.0979}};
        double[] lin = {toLinear(r / 255.0), toLinear(g / 255.0), toLinear(b / 255.0)};
        int out = 0;
        for (int c = 0; c < 3; c++) {
            double v = m[c][0] * lin[0] + m[c][1] * lin[1] + m[c][2] * lin[2];
            v = Math.max(0, Math.min(1, v));
            double encoded = v <= 0.0031308 ? v * 12.92 : 1.055 * Math.pow(v, 1 / 2.4) - 0.055;
            out = out << 8 | (int) Math.round(encoded * 255);
        }
        return out;
    }

    private static double toLinear(double v) {
        return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "hostile/truncated.heic, corrupt_image, truncated",
        "hostile/truncated.avif, corrupt_image, truncated",
        "hostile/garbage-after-ftyp.heic, corrupt_image, box",
        "hostile/huge-dimensions.heic, image_too_large, 40000x40000"})
    void givenAHostileFile_whenTransformed_thenItFailsWithAReasonBeforeLibheifSeesIt(String fixture, String reason,
                                                                                      String words) {
        ImageRejectedException e = assertThrows(ImageRejectedException.class,
                () -> transform(fixture, "format=avif"));

        assertThat(e.reason()).isEqualTo(reason);
        assertThat(e.getMessage()).contains(words);
    }

    @Test
    void givenWellFormedBoxesAroundGarbagePixels_whenTransformed_thenTheWorkerSurvives() {
        // this file crashes heif-convert 1.15 (a segfault in the tool, not in the library): the engine must decode
        // it to something or refuse it, and the JVM running this test must still be alive afterwards
        byte[] input = TestImages.resource("hostile/garbage-pixels.heic");
        try {
            TransformResult result = transform(input, "width=50&format=png");
            assertThat(result.width()).isEqualTo(50);
        } catch (ImageRejectedException e) {
            assertThat(e.reason()).isEqualTo("corrupt_image");
        }
    }

    @Test
    void givenAPixelBudgetSmallerThanTheHeic_whenTransformed_thenItIsRefusedFromTheHeader() {
        ImageEngine strict = new ImageEngine(new EngineLimits(10_000, 1 << 20, 10, Duration.ofSeconds(5)));

        ImageRejectedException e = assertThrows(ImageRejectedException.class,
                () -> strict.transform(TestImages.resource("photo.heic"), parser.parse("format=png")));

        assertThat(e.reason()).isEqualTo("image_too_large");
        assertThat(e.getMessage()).contains("more than the limit of 10000");
    }

    @Test
    void givenAResultByteLimit_whenTheAvifOutgrowsIt_thenItFailsResultTooLarge() {
        ImageEngine bounded = new ImageEngine(EngineLimits.defaults().withResultBounds(1_000_000, 1_024));

        ImageRejectedException e = assertThrows(ImageRejectedException.class,
                () -> bounded.transform(TestImages.resource("baseline.jpg"), parser.parse("format=avif&quality=100")));

        assertThat(e.reason()).isEqualTo("result_too_large");
    }
}
