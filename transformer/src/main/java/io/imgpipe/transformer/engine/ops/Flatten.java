package io.imgpipe.transformer.engine.ops;

import java.awt.image.BufferedImage;

/** Composites a translucent image onto an opaque background colour, for formats without alpha. */
public final class Flatten implements ImageOperation {

    private final int background;

    public Flatten(int rgb) {
        this.background = rgb & 0xFFFFFF;
    }

    @Override
    public BufferedImage apply(BufferedImage image) {
        if (!Pixels.hasAlpha(image)) {
            return image;
        }
        BufferedImage out = Pixels.create(image.getWidth(), image.getHeight(), false);
        int[] src = Pixels.data(image);
        int[] dst = Pixels.data(out);
        int br = background >> 16 & 0xFF;
        int bg = background >> 8 & 0xFF;
        int bb = background & 0xFF;
        for (int i = 0; i < src.length; i++) {
            int c = src[i];
            int a = c >>> 24;
            int r = (((c >> 16) & 0xFF) * a + br * (255 - a) + 127) / 255;
            int g = (((c >> 8) & 0xFF) * a + bg * (255 - a) + 127) / 255;
            int b = ((c & 0xFF) * a + bb * (255 - a) + 127) / 255;
            dst[i] = 0xFF000000 | r << 16 | g << 8 | b;
        }
        return out;
    }
}
