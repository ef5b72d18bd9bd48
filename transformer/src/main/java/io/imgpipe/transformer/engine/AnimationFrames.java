package io.imgpipe.transformer.engine;

import java.awt.image.BufferedImage;

/**
 * The frames of an animated input, read one at a time and composed into whole pictures ({@link AnimationCanvas}),
 * so that only one frame is decoded at any moment. Close it to dispose of the decoder.
 */
interface AnimationFrames extends AutoCloseable {

    /** A whole picture and how long it shows. */
    record Frame(BufferedImage picture, int delayMillis) {
    }

    int width();

    int height();

    int count();

    /** How many times the animation plays: 0 forever, else at least 1. */
    int plays();

    /** The next whole picture; valid until the next call. */
    Frame next() throws ImageRejectedException;

    @Override
    void close();
}
