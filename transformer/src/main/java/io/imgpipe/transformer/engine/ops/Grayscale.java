package io.imgpipe.transformer.engine.ops;

import java.awt.image.BufferedImage;

/** Replaces colour by its luma (ITU-R BT.601 weights, as JPEG's Y), keeping alpha. */
public final class Grayscale implements ImageOperation {

    @Override
    public BufferedImage apply(BufferedImage image) {
        BufferedImage out = Pixels.createLike(image, image.getWidth(), image.getHeight());
        int[] src = Pixels.data(image);
        int[] dst = Pixels.data(out);
        for (int i = 0; i < src.length; i++) {
            int c = src[i];
            int y = (299 * ((c >> 16) & 0xFF) + 587 * ((c >> 8) & 0xFF) + 114 * (c & 0xFF) + 500) / 1000;
            dst[i] = (c & 0xFF000000) | y << 16 | y << 8 | y;
        }
        return out;
    }
}
