package io.imgpipe.bench;

import io.imgpipe.contract.options.TransformOptions;
import io.imgpipe.transformer.engine.ImageEngine;
import io.imgpipe.transformer.engine.ImageRejectedException;
import io.imgpipe.transformer.engine.TransformResult;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The bare engine in this JVM, no broker, no HTTP: the ceiling the pipeline is measured against. */
final class EngineRun {

    private final ImageEngine engine;
    private final TransformOptions options;

    EngineRun(ImageEngine engine, TransformOptions options) {
        this.engine = engine;
        this.options = options;
    }

    /** The images the engine transforms; one it rejects would make the pipeline's figure meaningless. */
    void check(List<Image> images) {
        for (Image image : images) {
            TransformResult r = transformOnce(image);
            if (!Image.isJpeg(r.bytes())) {
                throw new IllegalStateException("the engine did not produce a JPEG from " + image.name());
            }
        }
    }

    /** {@code threads} workers taking the images in turn, for at most {@code window} and {@code max} images. */
    Throughput throughput(List<Image> images, int threads, Duration window, int max) throws InterruptedException {
        Tally tally = new Tally(window.toNanos(), max);
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "bench-engine");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                workers.add(pool.submit(() -> {
                    for (int n = tally.next(); n >= 0; n = tally.next()) {
                        Image image = images.get(n % images.size());
                        long t0 = System.nanoTime();
                        try {
                            engine.transform(image.bytes(), options);
                            tally.success(System.nanoTime() - t0);
                        } catch (ImageRejectedException e) {
                            tally.failure(e.reason());
                        }
                    }
                }));
            }
            // One transform of a large photo takes well under a second; a minute past the window means a hang.
            long patience = window.toNanos() + TimeUnit.SECONDS.toNanos(60);
            long until = System.nanoTime() + patience;
            for (Future<?> w : workers) {
                try {
                    w.get(Math.max(1, until - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    tally.failure("engine_timeout");
                } catch (ExecutionException e) {
                    tally.failure("engine_crash: " + e.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return tally.result();
    }

    /** One image transformed {@code count} times in a row on this thread, after {@code warmup} untimed ones. */
    Latencies sequential(Image image, int warmup, int count) {
        for (int i = 0; i < warmup; i++) {
            transformOnce(image);
        }
        long[] nanos = new long[count];
        for (int i = 0; i < count; i++) {
            long t0 = System.nanoTime();
            transformOnce(image);
            nanos[i] = System.nanoTime() - t0;
        }
        return Latencies.of(nanos);
    }

    private TransformResult transformOnce(Image image) {
        try {
            return engine.transform(image.bytes(), options);
        } catch (ImageRejectedException e) {
            throw new IllegalStateException("the engine rejected " + image.name() + ": " + e.reason() + " "
                    + e.getMessage(), e);
        }
    }
}
