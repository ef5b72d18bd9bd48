package io.imgpipe.transformer.engine;

import io.imgpipe.contract.format.ImageFormat;
import io.imgpipe.contract.options.OptionsParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** Options end to end: the geometry of each fit, the order of operations, colour management, shrink-on-load. */
class ImageEngineTransformTest {

    private final ImageEngine engine = new ImageEngine(EngineLimits.defaults());
    private final OptionsParser parser = OptionsParser.withPresets(null);

    private BufferedImage transform(byte[] input, String query) throws ImageRejectedException {
        TransformResult result = engine.transform(input, parser.parse(query));
        BufferedImage out = TestImages.decode(result.bytes());
        assertThat(out.getWidth()).isEqualTo(result.width());
        assertThat(out.getHeight()).isEqualTo(result.height());
        return out;
    }

    private static byte[] png(BufferedImage img) {
        return TestImages.write(img, "png");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "width=100&height=100&fit=contain | 100 | 50",
        "width=100&height=100&fit=inside  | 100 | 50",
        "width=100&height=100&fit=cover   | 100 | 100",
        "width=100&height=100&fit=fill    | 100 | 100",
        "width=50                         | 50  | 25",
        "height=50                        | 100 | 50",
        "width=1000&height=1000&fit=contain | 1000 | 500",
        "width=1000&height=1000&fit=inside  | 200  | 100",
        "width=100&height=100&fit=contain&dpr=2 | 200 | 100",
        "width=60&height=20&fit=cover&dpr=1.5   | 90  | 30"})
    void givenAFit_whenAppliedToA200By100Image_thenTheOutputHasTheExpectedSize(String query, int w, int h)
            throws Exception {
        BufferedImage out = transform(png(TestImages.quadrants(200, 100)), query.trim() + "&format=png");

        assertThat(out.getWidth()).isEqualTo(w);
        assertThat(out.getHeight()).isEqualTo(h);
    }

    @Test
    void givenFill_whenAppliedToAWideImage_thenItStretchesAndKeepsAllFourQuadrants() throws Exception {
        BufferedImage out = transform(png(TestImages.quadrants(200, 100)), "width=40&height=80&fit=fill&format=png");

        assertThat(TestImages.distance(out.getRGB(5, 5), 0xFF0000)).isLessThan(10);
        assertThat(TestImages.distance(out.getRGB(35, 75), 0xFFFF00)).isLessThan(10);
    }

    @Test
    void givenCoverWithWestGravity_whenAppliedToAWideImage_thenOnlyTheLeftHalfRemains() throws Exception {
        BufferedImage out = transform(png(TestImages.quadrants(200, 100)),
                "width=50&height=50&fit=cover&gravity=west&format=png");

        assertThat(TestImages.distance(out.getRGB(40, 10), 0xFF0000)).isLessThan(10);   // red, not green
        assertThat(TestImages.distance(out.getRGB(40, 40), 0x0000FF)).isLessThan(10);   // blue, not yellow
    }

    @Test
    void givenCoverWithEastGravity_whenAppliedToAWideImage_thenOnlyTheRightHalfRemains() throws Exception {
        BufferedImage out = transform(png(TestImages.quadrants(200, 100)),
                "width=50&height=50&fit=cover&gravity=east&format=png");

        assertThat(TestImages.distance(out.getRGB(10, 10), 0x00FF00)).isLessThan(10);
    }

    @Test
    void givenAnExplicitCrop_whenApplied_thenItIsTakenBeforeTheResize() throws Exception {
        // the top-right quadrant alone, then scaled to 20 px wide
        BufferedImage out = transform(png(TestImages.quadrants(200, 100)), "crop=100,0,100,50&width=20&format=png");

        assertThat(out.getWidth()).isEqualTo(20);
        assertThat(out.getHeight()).isEqualTo(10);
        assertThat(TestImages.mean(out)).isEqualTo(0x00FF00);
    }

    @Test
    void givenACropReachingPastTheEdge_whenApplied_thenItIsClippedToTheImage() throws Exception {
        BufferedImage out = transform(png(TestImages.quadrants(200, 100)), "crop=150,50,500,500&format=png");

        assertThat(out.getWidth()).isEqualTo(50);
        assertThat(out.getHeight()).isEqualTo(50);
        assertThat(TestImages.mean(out)).isEqualTo(0xFFFF00);
    }

    @Test
    void givenRotateAndResize_whenApplied_thenTheBoxAppliesBeforeTheTurn() throws Exception {
        BufferedImage out = transform(png(TestImages.quadrants(200, 100)), "width=100&rotate=90&format=png");

        assertThat(out.getWidth()).isEqualTo(50);
        assertThat(out.getHeight()).isEqualTo(100);
        assertThat(TestImages.distance(out.getRGB(5, 5), 0x0000FF)).isLessThan(10);    // blue came to top-left
        assertThat(TestImages.distance(out.getRGB(45, 5), 0xFF0000)).isLessThan(10);   // red to top-right
    }

    @Test
    void givenRotateThenFlip_whenApplied_thenTheFlipMirrorsTheRotatedImage() throws Exception {
        BufferedImage out = transform(png(TestImages.quadrants(200, 100)), "rotate=90&flip=h&format=png");

        assertThat(out.getWidth()).isEqualTo(100);
        assertThat(TestImages.distance(out.getRGB(5, 5), 0xFF0000)).isLessThan(10);
        assertThat(TestImages.distance(out.getRGB(95, 195), 0xFFFF00)).isLessThan(10);
    }

    @Test
    void givenGrayscale_whenWrittenAsJpeg_thenTheFileIsSingleChannelGray() throws Exception {
        TransformResult result = engine.transform(TestImages.resource("baseline.jpg"),
                parser.parse("grayscale=true&format=jpeg"));

        BufferedImage out = TestImages.decode(result.bytes());
        assertThat(out.getColorModel().getNumComponents()).isEqualTo(1);
    }

    @Test
    void givenGrayscale_whenWrittenAsPngWithAlpha_thenEveryPixelIsGray() throws Exception {
        BufferedImage out = transform(TestImages.resource("alpha-lossy.webp"), "grayscale=true&format=png");

        for (int y = 0; y < out.getHeight(); y += 5) {
            for (int x = 0; x < out.getWidth(); x += 5) {
                int c = out.getRGB(x, y);
                assertThat(c >> 16 & 0xFF).isEqualTo(c & 0xFF);
                assertThat(c >> 8 & 0xFF).isEqualTo(c & 0xFF);
            }
        }
    }

    @Test
    void givenBlur_whenApplied_thenTheQuadrantBordersSoften() throws Exception {
        byte[] input = png(TestImages.quadrants(200, 100));

        BufferedImage sharp = transform(input, "format=png");
        BufferedImage blurred = transform(input, "blur=4&format=png");

        assertThat(TestImages.distance(sharp.getRGB(99, 25), 0xFF0000)).isZero();
        assertThat(TestImages.distance(blurred.getRGB(99, 25), 0xFF0000)).isGreaterThan(60);
        assertThat(TestImages.distance(blurred.getRGB(20, 20), 0xFF0000)).isZero();
    }

    @Test
    void givenSharpen_whenAppliedToAPhoto_thenLocalContrastGrows() throws Exception {
        byte[] input = TestImages.resource("baseline.jpg");

        double plain = gradientEnergy(transform(input, "format=png"));
        double sharpened = gradientEnergy(transform(input, "sharpen=2&format=png"));

        assertThat(sharpened).isGreaterThan(plain * 1.2);
    }

    private static double gradientEnergy(BufferedImage img) {
        double sum = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 1; x < img.getWidth(); x++) {
                sum += Math.abs((img.getRGB(x, y) >> 8 & 0xFF) - (img.getRGB(x - 1, y) >> 8 & 0xFF));
            }
        }
        return sum;
    }

    @Test
    void givenAnAlphaImage_whenWrittenAsJpeg_thenTransparencyBecomesTheBackground() throws Exception {
        BufferedImage out = transform(TestImages.resource("alpha-lossless.webp"), "format=jpeg&background=00ff00");

        assertThat(TestImages.distance(out.getRGB(0, 0), 0x00FF00)).isLessThan(20);
    }

    @Test
    void givenAJpegWithAWideGamutProfile_whenTransformed_thenTheColoursAreConvertedToSrgb() throws Exception {
        // samples of 128 in linear-light RGB are a much lighter grey than 128 in sRGB
        byte[] plain = TestImages.jpeg(TestImages.flat(32, 32, 0xFF808080, BufferedImage.TYPE_INT_RGB), false);
        byte[] tagged = TestImages.withIccProfile(plain, ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB).getData());

        BufferedImage untouched = transform(plain, "format=png");
        BufferedImage converted = transform(tagged, "width=16&format=png");

        assertThat(untouched.getRGB(8, 8) & 0xFF).isBetween(126, 130);
        assertThat(converted.getRGB(8, 8) & 0xFF).isBetween(180, 196);
    }

    @Test
    void givenALargeJpegAndASmallTarget_whenShrunkOnLoad_thenTheResultIsStillSharpAndRightlyColoured()
            throws Exception {
        byte[] big = TestImages.jpeg(TestImages.quadrants(2400, 1600), false);

        BufferedImage out = transform(big, "width=120&height=120&fit=inside&format=png");

        assertThat(out.getWidth()).isEqualTo(120);
        assertThat(out.getHeight()).isEqualTo(80);
        assertThat(TestImages.distance(out.getRGB(10, 10), 0xFF0000)).isLessThan(12);
        assertThat(TestImages.distance(out.getRGB(110, 10), 0x00FF00)).isLessThan(12);
        assertThat(TestImages.distance(out.getRGB(10, 70), 0x0000FF)).isLessThan(12);
        assertThat(TestImages.distance(out.getRGB(110, 70), 0xFFFF00)).isLessThan(12);
        // the border between red and green stays within a couple of pixels
        assertThat(TestImages.distance(out.getRGB(57, 10), 0xFF0000)).isLessThan(40);
        assertThat(TestImages.distance(out.getRGB(62, 10), 0x00FF00)).isLessThan(40);
    }

    @Test
    void givenAProgressiveAndABaselineCopyOfOneImage_whenThumbnailed_thenTheResultsMatch() throws Exception {
        BufferedImage photo = TestImages.decode(TestImages.resource("baseline.jpg"));
        BufferedImage big = new BufferedImage(920, 692, BufferedImage.TYPE_INT_RGB);
        big.getGraphics().drawImage(photo, 0, 0, 920, 692, null);

        BufferedImage fromBaseline = transform(TestImages.jpeg(big, false), "width=100&format=png");
        BufferedImage fromProgressive = transform(TestImages.jpeg(big, true), "width=100&format=png");

        assertThat(TestImages.distance(TestImages.mean(fromBaseline), TestImages.mean(fromProgressive))).isLessThan(3);
    }

    @Test
    void givenManyThreadsSharingOneEngine_whenTransformingConcurrently_thenEveryResultIsTheSame() throws Exception {
        byte[] input = TestImages.resource("progressive.jpg");
        byte[] expected = engine.transform(input, parser.parse("width=64&format=png")).bytes();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<byte[]>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                results.add(pool.submit(() -> engine.transform(input, parser.parse("width=64&format=png")).bytes()));
            }
            for (Future<byte[]> f : results) {
                assertThat(f.get()).containsExactly(expected);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void givenNoOptions_whenTransformed_thenTheImageKeepsItsSizeAndFormat() throws Exception {
        TransformResult result = engine.transform(TestImages.resource("palette-alpha.png"),
                parser.parseCanonical(""));

        assertThat(result.format()).isEqualTo(ImageFormat.PNG);
        assertThat(result.width()).isEqualTo(16);
        assertThat(result.height()).isEqualTo(16);
    }
}
