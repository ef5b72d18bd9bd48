package io.imgpipe.contract.options;

/** Where a watermark goes: a compass point (a margin from the edges), the centre, or tiled over the whole image. */
public enum WatermarkPosition {
    N, NE, E, SE, S, SW, W, NW, CENTER, TILE
}
