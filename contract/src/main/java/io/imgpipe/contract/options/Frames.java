package io.imgpipe.contract.options;

/** Which frames of an animated input (GIF, WebP) the result keeps. */
public enum Frames {
    /** Every frame, with its delay and the loop count, when the output format animates (GIF, WebP). */
    ALL,
    /** The first frame only: a still. */
    FIRST
}
