package io.imgpipe.transformer.worker;

import io.imgpipe.blob.BlobStoreException;
import io.imgpipe.contract.ActivityEvent;
import io.imgpipe.contract.ImageId;
import io.imgpipe.contract.ImageMessages;
import io.imgpipe.contract.InboundMessage;
import io.imgpipe.contract.MessageHeaders;
import io.imgpipe.contract.OutboundMessage;
import io.imgpipe.contract.Topology;
import io.imgpipe.contract.Traceparent;
import io.imgpipe.contract.options.BadOptionException;
import io.imgpipe.contract.options.OptionsParser;
import io.imgpipe.contract.options.TransformOptions;
import io.imgpipe.runtime.ServiceRuntime;
import io.imgpipe.runtime.amqp.MessageConsumer;
import io.imgpipe.transformer.engine.ImageEngine;
import io.imgpipe.transformer.engine.ImageRejectedException;
import io.imgpipe.transformer.engine.TransformResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Consumes the {@code transformer} queue. For each job: transform, publish the result (or the failure) to the images
 * exchange for save2db, reply to a waiting gateway, announce it on the activity exchange, and acknowledge only
 * after the broker confirmed the outgoing messages.
 *
 * <p>Poison messages: a job that comes back redelivered (its worker died or lost the broker before acknowledging)
 * is re-queued with an attempt counter instead of being processed at once; after {@code maxAttempts} it is recorded
 * {@code failed} with reason {@code poison}. This works on every AMQP 0-9-1 broker, no delivery-limit needed.
 */
public final class TransformJobConsumer extends MessageConsumer {

    public static final String SERVICE = "transformer";
    private static final Duration CONFIRM_PATIENCE = Duration.ofSeconds(30);
    /** How long a job waits before it is queued again when the object store cannot be reached. */
    private static final Duration STORE_BACKOFF = Duration.ofSeconds(1);

    private final ImageEngine engine;
    private final OptionsParser options;
    private final ServiceRuntime runtime;
    private final int maxAttempts;
    private final JobBytes bytes;
    private final Timer transformTimer;
    private final Timer queuedTimer;

    public TransformJobConsumer(ImageEngine engine, ServiceRuntime runtime, int threads,
                                int maxAttempts) {
        this(engine, runtime, threads, maxAttempts, JobBytes.inline());
    }

    public TransformJobConsumer(ImageEngine engine, ServiceRuntime runtime, int threads, int maxAttempts,
                                JobBytes bytes) {
        super(Topology.TRANSFORMER_QUEUE, threads);
        this.bytes = bytes;
        this.engine = engine;
        // The options header is canonical: presets were resolved by the gateway, so no preset applies here.
        this.options = new OptionsParser(Map.of());
        this.runtime = runtime;
        this.maxAttempts = maxAttempts;
        this.transformTimer = Timer.builder("imgpipe.transformer.transform").description("Time spent transforming")
                .publishPercentileHistogram().register(runtime.registry());
        this.queuedTimer = Timer.builder("imgpipe.transformer.queued").description("Time between upload and start")
                .publishPercentileHistogram().register(runtime.registry());
    }

