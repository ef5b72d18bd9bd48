package io.imgpipe.transformer.engine;

import io.imgpipe.contract.format.ImageFormat;
import io.imgpipe.contract.options.OptionsParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;

import static org.assertj.core.api.Assertions.assertThat;

/** Every input kind decodes, every output format encodes: dimensions and colours checked on the decoded result. */
class ImageEngineFormatsTest {

    private final ImageEngine engine = new ImageEngine(EngineLimits.defaults());
    private final OptionsParser parser = OptionsParser.withPresets(null);

    private TransformResult transform(byte[] input, String query) throws ImageRejectedException {
        return engine.transform(input, parser.parse(query));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "baseline.jpg, JPEG, 230, 173",
        "progressive.jpg, JPEG, 256, 171",
        "cmyk.jpg, JPEG, 160, 100",
        "lossy.webp, WEBP, 256, 160",
        "alpha-lossless.webp, WEBP, 135, 144",
        "alpha-lossy.webp, WEBP, 135, 144",
        "animated.gif, GIF, 14, 25",
        "palette-alpha.png, PNG, 16, 16"})
    void givenAFixture_whenResizedToPng_thenItKeepsItsColoursAtTheNewSize(String name, ImageFormat format,
                                                                         int width, int height) throws Exception {
        byte[] input = TestImages.resource(name);
        BufferedImage reference = TestImages.decode(input);

        TransformResult result = transform(input, "width=" + width / 2 + "&format=png");

        assertThat(result.sourceFormat()).isEqualTo(format);
        assertThat(result.sourceWidth()).isEqualTo(width);
        assertThat(result.sourceHeight()).isEqualTo(height);
        BufferedImage out = TestImages.decode(result.bytes());
        assertThat(out.getWidth()).isEqualTo(width / 2);
        assertThat(out.getHeight()).isEqualTo(Math.max(1, Math.round(height * (width / 2) / (float) width)));
        assertThat(TestImages.distance(TestImages.mean(out), TestImages.mean(reference))).isLessThan(12);
    }

    @Test
    void givenACmykJpeg_whenTransformed_thenItsGreensAreNotInverted() throws Exception {
        // a ladybird on green leaves: inverted CMYK would come out magenta
        TransformResult result = transform(TestImages.resource("cmyk.jpg"), "width=80&format=png");

        int mean = TestImages.mean(TestImages.decode(result.bytes()));
        int r = mean >> 16 & 0xFF;
        int g = mean >> 8 & 0xFF;
        int b = mean & 0xFF;
        assertThat(g).isGreaterThan(r).isGreaterThan(b);
    }

    @Test
    void givenAnAnimatedGif_whenTransformed_thenTheFirstFrameIsKept() throws Exception {
        byte[] input = TestImages.resource("animated.gif");
        BufferedImage firstFrame = TestImages.decode(input);

        TransformResult result = transform(input, "format=png");

        BufferedImage out = TestImages.decode(result.bytes());
        assertThat(out.getWidth()).isEqualTo(14);
        assertThat(out.getHeight()).isEqualTo(25);
        for (int y = 0; y < 25; y += 6) {
            for (int x = 0; x < 14; x += 3) {
                assertThat(out.getRGB(x, y)).isEqualTo(firstFrame.getRGB(x, y));
            }
        }
    }

    @Test
    void givenAWebpWithAlpha_whenKeptAsPng_thenTransparencySurvives() throws Exception {
        TransformResult result = transform(TestImages.resource("alpha-lossless.webp"), "format=png");

        BufferedImage out = TestImages.decode(result.bytes());
        assertThat(out.getColorModel().hasAlpha()).isTrue();
        assertThat(out.getRGB(0, 0) >>> 24).isZero();
    }

    @Test
    void givenASixteenBitPngWithAlpha_whenWrittenAsJpeg_thenItIsFlattenedOntoTheBackground() throws Exception {
        ComponentColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), true, false,
                Transparency.TRANSLUCENT, DataBuffer.TYPE_USHORT);
        WritableRaster raster = model.createCompatibleWritableRaster(40, 20);
        for (int y = 0; y < 20; y++) {
            for (int x = 0; x < 40; x++) {
                // left half opaque blue, right half fully transparent
                raster.setPixel(x, y, new int[] {0, 0, 65535, x < 20 ? 65535 : 0});
            }
        }
        byte[] png = TestImages.write(new BufferedImage(model, raster, false, null), "png");

        TransformResult result = transform(png, "format=jpeg&background=ff0000");

        BufferedImage out = TestImages.decode(result.bytes());
        assertThat(out.getWidth()).isEqualTo(40);
        assertThat(TestImages.distance(out.getRGB(5, 10), 0x0000FF)).isLessThan(30);
        assertThat(TestImages.distance(out.getRGB(35, 10), 0xFF0000)).isLessThan(30);
    }

    @Test
    void givenAnEightBitPaletteGif_whenResized_thenItsColoursAreKept() throws Exception {
        byte[] r = {(byte) 255, 0};
        byte[] g = {0, (byte) 255};
        byte[] b = {0, 0};
        BufferedImage indexed = new BufferedImage(32, 32, BufferedImage.TYPE_BYTE_INDEXED,
                new IndexColorModel(1, 2, r, g, b));
        for (int y = 0; y < 32; y++) {
            for (int x = 16; x < 32; x++) {
                indexed.getRaster().setSample(x, y, 0, 1);
            }
        }

        TransformResult result = transform(TestImages.write(indexed, "png"), "width=16&format=png");

        BufferedImage out = TestImages.decode(result.bytes());
        assertThat(out.getWidth()).isEqualTo(16);
        assertThat(TestImages.distance(out.getRGB(2, 8), 0xFF0000)).isLessThan(8);
        assertThat(TestImages.distance(out.getRGB(13, 8), 0x00FF00)).isLessThan(8);
    }

    @ParameterizedTest
    @CsvSource({"bmp, BMP", "tiff, TIFF", "png, PNG", "gif, GIF"})
    void givenAnImageWrittenByImageIo_whenReadBack_thenTheQuadrantsSurvive(String writer, ImageFormat format)
            throws Exception {
        BufferedImage source = TestImages.quadrants(32, 16);
        BufferedImage bgr = new BufferedImage(32, 16, BufferedImage.TYPE_3BYTE_BGR);
        bgr.getGraphics().drawImage(source, 0, 0, null);

        TransformResult result = transform(TestImages.write(bgr, writer), "format=png");

        assertThat(result.sourceFormat()).isEqualTo(format);
        BufferedImage out = TestImages.decode(result.bytes());
        assertThat(TestImages.distance(out.getRGB(4, 4), 0xFF0000)).isLessThan(4);
        assertThat(TestImages.distance(out.getRGB(28, 12), 0xFFFF00)).isLessThan(4);
    }

    @ParameterizedTest // HEIC is never written, AVIF only through libheif: both are HeifAvifTest's
    @EnumSource(value = ImageFormat.class, names = {"HEIF", "AVIF"}, mode = EnumSource.Mode.EXCLUDE)
    void givenEachOutputFormat_whenWritten_thenTheBytesAreThatFormatAndDecode(ImageFormat format) throws Exception {
        TransformResult result = transform(TestImages.resource("baseline.jpg"), "width=100&format=" + format.key());

        assertThat(result.format()).isEqualTo(format);
        assertThat(ImageFormat.sniff(result.bytes())).contains(format);
        BufferedImage out = TestImages.decode(result.bytes());
        assertThat(out.getWidth()).isEqualTo(100);
        assertThat(out.getHeight()).isEqualTo(75);
        BufferedImage reference = TestImages.decode(TestImages.resource("baseline.jpg"));
        assertThat(TestImages.distance(TestImages.mean(out), TestImages.mean(reference))).isLessThan(12);
    }

    @Test
    void givenFormatAuto_whenTransformed_thenTheInputFormatIsKept() throws Exception {
        assertThat(transform(TestImages.resource("animated.gif"), "width=7").format()).isEqualTo(ImageFormat.GIF);
        assertThat(transform(TestImages.resource("lossy.webp"), "width=64").format()).isEqualTo(ImageFormat.WEBP);
        assertThat(transform(TestImages.resource("palette-alpha.png"), "width=8").format()).isEqualTo(ImageFormat.PNG);
    }

    @Test
    void givenALossyWebpAtTwoQualities_whenWritten_thenTheLowerQualityIsSmaller() throws Exception {
        byte[] input = TestImages.resource("baseline.jpg");

        int high = transform(input, "format=webp&quality=95").bytes().length;
        int low = transform(input, "format=webp&quality=20").bytes().length;

        assertThat(low).isLessThan(high);
    }

    @Test
    void givenAJpegAtTwoQualities_whenWritten_thenTheLowerQualityIsSmaller() throws Exception {
        byte[] input = TestImages.resource("baseline.jpg");

        int high = transform(input, "format=jpeg&quality=95").bytes().length;
        int low = transform(input, "format=jpeg&quality=20").bytes().length;

        assertThat(low).isLessThan(high);
    }

    @Test
    void givenProgressiveRequested_whenWrittenAsJpeg_thenTheFileIsProgressive() throws Exception {
        byte[] input = TestImages.resource("baseline.jpg");

        byte[] progressive = transform(input, "format=jpeg&progressive=true").bytes();
        byte[] baseline = transform(input, "format=jpeg").bytes();

        assertThat(hasMarker(progressive, 0xC2)).isTrue();
        assertThat(hasMarker(baseline, 0xC2)).isFalse();
        assertThat(TestImages.decode(progressive).getWidth()).isEqualTo(230);
    }

    @Test
    void givenAJpegWithExif_whenTransformed_thenTheOutputCarriesNoExif() throws Exception {
        byte[] input = TestImages.resource("exif-orientation-6.jpg");

        byte[] out = transform(input, "format=jpeg").bytes();

        assertThat(hasMarker(input, 0xE1)).isTrue();
        assertThat(hasMarker(out, 0xE1)).isFalse();
    }

    /** Whether a JPEG has a segment with this marker before its first scan. */
    static boolean hasMarker(byte[] jpeg, int marker) {
        int i = 2;
        while (i + 4 <= jpeg.length && (jpeg[i] & 0xFF) == 0xFF) {
            int m = jpeg[i + 1] & 0xFF;
            if (m == marker) {
                return true;
            }
            if (m == 0xDA) {
                return false;
            }
            i += 2 + ((jpeg[i + 2] & 0xFF) << 8 | jpeg[i + 3] & 0xFF);
        }
        return false;
    }
}
