package io.imgpipe.transformer.engine.ops;

import java.awt.image.BufferedImage;

/** Turns the image clockwise by a quarter, half or three-quarter turn. */
public final class Rotate implements ImageOperation {

    private final Orient transposition;

    public Rotate(int degrees) {
        this.transposition = new Orient(switch (degrees) {
            case 0 -> 1;
            case 90 -> 6;
            case 180 -> 3;
            case 270 -> 8;
            default -> throw new IllegalArgumentException("rotate is 0, 90, 180 or 270, got " + degrees);
        });
    }

    @Override
    public BufferedImage apply(BufferedImage image) {
        return transposition.apply(image);
    }
}
