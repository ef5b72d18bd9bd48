package io.imgpipe.bench;

import io.imgpipe.testsupport.Ssim;
import java.awt.image.BufferedImage;

/**
 * The quality reference: a straightforward separable Lanczos-3 resample of the full-resolution decode, in double
 * precision, with no shortcut (no subsampled decode, no box pre-shrink). Written apart from the engine's resampler
 * so that the reference does not share its mistakes.
 */
final class Lanczos3 {

    private Lanczos3() {
    }

    /** Luma (BT.601, see {@link Ssim#luma}) of {@code src} resampled to width × height. */
    static double[] luma(BufferedImage src, int width, int height) {
        int w = src.getWidth();
        int h = src.getHeight();
        double[] y = Ssim.luma(src);
        double[] across = new double[width * h];
        for (int j = 0; j < h; j++) {
            resample(y, j * w, 1, w, across, j * width, 1, width);
        }
        double[] out = new double[width * height];
        for (int i = 0; i < width; i++) {
            resample(across, i, width, h, out, i, width, height);
        }
        return out;
    }

    private static void resample(double[] in, int inOffset, int inStride, int inSize,
                                 double[] out, int outOffset, int outStride, int outSize) {
        double scale = (double) outSize / inSize;
        double stretch = Math.max(1, 1 / scale);
        double support = 3 * stretch;
        for (int o = 0; o < outSize; o++) {
            double centre = (o + 0.5) / scale - 0.5;
            int first = (int) Math.floor(centre - support);
            int last = (int) Math.ceil(centre + support);
            double sum = 0;
            double weights = 0;
            for (int k = first; k <= last; k++) {
                double wgt = kernel((k - centre) / stretch);
                if (wgt == 0) {
                    continue;
                }
                int clamped = Math.min(Math.max(k, 0), inSize - 1);
                sum += wgt * in[inOffset + clamped * inStride];
                weights += wgt;
            }
            out[outOffset + o * outStride] = sum / weights;
        }
    }

    private static double kernel(double x) {
        if (x == 0) {
            return 1;
        }
        if (Math.abs(x) >= 3) {
            return 0;
        }
        double px = Math.PI * x;
        return 3 * Math.sin(px) * Math.sin(px / 3) / (px * px);
    }
}
