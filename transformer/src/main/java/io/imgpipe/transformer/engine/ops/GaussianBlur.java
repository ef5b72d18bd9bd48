package io.imgpipe.transformer.engine.ops;

import java.awt.image.BufferedImage;
import java.util.Arrays;

/**
 * Gaussian blur of standard deviation {@code sigma} pixels. Small sigmas use the exact kernel as two
 * one-dimensional passes; from {@link #BOX_FROM} on, three box blurs in a row approximate it (by the central limit
 * theorem; box widths after Kovesi, "Fast almost-Gaussian filtering", 2010), whose cost per pixel does not grow with
 * sigma. An exact kernel at sigma 100 reads 601 samples per pixel and direction: a minute of work for one large
 * image, which a single upload could otherwise ask for.
 */
public final class GaussianBlur implements ImageOperation {

    /** Below this sigma the exact kernel has at most 19 taps, which costs less than three box passes. */
    static final double BOX_FROM = 3.0;
    private static final int BOX_PASSES = 3;

    private final double sigma;

    public GaussianBlur(double sigma) {
        if (!(sigma > 0)) {
            throw new IllegalArgumentException("blur sigma must be positive, got " + sigma);
        }
        this.sigma = sigma;
    }

    @Override
    public BufferedImage apply(BufferedImage image) {
        return apply(image, Deadline.NONE);
    }

    @Override
    public BufferedImage apply(BufferedImage image, Deadline deadline) {
        Planes planes = Planes.of(image);
        blurInPlace(planes, sigma, deadline);
        return planes.toImage();
    }

    /** Blurs every channel of {@code p} in place; shared with {@link Sharpen}, which subtracts a blurred copy. */
    static void blurInPlace(Planes p, double sigma, Deadline deadline) {
        float[] scratch = new float[p.width * p.height];
        for (int c = 0; c < p.channels.length; c++) {
            if (sigma < BOX_FROM) {
                exact(p.channels[c], scratch, p.width, p.height, kernel(sigma), deadline);
            } else {
                for (int radius : boxRadii(sigma)) {
                    boxRows(p.channels[c], p.width, p.height, radius, deadline);
                }
                for (int radius : boxRadii(sigma)) {
                    boxColumns(p.channels[c], scratch, p.width, p.height, radius, deadline);
                    float[] blurred = scratch;
                    scratch = p.channels[c];
                    p.channels[c] = blurred;
                }
            }
        }
    }

    /** The exact separable gaussian: rows of {@code data} into {@code scratch}, then columns back into data. */
    private static void exact(float[] data, float[] scratch, int w, int h, float[] kernel, Deadline deadline) {
        int radius = kernel.length / 2;
        for (int y = 0; y < h; y++) {
            deadline.checkRow(y);
            int row = y * w;
            for (int x = 0; x < w; x++) {
                float sum = 0;
                for (int k = -radius; k <= radius; k++) {
                    int sx = Math.min(Math.max(x + k, 0), w - 1);
                    sum += kernel[k + radius] * data[row + sx];
                }
                scratch[row + x] = sum;
            }
        }
        Arrays.fill(data, 0f);
        for (int y = 0; y < h; y++) {
            deadline.checkRow(y);
            int to = y * w;
            for (int k = -radius; k <= radius; k++) {
                float weight = kernel[k + radius];
                int from = Math.min(Math.max(y + k, 0), h - 1) * w;
                for (int x = 0; x < w; x++) {
                    data[to + x] += weight * scratch[from + x];
                }
            }
        }
    }

    /** A box of {@code 2 radius + 1} samples along each row, in place, edges repeated as the exact kernel does. */
    private static void boxRows(float[] data, int w, int h, int radius, Deadline deadline) {
        float[] row = new float[w];
        double scale = 1.0 / (2 * radius + 1);
        for (int y = 0; y < h; y++) {
            deadline.checkRow(y);
            int start = y * w;
            System.arraycopy(data, start, row, 0, w);
            double sum = 0;
            for (int k = -radius; k <= radius; k++) {
                sum += row[Math.min(Math.max(k, 0), w - 1)];
            }
            for (int x = 0; x < w; x++) {
                data[start + x] = (float) (sum * scale);
                sum += row[Math.min(x + radius + 1, w - 1)] - row[Math.max(x - radius, 0)];
            }
        }
    }

    /** The same box down the columns, read from {@code src} into {@code dst} a whole row at a time. */
    private static void boxColumns(float[] src, float[] dst, int w, int h, int radius, Deadline deadline) {
        double[] sums = new double[w];
        double scale = 1.0 / (2 * radius + 1);
        for (int k = -radius; k <= radius; k++) {
            int from = Math.min(Math.max(k, 0), h - 1) * w;
            for (int x = 0; x < w; x++) {
                sums[x] += src[from + x];
            }
        }
        for (int y = 0; y < h; y++) {
            deadline.checkRow(y);
            int to = y * w;
            int add = Math.min(y + radius + 1, h - 1) * w;
            int drop = Math.max(y - radius, 0) * w;
            for (int x = 0; x < w; x++) {
                dst[to + x] = (float) (sums[x] * scale);
                sums[x] += src[add + x] - src[drop + x];
            }
        }
    }

    /** Radii of the three boxes whose variances add up to sigma² as closely as odd widths allow. */
    static int[] boxRadii(double sigma) {
        double ideal = Math.sqrt(12 * sigma * sigma / BOX_PASSES + 1);
        int lower = (int) Math.floor(ideal);
        if (lower % 2 == 0) {
            lower--;
        }
        int upper = lower + 2;
        long narrow = Math.round((12 * sigma * sigma - BOX_PASSES * lower * lower - 4.0 * BOX_PASSES * lower
                - 3.0 * BOX_PASSES) / (-4.0 * lower - 4));
        int[] radii = new int[BOX_PASSES];
        for (int i = 0; i < BOX_PASSES; i++) {
            radii[i] = ((i < narrow ? lower : upper) - 1) / 2;
        }
        return radii;
    }

    private static float[] kernel(double sigma) {
        int radius = Math.max(1, (int) Math.ceil(3 * sigma));
        float[] k = new float[2 * radius + 1];
        double total = 0;
        for (int i = -radius; i <= radius; i++) {
            double v = Math.exp(-(i * i) / (2 * sigma * sigma));
            k[i + radius] = (float) v;
            total += v;
        }
        for (int i = 0; i < k.length; i++) {
            k[i] = (float) (k[i] / total);
        }
        return k;
    }

    /** The exact gaussian at any sigma, however slow: the reference the box approximation is tested against. */
    static void exactInPlace(Planes p, double sigma) {
        float[] scratch = new float[p.width * p.height];
        for (float[] channel : p.channels) {
            exact(channel, scratch, p.width, p.height, kernel(sigma), Deadline.NONE);
        }
    }
}
