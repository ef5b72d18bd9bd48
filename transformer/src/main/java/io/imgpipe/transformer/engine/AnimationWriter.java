package io.imgpipe.transformer.engine;

import java.awt.image.BufferedImage;

/** Writes an animation picture by picture, so that only one transformed picture is held at a time. */
interface AnimationWriter {

    /** Appends a whole picture; fails {@code result_too_large} as soon as the result outgrows its limit. */
    void add(BufferedImage picture, int delayMillis) throws ImageRejectedException;

    /** The encoded animation. */
    byte[] finish() throws ImageRejectedException;
}
