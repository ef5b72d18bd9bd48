package io.imgpipe.transformer.engine.ops;

import java.awt.image.BufferedImage;

/**
 * One step of a transform. Images passed between operations are {@link Pixels} images ({@code TYPE_INT_RGB}, or
 * {@code TYPE_INT_ARGB} when they carry alpha). An operation never mutates its input: it returns a new image, or the
 * input itself when it has nothing to do.
 */
public interface ImageOperation {

    BufferedImage apply(BufferedImage image);
}
