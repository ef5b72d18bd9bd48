package io.imgpipe.transformer.engine.ops;

import java.awt.image.BufferedImage;

/**
 * An image as one float plane per channel (R, G, B and, when present, premultiplied A), the layout filters
 * (resampling, blurs) run fastest on. Premultiplying keeps transparent pixels from bleeding their colour into
 * their neighbours.
 */
final class Planes {

    final int width;
    final int height;
    final float[][] channels;

    Planes(int width, int height, int channelCount) {
        this.width = width;
        this.height = height;
        this.channels = new float[channelCount][width * height];
    }

    boolean hasAlpha() {
        return channels.length == 4;
    }

    static Planes of(BufferedImage image) {
        boolean alpha = Pixels.hasAlpha(image);
        Planes p = new Planes(image.getWidth(), image.getHeight(), alpha ? 4 : 3);
        int[] src = Pixels.data(image);
        float[] r = p.channels[0];
        float[] g = p.channels[1];
        float[] b = p.channels[2];
        if (alpha) {
            float[] a = p.channels[3];
            for (int i = 0; i < src.length; i++) {
                int c = src[i];
                int al = c >>> 24;
                float f = al / 255f;
                r[i] = ((c >> 16) & 0xFF) * f;
                g[i] = ((c >> 8) & 0xFF) * f;
                b[i] = (c & 0xFF) * f;
                a[i] = al;
            }
        } else {
            for (int i = 0; i < src.length; i++) {
                int c = src[i];
                r[i] = (c >> 16) & 0xFF;
                g[i] = (c >> 8) & 0xFF;
                b[i] = c & 0xFF;
            }
        }
        return p;
    }

    BufferedImage toImage() {
        BufferedImage out = Pixels.create(width, height, hasAlpha());
        int[] dst = Pixels.data(out);
        float[] r = channels[0];
        float[] g = channels[1];
        float[] b = channels[2];
        if (hasAlpha()) {
            float[] a = channels[3];
            for (int i = 0; i < dst.length; i++) {
                int al = clamp(a[i]);
                float f = al == 0 ? 0 : 255f / al;
                dst[i] = al << 24 | clamp(r[i] * f) << 16 | clamp(g[i] * f) << 8 | clamp(b[i] * f);
            }
        } else {
            for (int i = 0; i < dst.length; i++) {
                dst[i] = 0xFF000000 | clamp(r[i]) << 16 | clamp(g[i]) << 8 | clamp(b[i]);
            }
        }
        return out;
    }

    static int clamp(float v) {
        int i = (int) (v + 0.5f);
        return i < 0 ? 0 : Math.min(i, 255);
    }
}
