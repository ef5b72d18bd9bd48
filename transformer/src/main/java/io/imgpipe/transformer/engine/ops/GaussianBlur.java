package io.imgpipe.transformer.engine.ops;

import java.awt.image.BufferedImage;

/** Gaussian blur of standard deviation {@code sigma} pixels, as two one-dimensional passes. */
public final class GaussianBlur implements ImageOperation {

    private final double sigma;

    public GaussianBlur(double sigma) {
        if (!(sigma > 0)) {
            throw new IllegalArgumentException("blur sigma must be positive, got " + sigma);
        }
        this.sigma = sigma;
    }

    @Override
    public BufferedImage apply(BufferedImage image) {
        return blur(Planes.of(image), sigma).toImage();
    }

    /** Blurs planes; shared with {@link Sharpen}, which subtracts a blurred copy. */
    static Planes blur(Planes in, double sigma) {
        float[] kernel = kernel(sigma);
        int radius = kernel.length / 2;
        int w = in.width;
        int h = in.height;
        Planes across = new Planes(w, h, in.channels.length);
        Planes out = new Planes(w, h, in.channels.length);
        for (int c = 0; c < in.channels.length; c++) {
            float[] src = in.channels[c];
            float[] mid = across.channels[c];
            for (int y = 0; y < h; y++) {
                int row = y * w;
                for (int x = 0; x < w; x++) {
                    float sum = 0;
                    for (int k = -radius; k <= radius; k++) {
                        int sx = Math.min(Math.max(x + k, 0), w - 1);
                        sum += kernel[k + radius] * src[row + sx];
                    }
                    mid[row + x] = sum;
                }
            }
            float[] dst = out.channels[c];
            for (int k = -radius; k <= radius; k++) {
                float weight = kernel[k + radius];
                for (int y = 0; y < h; y++) {
                    int from = Math.min(Math.max(y + k, 0), h - 1) * w;
                    int to = y * w;
                    for (int x = 0; x < w; x++) {
                        dst[to + x] += weight * mid[from + x];
                    }
                }
            }
        }
        return out;
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
}
