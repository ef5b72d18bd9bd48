package io.imgpipe.transformer.engine.ops;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Issue #10: large blurs cost the same per pixel whatever the sigma, and still look like the exact gaussian. */
class GaussianBlurTest {

    /** Photo-like content: smooth gradients, hard edges and noise, so both flat areas and edges are compared. */
    private static BufferedImage scene(int width, int height) {
        BufferedImage img = Pixels.create(width, height, false);
        int[] d = Pixels.data(img);
        Random random = new Random(10);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int r = x * 255 / width;
                int g = (x / 16 + y / 16) % 2 == 0 ? 40 : 220;
                int b = Math.min(255, Math.max(0, 128 + (int) (random.nextGaussian() * 40)));
                d[y * width + x] = 0xFF000000 | r << 16 | g << 8 | b;
            }
        }
        return img;
    }

    private static BufferedImage exact(BufferedImage img, double sigma) {
        Planes p = Planes.of(img);
        GaussianBlur.exactInPlace(p, sigma);
        return p.toImage();
    }

    @ParameterizedTest
    @ValueSource(doubles = {3, 4.5, 8, 15})
    void givenASigmaFromWhichBoxesApproximate_whenBlurred_thenItMatchesTheExactGaussianWithinALevel(double sigma) {
        BufferedImage img = scene(160, 120);

        int[] approximate = Pixels.data(new GaussianBlur(sigma).apply(img));
        int[] reference = Pixels.data(exact(img, sigma));

        long total = 0;
        int worstInside = 0;
        int margin = (int) Math.ceil(3 * sigma);
        for (int i = 0; i < reference.length; i++) {
            int x = i % 160;
            int y = i / 160;
            boolean inside = x >= margin && x < 160 - margin && y >= margin && y < 120 - margin;
            for (int shift = 0; shift <= 16; shift += 8) {
                int diff = Math.abs((approximate[i] >> shift & 0xFF) - (reference[i] >> shift & 0xFF));
                total += diff;
                if (inside) {
                    worstInside = Math.max(worstInside, diff);
                }
            }
        }
        double mean = (double) total / (3.0 * reference.length);
        assertThat(mean).as("mean difference in levels").isLessThan(1.0);
        // near the borders the two differ more: repeating edge pixels three times is not repeating them once
        assertThat(worstInside).as("largest difference in levels away from the borders").isLessThanOrEqualTo(4);
    }

    @Test
    void givenASmallSigma_whenBlurred_thenTheExactKernelIsUsed() {
        BufferedImage img = scene(64, 48);

        assertThat(Pixels.data(new GaussianBlur(1.5).apply(img))).isEqualTo(Pixels.data(exact(img, 1.5)));
    }

    @Test
    void givenThreeBoxes_whenSized_thenTheirVariancesAddUpToSigmaSquared() {
        for (double sigma : new double[] {3, 5, 10, 37.5, 100}) {
            double variance = 0;
            for (int radius : GaussianBlur.boxRadii(sigma)) {
                int width = 2 * radius + 1;
                variance += (width * width - 1) / 12.0;
            }
            assertThat(Math.sqrt(variance)).as("sigma %s", sigma).isCloseTo(sigma, offset(Math.max(0.5, sigma * 0.05)));
        }
    }

    @Test
    void givenAFlatImage_whenBlurredWithTheLargestSigma_thenItStaysFlat() {
        BufferedImage img = Pixels.create(50, 30, false);
        Arrays.fill(Pixels.data(img), 0xFF336699);

        int[] out = Pixels.data(new GaussianBlur(100).apply(img));

        assertThat(out).containsOnly(0xFF336699);
    }

    @Test
    void givenADeadlineThatHasPassed_whenBlurredOrSharpenedOrResized_thenTheOperationStopsWithExceeded() {
        BufferedImage img = scene(64, 48);
        Deadline passed = Deadline.after(Duration.ZERO);

        assertThrows(Deadline.Exceeded.class, () -> new GaussianBlur(50).apply(img, passed));
        assertThrows(Deadline.Exceeded.class, () -> new GaussianBlur(1).apply(img, passed));
        assertThrows(Deadline.Exceeded.class, () -> new Sharpen(2).apply(img, passed));
        assertThrows(Deadline.Exceeded.class, () -> new Resize(300, 300).apply(img, passed));
        assertThrows(Deadline.Exceeded.class, () -> new Grayscale().apply(img, passed));
    }
}
