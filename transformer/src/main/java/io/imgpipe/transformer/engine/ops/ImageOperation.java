package io.imgpipe.transformer.engine.ops;

import java.awt.image.BufferedImage;

/**
 * One step of a transform. Images passed between operations are {@link Pixels} images ({@code TYPE_INT_RGB}, or
 * {@code TYPE_INT_ARGB} when they carry alpha). An operation never mutates its input: it returns a new image, or the
 * input itself when it has nothing to do.
 */
public interface ImageOperation {

    BufferedImage apply(BufferedImage image);

    /**
     * Applies the step within a deadline. Steps whose cost grows with more than the pixel count (resampling,
     * blurring, colour conversion) override this and check the deadline per band of rows; cheap steps are only
     * checked before they start.
     *
     * @throws Deadline.Exceeded once the deadline has passed
     */
    default BufferedImage apply(BufferedImage image, Deadline deadline) {
        deadline.check();
        return apply(image);
    }
}
