package io.imgpipe.transformer.engine;

import io.imgpipe.contract.options.OptionsParser;
import io.imgpipe.contract.options.TransformOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.awt.image.BufferedImage;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each EXIF orientation, per the tag's definition of where the stored 0th row and 0th column belong: a file whose
 * stored pixels were laid out for orientation N must come out upright as the reference quadrants.
 */
class ExifOrientationTest {

    private static final int W = 64;
    private static final int H = 32;
    private static final int RED = 0xFF0000;
    private static final int GREEN = 0x00FF00;
    private static final int BLUE = 0x0000FF;
    private static final int YELLOW = 0xFFFF00;

    private final ImageEngine engine = new ImageEngine(EngineLimits.defaults());
    private final OptionsParser parser = OptionsParser.withPresets(null);

    /** The stored image for orientation n: S(x, y) = D(f(x, y)) with D the upright quadrants. */
    private static BufferedImage stored(int n) {
        BufferedImage upright = TestImages.quadrants(W, H);
        boolean swap = n >= 5;
        int sw = swap ? H : W;
        int sh = swap ? W : H;
        BufferedImage s = new BufferedImage(sw, sh, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < sh; y++) {
            for (int x = 0; x < sw; x++) {
                int[] d = switch (n) {
                    case 1 -> new int[] {x, y};
                    case 2 -> new int[] {W - 1 - x, y};              // 0th row top, 0th column right
                    case 3 -> new int[] {W - 1 - x, H - 1 - y};      // bottom, right
                    case 4 -> new int[] {x, H - 1 - y};              // bottom, left
                    case 5 -> new int[] {y, x};                      // left, top
                    case 6 -> new int[] {W - 1 - y, x};              // right, top
                    case 7 -> new int[] {W - 1 - y, H - 1 - x};      // right, bottom
                    case 8 -> new int[] {y, H - 1 - x};              // left, bottom
                    default -> throw new IllegalArgumentException();
                };
                s.setRGB(x, y, upright.getRGB(d[0], d[1]));
            }
        }
        return s;
    }

    private static void assertUprightQuadrants(BufferedImage out) {
        assertThat(out.getWidth()).isEqualTo(W);
        assertThat(out.getHeight()).isEqualTo(H);
        assertThat(TestImages.distance(out.getRGB(W / 4, H / 4), RED)).isLessThan(40);
        assertThat(TestImages.distance(out.getRGB(3 * W / 4, H / 4), GREEN)).isLessThan(40);
        assertThat(TestImages.distance(out.getRGB(W / 4, 3 * H / 4), BLUE)).isLessThan(40);
        assertThat(TestImages.distance(out.getRGB(3 * W / 4, 3 * H / 4), YELLOW)).isLessThan(40);
    }

    @ParameterizedTest(name = "orientation {0}, little-endian {1}")
    @CsvSource({"1,true", "2,true", "3,true", "4,true", "5,true", "6,true", "7,true", "8,true",
        "1,false", "2,false", "3,false", "4,false", "5,false", "6,false", "7,false", "8,false"})
    void givenAJpegWithAnExifOrientation_whenTransformed_thenItComesOutUpright(int orientation, boolean little)
            throws Exception {
        byte[] input = TestImages.withExifOrientation(TestImages.jpeg(stored(orientation), false), orientation, little);

        TransformResult result = engine.transform(input, parser.parse("format=png"));

        assertUprightQuadrants(TestImages.decode(result.bytes()));
        assertThat(result.width()).isEqualTo(W);
        assertThat(result.height()).isEqualTo(H);
    }

    @Test
    void givenAutoOrientationOff_whenTransformed_thenThePixelsStayAsStored() throws Exception {
        byte[] input = TestImages.withExifOrientation(TestImages.jpeg(stored(6), false), 6, false);

        TransformResult result = engine.transform(input, parser.parse("format=png&autorotate=false"));

        assertThat(result.width()).isEqualTo(H);
        assertThat(result.height()).isEqualTo(W);
    }

    @Test
    void givenOrientationSixAndAResize_whenTransformed_thenTheBoxAppliesToTheUprightImage() throws Exception {
        byte[] input = TestImages.withExifOrientation(TestImages.jpeg(stored(6), false), 6, true);
        TransformOptions o = parser.parse("width=32&format=png");

        TransformResult result = engine.transform(input, o);

        assertThat(result.width()).isEqualTo(32);
        assertThat(result.height()).isEqualTo(16);
        assertThat(result.sourceWidth()).isEqualTo(H);
    }

    @Test
    void givenARealCameraStyleFileWithOrientationSix_whenThumbnailed_thenItIsLandscape() throws Exception {
        byte[] input = TestImages.resource("exif-orientation-6.jpg"); // stored 160x256, shown 256x160

        TransformResult result = engine.transform(input, parser.parse("width=128&format=jpeg"));

        assertThat(result.width()).isEqualTo(128);
        assertThat(result.height()).isEqualTo(80);
    }

    @Test
    void givenAMalformedExifSegment_whenTransformed_thenTheImageIsTreatedAsUpright() throws Exception {
        byte[] jpeg = TestImages.jpeg(TestImages.quadrants(W, H), false);
        byte[] broken = TestImages.withExifOrientation(jpeg, 6, true);
        broken[2 + 4 + 6] = 'X'; // corrupt the TIFF byte-order mark

        TransformResult result = engine.transform(broken, parser.parse("format=png"));

        assertUprightQuadrants(TestImages.decode(result.bytes()));
    }
}
