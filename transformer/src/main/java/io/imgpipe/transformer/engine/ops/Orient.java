package io.imgpipe.transformer.engine.ops;

import java.awt.image.BufferedImage;

/**
 * Turns an image stored in one of the eight EXIF orientations upright. Orientation 1 is upright already; 2-8 are
 * the mirrorings and quarter turns of TIFF tag 0x0112. Rotations and flips the user asks for are expressed as
 * orientations too, since every one of them is such a transposition.
 */
public final class Orient implements ImageOperation {

    private final int orientation;

    public Orient(int orientation) {
        if (orientation < 1 || orientation > 8) {
            throw new IllegalArgumentException("EXIF orientation is 1 to 8, got " + orientation);
        }
        this.orientation = orientation;
    }

    /** Whether turning upright exchanges width and height (orientations 5 to 8). */
    public static boolean swapsAxes(int orientation) {
        return orientation >= 5 && orientation <= 8;
    }

    @Override
    public BufferedImage apply(BufferedImage image) {
        if (orientation == 1) {
            return image;
        }
        int w = image.getWidth();
        int h = image.getHeight();
        boolean swap = swapsAxes(orientation);
        int ow = swap ? h : w;
        int oh = swap ? w : h;
        BufferedImage out = Pixels.createLike(image, ow, oh);
        int[] src = Pixels.data(image);
        int[] dst = Pixels.data(out);
        for (int y = 0; y < oh; y++) {
            int row = y * ow;
            for (int x = 0; x < ow; x++) {
                dst[row + x] = src[sourceIndex(x, y, w, h)];
            }
        }
        return out;
    }

    /** Index in the stored image of the pixel shown at (x, y) once upright. */
    private int sourceIndex(int x, int y, int w, int h) {
        return switch (orientation) {
            case 2 -> y * w + (w - 1 - x);                 // mirrored horizontally
            case 3 -> (h - 1 - y) * w + (w - 1 - x);       // turned 180°
            case 4 -> (h - 1 - y) * w + x;                 // mirrored vertically
            case 5 -> x * w + y;                           // transposed
            case 6 -> (h - 1 - x) * w + y;                 // needs 90° clockwise
            case 7 -> (h - 1 - x) * w + (w - 1 - y);       // transversed
            case 8 -> x * w + (w - 1 - y);                 // needs 90° counter-clockwise
            default -> y * w + x;
        };
    }
}