    @Override
    protected void handle(InboundMessage job) throws Exception {
        ImageId id = job.imageId();
        String trace = job.traceparent();
        if (job.redelivered()) {
            int next = job.attempt() + 1;
            if (next > maxAttempts) {
                fail(job, id, Instant.now(), "poison", "the transform was interrupted " + job.attempt()
                        + " times (the worker crashed or lost the broker); giving up");
                return;
            }
            log.warn("event=retry image_id={} trace_id={} attempt={}", id, Traceparent.traceId(trace), next);
            runtime.publisher().publish(ImageMessages.retry(Topology.TRANSFORMER_QUEUE, job.properties(), job.body(),
                    next)).get(CONFIRM_PATIENCE.toSeconds(), TimeUnit.SECONDS);
            return;
        }

        byte[] original;
        try {
            original = bytes.original(job);
        } catch (BlobStoreException e) {
            requeueAfterStoreFailure(job, e);
            return;
        }
        Instant started = Instant.now();
        queuedTimer.record(Duration.between(job.createdAt(), started).abs());
        runtime.activity(ActivityEvent.now(id, SERVICE, "started", trace, Map.of("attempt", job.attempt())));
        TransformResult result;
        try {
            TransformOptions requested = options.parseCanonical(job.string(MessageHeaders.OPTIONS).orElse(""));
            long t0 = System.nanoTime();
            result = engine.transform(original, requested);
            transformTimer.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
        } catch (ImageRejectedException e) {
            if (e.getCause() != null) {
                log.info("event=rejected_detail image_id={} reason={} cause=\"{}\"", id, e.reason(), e.getCause().toString());
            }
            fail(job, id, started, e.reason(), e.getMessage());
            return;
        } catch (BadOptionException e) {
            fail(job, id, started, "bad_option", e.getMessage());
            return;
        }
        OutboundMessage transformed;
        try {
            transformed = bytes.result(ImageMessages.transformed(id, trace, job.createdAt(), result.format(),
                    result.width(), result.height(), result.sourceWidth(), result.sourceHeight(), started,
                    result.bytes()));
        } catch (BlobStoreException e) {
            requeueAfterStoreFailure(job, e);
            return;
        }
        List<CompletableFuture<Void>> confirms = new ArrayList<>();
        confirms.add(runtime.publisher().publish(transformed));
        String replyTo = job.properties().getReplyTo();
        if (replyTo != null && !replyTo.isBlank()) {
            // The waiting gateway may have given up and its queue be gone: not mandatory.
            runtime.publisher().publish(ImageMessages.replyTo(replyTo, transformed), false);
        }
        confirms.add(runtime.activity(ActivityEvent.now(id, SERVICE, "done", trace, Map.of(
                "format", result.format().key(), "width", result.width(), "height", result.height(),
                "bytes", result.bytes().length, "sourceWidth", result.sourceWidth(),
                "sourceHeight", result.sourceHeight(),
                "millis", Duration.between(started, Instant.now()).toMillis()))));
        awaitAll(confirms);
        // Prometheus needs one set of tag keys per metric: a "done" without the reason key would make the registry
        // drop every "failed" counter registered after it (and the reverse), silently.
        Counter.builder("imgpipe.transformer.jobs").tag("outcome", "done").tag("reason", "none")
                .register(runtime.registry()).increment();
        log.info("event=transformed image_id={} trace_id={} format={} width={} height={} bytes={}", id,
                Traceparent.traceId(trace), result.format().key(), result.width(), result.height(), result.bytes().length);
    }

    /**
     * The object store is down: not the job's fault, so it is queued again as it came (same attempt) after a pause,
     * rather than redelivered (which would count towards poison) or failed.
     */
    private void requeueAfterStoreFailure(InboundMessage job, BlobStoreException e) throws Exception {
        log.warn("event=blob_store_unavailable image_id={} error=\"{}\"", job.imageId(), e.getMessage());
        Counter.builder("imgpipe.transformer.store.retries").register(runtime.registry()).increment();
        Thread.sleep(STORE_BACKOFF.toMillis());
        runtime.publisher().publish(ImageMessages.retry(Topology.TRANSFORMER_QUEUE, job.properties(), job.body(),
                job.attempt())).get(CONFIRM_PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }

    private void fail(InboundMessage job, ImageId id, Instant started, String reason, String message) throws Exception {
        String trace = job.traceparent();
        OutboundMessage failed = ImageMessages.failed(id, trace, job.createdAt(), reason, message, started);
        List<CompletableFuture<Void>> confirms = new ArrayList<>();
        confirms.add(runtime.publisher().publish(failed));
        String replyTo = job.properties().getReplyTo();
        if (replyTo != null && !replyTo.isBlank()) {
            runtime.publisher().publish(ImageMessages.replyTo(replyTo, failed), false);
        }
        confirms.add(runtime.activity(ActivityEvent.now(id, SERVICE, "failed", trace,
                Map.of("reason", reason, "message", message))));
        awaitAll(confirms);
        Counter.builder("imgpipe.transformer.jobs").tag("outcome", "failed").tag("reason", reason)
                .register(runtime.registry()).increment();
        log.info("event=failed image_id={} trace_id={} reason={} message=\"{}\"", id, Traceparent.traceId(trace),
                reason, message);
    }

    private static void awaitAll(List<CompletableFuture<Void>> confirms) throws Exception {
        CompletableFuture.allOf(confirms.toArray(CompletableFuture[]::new))
                .get(CONFIRM_PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }
}
