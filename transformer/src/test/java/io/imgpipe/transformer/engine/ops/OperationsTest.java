package io.imgpipe.transformer.engine.ops;

import io.imgpipe.contract.options.Flip;
import io.imgpipe.contract.options.Gravity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Each operation on small images whose every pixel is known. */
class OperationsTest {

    /** A width × height opaque image whose pixel (x, y) is 0xFF000000 | x << 8 | y: every pixel says where it was. */
    private static BufferedImage coordinates(int width, int height) {
        BufferedImage img = Pixels.create(width, height, false);
        int[] d = Pixels.data(img);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                d[y * width + x] = 0xFF000000 | x << 8 | y;
            }
        }
        return img;
    }

    private static BufferedImage flat(int width, int height, int argb) {
        BufferedImage img = Pixels.create(width, height, (argb >>> 24) != 0xFF);
        Arrays.fill(Pixels.data(img), argb);
        return img;
    }

    /** Where the pixel now at (x, y) came from, as {x, y}. */
    private static int[] origin(BufferedImage img, int x, int y) {
        int c = Pixels.data(img)[y * img.getWidth() + x];
        return new int[] {c >> 8 & 0xFF, c & 0xFF};
    }

    private static int channel(int argb, int shift) {
        return argb >> shift & 0xFF;
    }

    @Test
    void givenARotationByAQuarterTurn_whenApplied_thenTheLeftColumnBecomesTheTopRow() {
        BufferedImage img = coordinates(4, 3);

        BufferedImage out = new Rotate(90).apply(img);

        assertThat(out.getWidth()).isEqualTo(3);
        assertThat(out.getHeight()).isEqualTo(4);
        assertThat(origin(out, 0, 0)).containsExactly(0, 2);  // bottom-left comes to the top-left
        assertThat(origin(out, 2, 0)).containsExactly(0, 0);  // top-left comes to the top-right
        assertThat(origin(out, 2, 3)).containsExactly(3, 0);
    }

    @Test
    void givenAHalfTurn_whenApplied_thenCornersSwapDiagonally() {
        BufferedImage out = new Rotate(180).apply(coordinates(4, 3));

        assertThat(origin(out, 0, 0)).containsExactly(3, 2);
        assertThat(origin(out, 3, 2)).containsExactly(0, 0);
    }

    @Test
    void givenThreeQuarterTurn_whenApplied_thenTheTopRowBecomesTheLeftColumn() {
        BufferedImage out = new Rotate(270).apply(coordinates(4, 3));

        assertThat(out.getWidth()).isEqualTo(3);
        assertThat(origin(out, 0, 0)).containsExactly(3, 0);
        assertThat(origin(out, 0, 3)).containsExactly(0, 0);
    }

    @Test
    void givenAnUnsupportedAngle_whenBuilt_thenItIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Rotate(45));
    }

    @ParameterizedTest
    @CsvSource({"HORIZONTAL,3,0", "VERTICAL,0,2", "BOTH,3,2", "NONE,0,0"})
    void givenAFlip_whenApplied_thenTheTopLeftPixelComesFromTheMirroredCorner(Flip flip, int fromX, int fromY) {
        BufferedImage out = new Mirror(flip).apply(coordinates(4, 3));

        assertThat(origin(out, 0, 0)).containsExactly(fromX, fromY);
        assertThat(out.getWidth()).isEqualTo(4);
    }

    @Test
    void givenEveryOrientation_whenAppliedTwiceWithItsInverse_thenTheImageIsUnchanged() {
        int[] inverse = {0, 1, 2, 3, 4, 5, 8, 7, 6};
        BufferedImage img = coordinates(5, 3);
        for (int o = 1; o <= 8; o++) {
            BufferedImage back = new Orient(inverse[o]).apply(new Orient(o).apply(img));

            assertThat(Pixels.data(back)).as("orientation " + o).containsExactly(Pixels.data(img));
        }
    }

    @Test
    void givenACrop_whenApplied_thenExactlyThatRectangleRemains() {
        BufferedImage out = new CropRegion(1, 2, 3, 2).apply(coordinates(6, 5));

        assertThat(out.getWidth()).isEqualTo(3);
        assertThat(out.getHeight()).isEqualTo(2);
        assertThat(origin(out, 0, 0)).containsExactly(1, 2);
        assertThat(origin(out, 2, 1)).containsExactly(3, 3);
    }

    @Test
    void givenACropPastTheEdge_whenApplied_thenItIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new CropRegion(4, 0, 3, 1).apply(coordinates(6, 5)));
    }

    @Test
    void givenAFlatColour_whenResizedDownOrUp_thenEveryPixelKeepsIt() {
        for (int[] size : new int[][] {{37, 11}, {500, 301}, {3, 1}}) {
            BufferedImage out = new Resize(size[0], size[1]).apply(flat(200, 120, 0xFF3366CC));

            assertThat(out.getWidth()).isEqualTo(size[0]);
            assertThat(out.getHeight()).isEqualTo(size[1]);
            for (int c : Pixels.data(out)) {
                assertThat(c & 0xFFFFFF).isEqualTo(0x3366CC);
            }
        }
    }

    @Test
    void givenAFineCheckerboard_whenShrunkAFactorOfEight_thenItAveragesToGreyWithoutAliasing() {
        BufferedImage img = Pixels.create(400, 400, false);
        int[] d = Pixels.data(img);
        for (int y = 0; y < 400; y++) {
            for (int x = 0; x < 400; x++) {
                d[y * 400 + x] = ((x + y) & 1) == 0 ? 0xFFFFFFFF : 0xFF000000;
            }
        }

        BufferedImage out = new Resize(50, 50).apply(img);

        for (int c : Pixels.data(out)) {
            assertThat(channel(c, 8)).isBetween(120, 136);
        }
    }

    @Test
    void givenTransparentPixelsNextToOpaqueOnes_whenResized_thenNoDarkFringeAppears() {
        BufferedImage img = Pixels.create(64, 8, true);
        int[] d = Pixels.data(img);
        for (int i = 0; i < d.length; i++) {
            d[i] = (i % 64) < 32 ? 0xFFFFFFFF : 0x00000000; // white | transparent black
        }

        BufferedImage out = new Resize(16, 2).apply(img);

        for (int c : Pixels.data(out)) {
            if (c >>> 24 > 8) {
                assertThat(channel(c, 16)).isGreaterThan(240); // colour stays white wherever visible
            }
        }
        assertThat(Pixels.data(out)[0] >>> 24).isEqualTo(255);
        assertThat(Pixels.data(out)[15] >>> 24).isZero();
    }

    @ParameterizedTest
    @CsvSource({"NORTHWEST,0,0", "NORTH,50,0", "NORTHEAST,100,0", "WEST,0,0", "CENTER,50,0", "EAST,100,0",
        "SOUTHWEST,0,0", "SOUTH,50,0", "SOUTHEAST,100,0"})
    void givenAWideImage_whenCoverCroppedToASquare_thenTheGravityPlacesTheWindow(Gravity gravity, int x, int y) {
        BufferedImage out = new GravityCrop(10, 10, gravity).apply(coordinates(200, 100));

        assertThat(out.getWidth()).isEqualTo(100);
        assertThat(out.getHeight()).isEqualTo(100);
        assertThat(origin(out, 0, 0)).containsExactly(x, y);
    }

    @ParameterizedTest
    @CsvSource({"NORTH,0", "CENTER,50", "SOUTH,100", "SOUTHEAST,100", "NORTHWEST,0"})
    void givenATallImage_whenCoverCroppedToASquare_thenTheGravityPlacesTheWindowVertically(Gravity gravity, int y) {
        BufferedImage out = new GravityCrop(10, 10, gravity).apply(coordinates(100, 200));

        assertThat(out.getHeight()).isEqualTo(100);
        assertThat(origin(out, 0, 0)).containsExactly(0, y);
    }

    @Test
    void givenFlatImageWithOneTexturedPatch_whenSmartCoverCropped_thenTheWindowHoldsThePatch() {
        BufferedImage img = flat(400, 100, 0xFF808080);
        int[] d = Pixels.data(img);
        for (int y = 20; y < 80; y++) {
            for (int x = 300; x < 360; x++) {
                d[y * 400 + x] = ((x / 3 + y / 3) & 1) == 0 ? 0xFFFFFFFF : 0xFF000000;
            }
        }

        BufferedImage out = new GravityCrop(1, 1, Gravity.SMART).apply(img);

        assertThat(out.getWidth()).isEqualTo(100);
        int[] o = Pixels.data(out);
        long textured = Arrays.stream(o).filter(c -> (c & 0xFFFFFF) != 0x808080).count();
        assertThat(textured).isEqualTo(60L * 60L); // the whole patch is inside
    }

    @Test
    void givenColours_whenGrayscaled_thenEachBecomesItsLumaAndAlphaStays() {
        BufferedImage img = Pixels.create(3, 1, true);
        int[] d = Pixels.data(img);
        d[0] = 0xFFFF0000;
        d[1] = 0x8000FF00;
        d[2] = 0xFF0000FF;

        int[] out = Pixels.data(new Grayscale().apply(img));

        assertThat(out[0]).isEqualTo(0xFF4C4C4C);   // 0.299 × 255
        assertThat(out[1]).isEqualTo(0x80969696);   // 0.587 × 255, alpha kept
        assertThat(out[2]).isEqualTo(0xFF1D1D1D);   // 0.114 × 255
    }

    @Test
    void givenAHardEdge_whenBlurred_thenItBecomesARampAndFlatAreasStay() {
        BufferedImage img = Pixels.create(40, 3, false);
        int[] d = Pixels.data(img);
        for (int i = 0; i < d.length; i++) {
            d[i] = (i % 40) < 20 ? 0xFF000000 : 0xFFFFFFFF;
        }

        int[] out = Pixels.data(new GaussianBlur(2).apply(img));

        assertThat(channel(out[40 + 0], 0)).isZero();
        assertThat(channel(out[40 + 39], 0)).isEqualTo(255);
        assertThat(channel(out[40 + 19], 0)).isBetween(90, 140);
        assertThat(channel(out[40 + 20], 0)).isBetween(115, 165);
        for (int x = 1; x < 40; x++) {
            assertThat(channel(out[40 + x], 0)).isGreaterThanOrEqualTo(channel(out[40 + x - 1], 0));
        }
    }

    @Test
    void givenASoftEdge_whenSharpened_thenTheContrastAcrossItGrows() {
        BufferedImage img = Pixels.create(40, 3, false);
        int[] d = Pixels.data(img);
        for (int i = 0; i < d.length; i++) {
            int x = i % 40;
            int v = x < 18 ? 80 : x > 21 ? 170 : 80 + (x - 17) * 18;
            d[i] = 0xFF000000 | v << 16 | v << 8 | v;
        }

        int[] out = Pixels.data(new Sharpen(1.5).apply(img));

        assertThat(channel(out[40 + 17], 0)).isLessThan(80);      // undershoot before the edge
        assertThat(channel(out[40 + 22], 0)).isGreaterThan(170);  // overshoot after it
        assertThat(channel(out[40 + 2], 0)).isEqualTo(80);         // flat areas untouched
        assertThat(channel(out[40 + 37], 0)).isEqualTo(170);
    }

    @Test
    void givenTranslucentPixels_whenFlattened_thenTheyAreCompositedOntoTheBackground() {
        BufferedImage img = Pixels.create(3, 1, true);
        int[] d = Pixels.data(img);
        d[0] = 0x00123456;   // transparent: background shows
        d[1] = 0xFF0000FF;   // opaque blue stays
        d[2] = 0x80000000;   // half black over white: mid grey

        BufferedImage out = new Flatten(0xFFFFFF).apply(img);

        assertThat(Pixels.hasAlpha(out)).isFalse();
        int[] o = Pixels.data(out);
        assertThat(o[0] & 0xFFFFFF).isEqualTo(0xFFFFFF);
        assertThat(o[1] & 0xFFFFFF).isEqualTo(0x0000FF);
        assertThat(channel(o[2], 0)).isBetween(126, 128);
    }

    @Test
    void givenSamplesInLinearRgb_whenConvertedToSrgb_thenMidGreyBrightensAndAlphaStays() {
        BufferedImage img = flat(4, 4, 0x80808080);

        BufferedImage out = new ConvertToSrgb((ICC_ColorSpace) ColorSpace.getInstance(ColorSpace.CS_LINEAR_RGB))
                .apply(img);

        int c = Pixels.data(out)[5];
        assertThat(c >>> 24).isEqualTo(0x80);
        assertThat(channel(c, 16)).isBetween(180, 196); // linear 0.5 is sRGB ~0.735
    }

    @Test
    void givenAnyOperation_whenApplied_thenItsInputIsUntouched() {
        BufferedImage img = coordinates(12, 9);
        int[] before = Pixels.data(img).clone();
        List<ImageOperation> ops = List.of(new Orient(6), new Rotate(90), new Mirror(Flip.BOTH),
                new CropRegion(1, 1, 5, 5), new Resize(7, 3), new GravityCrop(1, 1, Gravity.SMART),
                new Grayscale(), new GaussianBlur(1), new Sharpen(1), new Flatten(0));

        for (ImageOperation op : ops) {
            op.apply(img);

            assertThat(Pixels.data(img)).as(op.getClass().getSimpleName()).containsExactly(before);
        }
    }
}
