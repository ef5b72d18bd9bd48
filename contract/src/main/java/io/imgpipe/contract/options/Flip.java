package io.imgpipe.contract.options;

/** Mirror the image. */
public enum Flip {
    NONE, HORIZONTAL, VERTICAL, BOTH
}
