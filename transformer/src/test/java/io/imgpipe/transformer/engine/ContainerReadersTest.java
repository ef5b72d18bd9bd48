package io.imgpipe.transformer.engine;

import io.imgpipe.contract.format.ImageFormat;
import io.imgpipe.contract.options.OptionsParser;
import org.junit.jupiter.api.Test;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue #10/#11: one reader per container format, and the header facts the engine takes from it. */
class ContainerReadersTest {

    @Test
    void givenAJpeg_whenItsSegmentsAreRead_thenTheFrameGivesTheSizeImageIoReports() {
        for (String name : new String[] {"baseline.jpg", "progressive.jpg", "exif-orientation-6.jpg", "cmyk.jpg"}) {
            byte[] jpeg = TestImages.resource(name);
            BufferedImage decoded = TestImages.decode(jpeg);

            JpegSegments segments = JpegSegments.read(jpeg);

            assertThat(segments.size(jpeg)).as(name).containsExactly(decoded.getWidth(), decoded.getHeight());
            assertThat(segments.firstScan()).as(name).isPositive();
            assertThat(segments.malformed()).as(name).isFalse();
        }
    }

    @Test
    void givenPlainAndCmykJpegs_whenTheirComponentsAreRead_thenOnlyCmykNeedsColourConversion() {
        assertThat(JpegStructure.needsColourConversion(TestImages.resource("baseline.jpg"))).isFalse();
        assertThat(JpegStructure.needsColourConversion(TestImages.resource("cmyk.jpg"))).isTrue();
        assertThat(JpegSegments.read(TestImages.resource("cmyk.jpg")).components(TestImages.resource("cmyk.jpg")))
                .isEqualTo(4);
    }

    @Test
    void givenAJpegCutBeforeItsScan_whenRead_thenThereIsNoScanAndItIsIncomplete() {
        byte[] jpeg = TestImages.resource("baseline.jpg");
        int scan = JpegSegments.read(jpeg).firstScan();
        byte[] cut = Arrays.copyOf(jpeg, scan);

        assertThat(JpegSegments.read(cut).firstScan()).isEqualTo(-1);
        assertThat(JpegStructure.isComplete(cut)).isFalse();
        assertThat(JpegStructure.isComplete(jpeg)).isTrue();
    }

    @Test
    void givenAJpegWithExifAndIcc_whenRead_thenOrientationAndProfileComeFromTheSameWalk() {
        byte[] profile = ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB).getData();
        byte[] jpeg = TestImages.withIccProfile(TestImages.withExifOrientation(TestImages.resource("baseline.jpg"), 6,
                true), profile);

        assertThat(Exif.orientation(jpeg, ImageFormat.JPEG)).isEqualTo(6);
        assertThat(IccProfiles.embedded(jpeg, ImageFormat.JPEG).getData()).isEqualTo(profile);
    }

    @Test
    void givenAPngAndAWebp_whenTheirChunksAreSearched_thenHeaderChunksAreFoundAndImageDataEndsTheSearch() {
        byte[] png = TestImages.write(TestImages.quadrants(8, 8), "png");
        byte[] webp = TestImages.resource("alpha-lossy.webp");

        assertThat(PngChunks.find(png, "IHDR")).isEqualTo(new Chunk(16, 13));
        assertThat(PngChunks.find(png, "IEND")).isNull(); // behind IDAT: never reached
        assertThat(RiffChunks.find(webp, "VP8X")).isNotNull();
        assertThat(RiffChunks.find(webp, "ALPH")).isNotNull();
        assertThat(RiffChunks.find(webp, "NONE")).isNull();
    }

    @Test
    void givenNativeJpegDecoding_whenAPlainJpegWithAProfileIsTransformed_thenTheResultMatchesImageIo()
            throws Exception {
        byte[] profile = ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB).getData();
        byte[] jpeg = TestImages.withIccProfile(TestImages.resource("baseline.jpg"), profile);
        var options = OptionsParser.withPresets(null).parse("format=png");
        ImageEngine preferred = new ImageEngine(EngineLimits.defaults());
        ImageEngine imageIo = new ImageEngine(EngineLimits.defaults(), false);

        TransformResult a = preferred.transform(jpeg, options);
        TransformResult b = imageIo.transform(jpeg, options);

        assertThat(a.width()).isEqualTo(b.width());
        assertThat(a.height()).isEqualTo(b.height());
        BufferedImage pa = TestImages.decode(a.bytes());
        BufferedImage pb = TestImages.decode(b.bytes());
        long total = 0;
        for (int y = 0; y < pa.getHeight(); y++) {
            for (int x = 0; x < pa.getWidth(); x++) {
                total += TestImages.distance(pa.getRGB(x, y), pb.getRGB(x, y));
            }
        }
        // two IDCTs and two colour engines: close, not bit-identical
        assertThat((double) total / (pa.getWidth() * pa.getHeight())).isLessThan(6);
    }
}
