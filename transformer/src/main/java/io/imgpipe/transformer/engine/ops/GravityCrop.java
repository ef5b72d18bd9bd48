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

    /**
     * The crop for the frames of an animation: a smart window is found in the first frame and kept for every
     * frame of the same size, so the crop does not jump about; the other gravities are fixed already.
     */
    public ImageOperation pinned() {
        if (gravity != Gravity.SMART) {
            return this;
        }
        return new ImageOperation() {
            private int[] window;
            private int forWidth;
            private int forHeight;

            @Override
            public BufferedImage apply(BufferedImage image) {
                if (window == null || image.getWidth() != forWidth || image.getHeight() != forHeight) {
                    window = window(image);
                    forWidth = image.getWidth();
                    forHeight = image.getHeight();
                }
                return crop(image, window);
            }
        };
    }

    @Override
    public BufferedImage apply(BufferedImage image) {
        return crop(image, window(image));
    }

    private static BufferedImage crop(BufferedImage image, int[] window) {
        if (window[2] == image.getWidth() && window[3] == image.getHeight()) {
            return image;
        }
        return new CropRegion(window[0], window[1], window[2], window[3]).apply(image);
    }

    /** x, y, width, height of the window to keep. */
    private int[] window(BufferedImage image) {
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
            return new int[] {0, 0, w, h};
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
        return new int[] {x, y, ww, wh};
    }

    private static int clamp(int v, int max) {
        return Math.max(1, Math.min(v, max));
    }
}
