package io.imgpipe.transformer.engine.ops;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;

/** The one pixel layout operations exchange: packed 0xAARRGGBB ints, alpha only when the image has some. */
public final class Pixels {

    private Pixels() {
    }

    public static BufferedImage create(int width, int height, boolean alpha) {
        return new BufferedImage(width, height, alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
    }

    /** A blank image with the same alpha-ness as {@code like}. */
    public static BufferedImage createLike(BufferedImage like, int width, int height) {
        return create(width, height, hasAlpha(like));
    }

    /** The backing array, row-major, {@code width} ints per row. */
    public static int[] data(BufferedImage image) {
        requireLayout(image);
        return ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
    }

    public static boolean hasAlpha(BufferedImage image) {
        return image.getType() == BufferedImage.TYPE_INT_ARGB;
    }

    public static void requireLayout(BufferedImage image) {
        int type = image.getType();
        if (type != BufferedImage.TYPE_INT_RGB && type != BufferedImage.TYPE_INT_ARGB) {
            throw new IllegalArgumentException("operations take TYPE_INT_RGB or TYPE_INT_ARGB images, got type " + type);
        }
    }
}
