package io.imgpipe.transformer.engine.ops;

import io.imgpipe.contract.options.Gravity;

import java.awt.image.BufferedImage;

/**
 * The crop half of {@code fit=cover}: keeps the largest window with the target's aspect ratio, placed by the gravity
 * (a side, a corner, the centre, or {@link Gravity#SMART}: the most detailed window). The resize that follows then
 * scales the window to the target exactly.
 */
public final class GravityCrop implements ImageOperation {

    private final int targetWidth;
    private final int targetHeight;
    private final Gravity gravity;

    public GravityCrop(int targetWidth, int targetHeight, Gravity gravity) {
        this.targetWidth = targetWidth;
        this.targetHeight = targetHeight;
        this.gravity = gravity;
    }

    @Override
    public BufferedImage apply(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int ww;
        int wh;
        if ((long) w * targetHeight > (long) h * targetWidth) {
            wh = h;
            ww = clamp((int) Math.round((double) h * targetWidth / targetHeight), w);
        } else {
            ww = w;
            wh = clamp((int) Math.round((double) w * targetHeight / targetWidth), h);
        }
        if (ww == w && wh == h) {
            return image;
        }
        int x;
        int y;
        if (gravity == Gravity.SMART) {
            int[] at = SmartWindow.find(image, ww, wh);
            x = at[0];
            y = at[1];
        } else {
            x = switch (gravity) {
                case WEST, NORTHWEST, SOUTHWEST -> 0;
                case EAST, NORTHEAST, SOUTHEAST -> w - ww;
                default -> (w - ww) / 2;
            };
            y = switch (gravity) {
                case NORTH, NORTHEAST, NORTHWEST -> 0;
                case SOUTH, SOUTHEAST, SOUTHWEST -> h - wh;
                default -> (h - wh) / 2;
            };
        }
        return new CropRegion(x, y, ww, wh).apply(image);
    }

    private static int clamp(int v, int max) {
        return Math.max(1, Math.min(v, max));
    }
}
