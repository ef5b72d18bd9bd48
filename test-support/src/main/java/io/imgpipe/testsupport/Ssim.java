package io.imgpipe.testsupport;

import java.awt.image.BufferedImage;

/**
 * Structural similarity (Wang, Bovik, Sheikh, Simoncelli 2004) of two luma images: 11×11 Gaussian window with
 * sigma 1.5, K1 = 0.01, K2 = 0.03, L = 255, averaged over every window position that fits. One measure for the
 * benchmarks (bench/) and the engine's tests.
 */
public final class Ssim {

    private static final double C1 = Math.pow(0.01 * 255, 2);
    private static final double C2 = Math.pow(0.03 * 255, 2);
    private static final int RADIUS = 5;
    private static final double[] WINDOW = window();

    private Ssim() {
    }

    /**
     * BT.601 luma of every pixel. A one-band image's samples are taken as they are: Java labels 8-bit gray as
     * linear and {@code getRGB} would brighten it, while JPEG and PNG gray is gamma-encoded like sRGB.
     */
    public static double[] luma(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        double[] y = new double[w * h];
        boolean gray = img.getRaster().getNumBands() == 1;
        for (int j = 0; j < h; j++) {
            for (int i = 0; i < w; i++) {
                if (gray) {
                    y[j * w + i] = img.getRaster().getSample(i, j, 0);
                } else {
                    int c = img.getRGB(i, j);
                    y[j * w + i] = 0.299 * (c >> 16 & 0xFF) + 0.587 * (c >> 8 & 0xFF) + 0.114 * (c & 0xFF);
                }
            }
        }
        return y;
    }

    /** The SSIM of two images of the same size. */
    public static double of(BufferedImage a, BufferedImage b) {
        if (a.getWidth() != b.getWidth() || a.getHeight() != b.getHeight()) {
            throw new IllegalArgumentException("sizes differ: " + a.getWidth() + "x" + a.getHeight() + " and "
                    + b.getWidth() + "x" + b.getHeight());
        }
        return of(luma(a), luma(b), a.getWidth(), a.getHeight());
    }

    public static double of(double[] a, double[] b, int w, int h) {
        double total = 0;
        int count = 0;
        for (int y = RADIUS; y < h - RADIUS; y++) {
            for (int x = RADIUS; x < w - RADIUS; x++) {
                double ma = 0;
                double mb = 0;
                double saa = 0;
                double sbb = 0;
                double sab = 0;
                for (int dy = -RADIUS; dy <= RADIUS; dy++) {
                    for (int dx = -RADIUS; dx <= RADIUS; dx++) {
                        double wgt = WINDOW[(dy + RADIUS) * (2 * RADIUS + 1) + dx + RADIUS];
                        double va = a[(y + dy) * w + x + dx];
                        double vb = b[(y + dy) * w + x + dx];
                        ma += wgt * va;
                        mb += wgt * vb;
                        saa += wgt * va * va;
                        sbb += wgt * vb * vb;
                        sab += wgt * va * vb;
                    }
                }
                double va = saa - ma * ma;
                double vb = sbb - mb * mb;
                double cov = sab - ma * mb;
                total += (2 * ma * mb + C1) * (2 * cov + C2) / ((ma * ma + mb * mb + C1) * (va + vb + C2));
                count++;
            }
        }
        return total / count;
    }

    private static double[] window() {
        int n = 2 * RADIUS + 1;
        double[] k = new double[n * n];
        double sum = 0;
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                double dx = x - RADIUS;
                double dy = y - RADIUS;
                k[y * n + x] = Math.exp(-(dx * dx + dy * dy) / (2 * 1.5 * 1.5));
                sum += k[y * n + x];
            }
        }
        for (int i = 0; i < k.length; i++) {
            k[i] /= sum;
        }
        return k;
    }
}
