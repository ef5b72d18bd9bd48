package io.imgpipe.transformer.engine;

import java.time.Duration;
import java.util.Objects;

/**
 * What one transform may cost: the guards applied before and during decoding, and the bounds of the work and of
 * its result.
 *
 * @param maxPixels       largest input width × height accepted, read from the header before any pixel is decoded
 * @param maxBytes        largest encoded input accepted
 * @param maxFrames       most frames (GIF, TIFF pages, WebP animation) an input may declare
 * @param decodeBudget    longest the decode alone may take ({@code decode_timeout}); never more than the whole
 *                        transform's budget in effect
 * @param transformBudget longest the whole transform (decode, every operation, encode) may take ({@code timeout})
 * @param maxOutputPixels largest result width × height ({@code result_too_large}), judged from the plan before
 *                        any pixel is decoded
 * @param maxResultBytes  largest encoded result ({@code result_too_large}): it travels in one broker message, so it
 *                        must stay below the broker's message size limit with room for headers
 */
public record EngineLimits(long maxPixels, long maxBytes, int maxFrames, Duration decodeBudget,
                           Duration transformBudget, long maxOutputPixels, long maxResultBytes) {

    public static final long DEFAULT_MAX_PIXELS = 50_000_000L;
    public static final long DEFAULT_MAX_BYTES = 25L * 1024 * 1024;
    public static final int DEFAULT_MAX_FRAMES = 1_000;
    public static final Duration DEFAULT_DECODE_BUDGET = Duration.ofSeconds(20);
    public static final Duration DEFAULT_TRANSFORM_BUDGET = Duration.ofSeconds(20);
    /** 25 MP, e.g. 5000 × 5000: above any screen or print size asked of a web pipeline, and a bounded heap. */
    public static final long DEFAULT_MAX_OUTPUT_PIXELS = 25_000_000L;
    /**
     * 15 MiB: RabbitMQ 4.x refuses messages over 16 MiB by default ({@code max_message_size}; 3.x: 128 MiB, Qpid
     * Broker-J: 100 MiB), and one MiB is left for the headers a result message carries.
     */
    public static final long DEFAULT_MAX_RESULT_BYTES = 15L * 1024 * 1024;
    /**
     * The most a result may be configured to: below Qpid Broker-J's default limit (100 MiB) and RabbitMQ 3.x's
     * (128 MiB) with a MiB for headers. RabbitMQ 4.x needs {@code max_message_size} raised for anything above the
     * default.
     */
    public static final long LARGEST_RESULT_BYTES = 99L * 1024 * 1024;

    public EngineLimits {
        Objects.requireNonNull(decodeBudget, "decodeBudget");
        Objects.requireNonNull(transformBudget, "transformBudget");
        if (maxPixels < 1 || maxBytes < 1 || maxFrames < 1 || maxOutputPixels < 1 || maxResultBytes < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    /** The decode guards alone; the transform's bounds take their defaults. */
    public EngineLimits(long maxPixels, long maxBytes, int maxFrames, Duration decodeBudget) {
        this(maxPixels, maxBytes, maxFrames, decodeBudget, DEFAULT_TRANSFORM_BUDGET, DEFAULT_MAX_OUTPUT_PIXELS,
                DEFAULT_MAX_RESULT_BYTES);
    }

    public static EngineLimits defaults() {
        return new EngineLimits(DEFAULT_MAX_PIXELS, DEFAULT_MAX_BYTES, DEFAULT_MAX_FRAMES, DEFAULT_DECODE_BUDGET);
    }

    /**
     * The limits for a local tool writing files ({@code bin/transform}): no broker message carries the result, so
     * it is bounded only as the input is (pixels), not by bytes; the time budget stays as a guard.
     */
    public static EngineLimits forFiles() {
        return defaults().withResultBounds(DEFAULT_MAX_PIXELS, Integer.MAX_VALUE - 8);
    }

    public EngineLimits withTransformBudget(Duration budget) {
        return new EngineLimits(maxPixels, maxBytes, maxFrames, decodeBudget, budget, maxOutputPixels,
                maxResultBytes);
    }

    public EngineLimits withResultBounds(long outputPixels, long resultBytes) {
        return new EngineLimits(maxPixels, maxBytes, maxFrames, decodeBudget, transformBudget, outputPixels,
                resultBytes);
    }
}
