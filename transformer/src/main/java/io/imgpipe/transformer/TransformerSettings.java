package io.imgpipe.transformer;

import io.imgpipe.blob.BlobSettings;
import io.imgpipe.contract.options.WatermarkSetting;
import io.imgpipe.runtime.Env;
import io.imgpipe.runtime.Infrastructure;
import io.imgpipe.transformer.engine.EngineLimits;
import io.imgpipe.transformer.engine.Watermarks;

import java.time.Duration;

/**
 * The transformer's settings.
 *
 * @param infra       broker and database (the transformer uses only the broker)
 * @param threads     images transformed in parallel ({@code IMGPIPE_TRANSFORMER_THREADS}, default: the cores)
 * @param limits      decode guards ({@code IMGPIPE_MAX_PIXELS}, {@code IMGPIPE_MAX_UPLOAD_BYTES},
 *                    {@code IMGPIPE_MAX_FRAMES}, {@code IMGPIPE_DECODE_TIMEOUT_MS}) and the cost bounds of one
 *                    transform ({@code IMGPIPE_TRANSFORM_TIMEOUT_MS}, {@code IMGPIPE_MAX_OUTPUT_PIXELS},
 *                    {@code IMGPIPE_MAX_RESULT_BYTES})
 * @param maxAttempts deliveries of one job before it is recorded failed ({@code IMGPIPE_MAX_ATTEMPTS}, default 3)
 * @param adminPort   health and metrics port ({@code IMGPIPE_ADMIN_PORT}, default 9090; -1 = none)
 * @param nativeHeif  read HEIC/AVIF and write AVIF with the system's libheif when installed
 *                    ({@code IMGPIPE_NATIVE_HEIF}, default true); false refuses those formats, naming the library
 * @param watermarks  the logos {@code watermark=} may name ({@code IMGPIPE_WATERMARKS=name:path;…}, PNG files),
 *                    loaded and checked here so that a bad one stops the start
 * @param blobs       the object store of claim checks ({@code IMGPIPE_BLOB_STORE}, {@code IMGPIPE_S3_*})
 */
public record TransformerSettings(Infrastructure infra, int threads, EngineLimits limits, int maxAttempts,
                                  int adminPort, boolean nativeHeif, Watermarks watermarks, BlobSettings blobs) {

    public static TransformerSettings fromEnv(Env env) {
        EngineLimits limits = new EngineLimits(
                env.number("IMGPIPE_MAX_PIXELS", EngineLimits.DEFAULT_MAX_PIXELS, 1, 1_000_000_000L),
                env.number("IMGPIPE_MAX_UPLOAD_BYTES", EngineLimits.DEFAULT_MAX_BYTES, 1, 1L << 31),
                env.integer("IMGPIPE_MAX_FRAMES", EngineLimits.DEFAULT_MAX_FRAMES, 1, 1_000_000),
                Duration.ofMillis(env.number("IMGPIPE_DECODE_TIMEOUT_MS",
                        EngineLimits.DEFAULT_DECODE_BUDGET.toMillis(), 100, 600_000)),
                Duration.ofMillis(env.number("IMGPIPE_TRANSFORM_TIMEOUT_MS",
                        EngineLimits.DEFAULT_TRANSFORM_BUDGET.toMillis(), 100, 600_000)),
                env.number("IMGPIPE_MAX_OUTPUT_PIXELS", EngineLimits.DEFAULT_MAX_OUTPUT_PIXELS, 1, 1_000_000_000L),
                // a larger result would be refused by the broker, and a refused publish closes the channel
                env.number("IMGPIPE_MAX_RESULT_BYTES", EngineLimits.DEFAULT_MAX_RESULT_BYTES, 1024,
                        EngineLimits.LARGEST_RESULT_BYTES));
        return new TransformerSettings(Infrastructure.fromEnv(env),
                env.integer("IMGPIPE_TRANSFORMER_THREADS", Runtime.getRuntime().availableProcessors(), 1, 256),
                limits,
                env.integer("IMGPIPE_MAX_ATTEMPTS", 3, 1, 100),
                env.integer(Env.ADMIN_PORT, 9090, -1, 65535),
                env.bool("IMGPIPE_NATIVE_HEIF", true),
                Watermarks.load(env.string(WatermarkSetting.VARIABLE, null)),
                BlobSettings.fromEnv(env));
    }
}
