package io.imgpipe.transformer.engine.ops;

import io.imgpipe.contract.options.Flip;

import java.awt.image.BufferedImage;

/** Mirrors the image left-right, top-bottom, or both. */
public final class Mirror implements ImageOperation {

    private final Orient transposition;

    public Mirror(Flip flip) {
        this.transposition = new Orient(switch (flip) {
            case NONE -> 1;
            case HORIZONTAL -> 2;
            case VERTICAL -> 4;
            case BOTH -> 3;
        });
    }

    @Override
    public BufferedImage apply(BufferedImage image) {
        return transposition.apply(image);
    }
}
