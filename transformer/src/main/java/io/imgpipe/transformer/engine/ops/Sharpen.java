package io.imgpipe.transformer.engine.ops;

import java.awt.image.BufferedImage;

/**
 * Unsharp mask: adds {@code amount} times the difference between the image and a blurred copy (sigma 1 px), which
 * steepens edges without touching flat areas.
 */
public final class Sharpen implements ImageOperation {

    private static final double SIGMA = 1.0;

    private final float amount;

    public Sharpen(double amount) {
        if (!(amount > 0)) {
            throw new IllegalArgumentException("sharpen amount must be positive, got " + amount);
        }
        this.amount = (float) amount;
    }

    @Override
    public BufferedImage apply(BufferedImage image) {
        return apply(image, Deadline.NONE);
    }

    @Override
    public BufferedImage apply(BufferedImage image, Deadline deadline) {
        Planes original = Planes.of(image);
        Planes blurred = Planes.of(image);
        GaussianBlur.blurInPlace(blurred, SIGMA, deadline);
        deadline.check();
        int colours = 3; // alpha is left as it was
        for (int c = 0; c < colours; c++) {
            float[] o = original.channels[c];
            float[] b = blurred.channels[c];
            for (int i = 0; i < o.length; i++) {
                b[i] = o[i] + amount * (o[i] - b[i]);
            }
        }
        if (original.hasAlpha()) {
            float[] alpha = blurred.channels[3];
            System.arraycopy(original.channels[3], 0, alpha, 0, alpha.length);
            // keep premultiplied colour within its alpha so un-premultiplying cannot overshoot
            for (int c = 0; c < colours; c++) {
                float[] b = blurred.channels[c];
                for (int i = 0; i < b.length; i++) {
                    b[i] = Math.min(Math.max(b[i], 0), alpha[i]);
                }
            }
        }
        return blurred.toImage();
    }
}
