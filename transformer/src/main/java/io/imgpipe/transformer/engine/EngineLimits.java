package io.imgpipe.transformer.engine;

import java.time.Duration;

/**
 * The guards applied before and during decoding.
 *
 * @param maxPixels    largest width × height accepted, read from the header before any pixel is decoded
 * @param maxBytes     largest encoded input accepted
 * @param maxFrames    most frames (GIF, TIFF pages, WebP animation) an input may declare
 * @param decodeBudget longest a decode may take before it is abandoned
 */
public record EngineLimits(long maxPixels, long maxBytes, int maxFrames, Duration decodeBudget) {

    public static final long DEFAULT_MAX_PIXELS = 50_000_000L;
    public static final long DEFAULT_MAX_BYTES = 25L * 1024 * 1024;
    public static final int DEFAULT_MAX_FRAMES = 1_000;
    public static final Duration DEFAULT_DECODE_BUDGET = Duration.ofSeconds(20);

    public static EngineLimits defaults() {
        return new EngineLimits(DEFAULT_MAX_PIXELS, DEFAULT_MAX_BYTES, DEFAULT_MAX_FRAMES, DEFAULT_DECODE_BUDGET);
    }
}
