package io.imgpipe.transformer.engine.ops;

import java.awt.image.BufferedImage;

/** Scales to exactly width × height (the fit is decided before, by the plan); see {@link Resampler}. */
public final class Resize implements ImageOperation {

    private final int width;
    private final int height;

    public Resize(int width, int height) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("resize target must be at least 1x1, got " + width + "x" + height);
        }
        this.width = width;
        this.height = height;
    }

    @Override
    public BufferedImage apply(BufferedImage image) {
        return apply(image, Deadline.NONE);
    }

    @Override
    public BufferedImage apply(BufferedImage image, Deadline deadline) {
        if (image.getWidth() == width && image.getHeight() == height) {
            return image;
        }
        if (Pixels.hasAlpha(image)) {
            return Resampler.resize(Planes.of(image), width, height, deadline).toImage();
        }
        return Resampler.resizeOpaque(Pixels.data(image), image.getWidth(), image.getHeight(), width, height,
                deadline).toImage();
    }
}
