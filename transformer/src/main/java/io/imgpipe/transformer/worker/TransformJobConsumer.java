package io.imgpipe.transformer.worker;

import io.imgpipe.blob.BlobStoreException;
import io.imgpipe.contract.ActivityEvent;
import io.imgpipe.contract.ImageId;
import io.imgpipe.contract.ImageMessages;
import io.imgpipe.contract.InboundMessage;
import io.imgpipe.contract.MalformedMessageException;
import io.imgpipe.contract.MessageHeaders;
import io.imgpipe.contract.OutboundMessage;
import io.imgpipe.contract.Topology;
import io.imgpipe.contract.Traceparent;
import io.imgpipe.contract.options.BadOptionException;
import io.imgpipe.contract.options.OptionsParser;
import io.imgpipe.contract.options.TransformOptions;
import io.imgpipe.contract.variants.Variant;
import io.imgpipe.contract.variants.Variants;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
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
        List<Variant> variants = variants(job);
        if (variants != null) {
            transformVariants(job, original, id, variants, started);
            return;
        }
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

    /**
     * A job that names its variants (an upload with {@code variants=}, or a derivation): one decode, then each
     * variant published, stored and announced as soon as it is encoded, each with its own done or failed event. A
     * source that cannot be read fails every variant not yet published.
     */
    private void transformVariants(InboundMessage job, byte[] original, ImageId id, List<Variant> variants,
                                   Instant started) throws Exception {
        String trace = job.traceparent();
        runtime.activity(ActivityEvent.now(id, SERVICE, "started", trace, Map.of("attempt", job.attempt(),
                "variants", variants.stream().map(Variant::name).toList())));
        List<TransformOptions> parsed = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        boolean[] finished = new boolean[variants.size()];
        for (int i = 0; i < variants.size(); i++) {
            try {
                parsed.add(options.parseCanonical(variants.get(i).options()));
                positions.add(i);
            } catch (BadOptionException e) {
                finished[i] = true;
                failVariant(job, id, variants, i, started, "bad_option", e.getMessage());
            }
        }
        if (parsed.isEmpty()) {
            return;
        }
        long t0 = System.nanoTime();
        try {
            engine.transformEach(original, parsed, (index, result, failure) -> {
                int i = positions.get(index);
                finished[i] = true;
                if (failure != null) {
                    failVariant(job, id, variants, i, started, failure.reason(), failure.getMessage());
                } else {
                    publishVariant(job, id, variants, i, started, result);
                }
            });
        } catch (ImageRejectedException e) {
            for (int i = 0; i < variants.size(); i++) {
                if (!finished[i]) {
                    failVariant(job, id, variants, i, started, e.reason(), e.getMessage());
                }
            }
        } catch (BlobStoreException e) {
            // a result could not be put in the object store: the whole job again later (stores are idempotent)
            requeueAfterStoreFailure(job, e);
            return;
        }
        transformTimer.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
    }

    private void publishVariant(InboundMessage job, ImageId id, List<Variant> variants, int i, Instant started,
                                TransformResult result) throws Exception {
        String trace = job.traceparent();
        Variant variant = variants.get(i);
        OutboundMessage transformed = bytes.result(ImageMessages.forVariant(ImageMessages.transformed(id, trace,
                job.createdAt(), result.format(), result.width(), result.height(), result.sourceWidth(),
                result.sourceHeight(), started, result.bytes()), variant, isPrimary(job, variant)));
        List<CompletableFuture<Void>> confirms = new ArrayList<>();
        confirms.add(runtime.publisher().publish(transformed));
        replyIfAlone(job, variants, transformed);
        Map<String, Object> detail = new LinkedHashMap<>(Map.of(
                "format", result.format().key(), "width", result.width(), "height", result.height(),
                "bytes", result.bytes().length, "sourceWidth", result.sourceWidth(),
                "sourceHeight", result.sourceHeight(),
                "millis", Duration.between(started, Instant.now()).toMillis()));
        detail.putAll(variantDetail(variant));
        confirms.add(runtime.activity(ActivityEvent.now(id, SERVICE, "done", trace, detail)));
        awaitAll(confirms);
        Counter.builder("imgpipe.transformer.jobs").tag("outcome", "done").tag("reason", "none")
                .register(runtime.registry()).increment();
        log.info("event=transformed image_id={} trace_id={} variant={} format={} width={} height={} bytes={}", id,
                Traceparent.traceId(trace), variant.name(), result.format().key(), result.width(), result.height(),
                result.bytes().length);
    }

    private void failVariant(InboundMessage job, ImageId id, List<Variant> variants, int i, Instant started,
                             String reason, String message) throws Exception {
        String trace = job.traceparent();
        Variant variant = variants.get(i);
        OutboundMessage failed = ImageMessages.forVariant(ImageMessages.failed(id, trace, job.createdAt(), reason,
                message, started), variant, isPrimary(job, variant));
        List<CompletableFuture<Void>> confirms = new ArrayList<>();
        confirms.add(runtime.publisher().publish(failed));
        replyIfAlone(job, variants, failed);
        Map<String, Object> detail = new LinkedHashMap<>(Map.of("reason", reason, "message", message));
        detail.putAll(variantDetail(variant));
        confirms.add(runtime.activity(ActivityEvent.now(id, SERVICE, "failed", trace, detail)));
        awaitAll(confirms);
        Counter.builder("imgpipe.transformer.jobs").tag("outcome", "failed").tag("reason", reason)
                .register(runtime.registry()).increment();
        log.info("event=failed image_id={} trace_id={} variant={} reason={} message=\"{}\"", id,
                Traceparent.traceId(trace), variant.name(), reason, message);
    }

    /** A waiting upload of one variant gets its result; one of several waits for all of them another way. */
    private void replyIfAlone(InboundMessage job, List<Variant> variants, OutboundMessage outcome) {
        String replyTo = job.properties().getReplyTo();
        if (variants.size() == 1 && replyTo != null && !replyTo.isBlank()) {
            runtime.publisher().publish(ImageMessages.replyTo(replyTo, outcome), false);
        }
    }

    /** The variant's name, and a kind that keeps two variants' events of one millisecond apart in the logger. */
    private static Map<String, Object> variantDetail(Variant variant) {
        Map<String, Object> m = new HashMap<>();
        m.put("variant", variant.name());
        m.put("kind", "variant:" + variant.name());
        return m;
    }

    private static boolean isPrimary(InboundMessage job, Variant variant) {
        return job.string(MessageHeaders.PRIMARY_VARIANT).map(variant.name()::equals).orElse(false);
    }

    /** The job's variants, or null for a job of one unnamed result (as every job was before variants). */
    private static List<Variant> variants(InboundMessage job) {
        try {
            return job.string(MessageHeaders.VARIANTS).map(Variants::decode).orElse(null);
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("the variants header is malformed: " + e.getMessage());
        }
    }

    private void fail(InboundMessage job, ImageId id, Instant started, String reason, String message) throws Exception {
        List<Variant> variants = variants(job);
        if (variants != null) {
            for (int i = 0; i < variants.size(); i++) {
                failVariant(job, id, variants, i, started, reason, message);
            }
            return;
        }
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
