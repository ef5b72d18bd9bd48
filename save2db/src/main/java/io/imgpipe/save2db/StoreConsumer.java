package io.imgpipe.save2db;

import io.imgpipe.contract.ActivityEvent;
import io.imgpipe.contract.BlobRef;
import io.imgpipe.contract.ImageId;
import io.imgpipe.contract.ImageMessages;
import io.imgpipe.contract.InboundMessage;
import io.imgpipe.contract.MalformedMessageException;
import io.imgpipe.contract.MessageHeaders;
import io.imgpipe.contract.OutboundMessage;
import io.imgpipe.contract.Topology;
import io.imgpipe.contract.Traceparent;
import io.imgpipe.contract.format.ImageFormat;
import io.imgpipe.contract.variants.Variant;
import io.imgpipe.contract.variants.Variants;
import io.imgpipe.runtime.ServiceRuntime;
import io.imgpipe.runtime.amqp.MessageConsumer;
import io.imgpipe.save2db.blob.ObjectStorage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Consumes the {@code save2db} queue: originals, results and failures. Acknowledges only after the insert is
 * committed (autocommit) and the {@code save2db.stored} event is confirmed by the broker.
 */
final class StoreConsumer extends MessageConsumer {

    static final String SERVICE = "save2db";

    private final ImageArchive archive;
    private final VariantArchive variants;
    private final ObjectStorage objects;
    private final ServiceRuntime runtime;
    private final Timer storeTimer;

    StoreConsumer(ImageArchive archive, VariantArchive variants, ServiceRuntime runtime, int threads) {
        this(archive, variants, null, runtime, threads);
    }

    /** @param objects the object store for the bytes; null keeps them in PostgreSQL */
    StoreConsumer(ImageArchive archive, VariantArchive variants, ObjectStorage objects, ServiceRuntime runtime,
                  int threads) {
        super(Topology.SAVE2DB_QUEUE, threads);
        this.archive = archive;
        this.variants = variants;
        this.objects = objects;
        this.runtime = runtime;
        this.storeTimer = Timer.builder("imgpipe.save2db.store").description("Time to store one message")
                .publishPercentileHistogram().register(runtime.registry());
    }

    @Override
    protected void handle(InboundMessage m) throws Exception {
        ImageId id = m.imageId();
        long start = System.nanoTime();
        String kind;
        boolean fresh;
        Map<String, Object> detail;
        String key = m.routingKey();
        if (key.equals(Topology.DELETE_KEY)) {
            delete(m);
            return;
        }
        if (key.equals(Topology.DERIVE_KEY)) {
            derive(m);
            return;
        }
        Optional<Variant> secondary = secondaryVariant(m);
        if (secondary.isPresent() && key.startsWith(Topology.TRANSFORMED_PREFIX)) {
            kind = "variant:" + secondary.get().name();
            String format = m.string(MessageHeaders.FORMAT).orElse("unknown");
            BlobRef blob = place(m);
            fresh = variants.store(new VariantArchive.Result(id.value(), secondary.get(), format, mediaType(format),
                    blob == null ? m.body() : null, m.integer(MessageHeaders.WIDTH), m.integer(MessageHeaders.HEIGHT),
                    m.instant(MessageHeaders.STARTED_AT).orElse(m.createdAt()), finishedAt(m), blob));
            detail = Map.of("kind", kind, "variant", secondary.get().name(), "format", format,
                    "bytes", blob == null ? m.body().length : blob.size(), "width", m.integer(MessageHeaders.WIDTH),
                    "height", m.integer(MessageHeaders.HEIGHT));
        } else if (secondary.isPresent() && key.startsWith(Topology.FAILED_PREFIX)) {
            kind = "variant:" + secondary.get().name();
            String reason = m.string(MessageHeaders.REASON).orElse(key.substring(Topology.FAILED_PREFIX.length()));
            fresh = variants.store(new VariantArchive.Failure(id.value(), secondary.get(), reason, m.bodyText(),
                    m.instant(MessageHeaders.STARTED_AT).orElse(m.createdAt()), finishedAt(m)));
            detail = Map.of("kind", kind, "variant", secondary.get().name(), "reason", reason,
                    "message", m.bodyText());
        } else if (key.startsWith(Topology.SUBMITTED_PREFIX)) {
            kind = "original";
            String format = m.string(MessageHeaders.FORMAT).orElse("unknown");
            // What the upload asked for is recorded before its original: once the original is visible, so is
            // which variant is its primary, and a derivation never mistakes an upload's own variant for a new one.
            Optional<String> asked = m.string(MessageHeaders.VARIANTS);
            if (asked.isPresent()) {
                variants.requested(id.value(), decode(asked.get()));
            }
            BlobRef blob = place(m);
            fresh = archive.store(new ImageArchive.Original(id.value(), format, mediaType(format),
                    blob == null ? m.body() : null,
                    m.string(MessageHeaders.FILENAME).orElse(null), m.string(MessageHeaders.OPTIONS).orElse(""), m.traceparent(),
                    m.createdAt(), m.string(MessageHeaders.OWNER).orElse(null), blob));
            detail = Map.of("kind", kind, "format", format, "bytes", blob == null ? m.body().length : blob.size());
        } else if (key.startsWith(Topology.TRANSFORMED_PREFIX)) {
            kind = "result";
            String format = m.string(MessageHeaders.FORMAT).orElse("unknown");
            Instant startedAt = m.instant(MessageHeaders.STARTED_AT).orElse(m.createdAt());
            BlobRef blob = place(m);
            fresh = archive.store(new ImageArchive.Result(id.value(), format, mediaType(format),
                    blob == null ? m.body() : null,
                    m.integer(MessageHeaders.WIDTH), m.integer(MessageHeaders.HEIGHT),
                    m.integer(MessageHeaders.SOURCE_WIDTH), m.integer(MessageHeaders.SOURCE_HEIGHT), startedAt,
                    finishedAt(m), blob));
            detail = Map.of("kind", kind, "format", format, "bytes", blob == null ? m.body().length : blob.size(),
                    "width", m.integer(MessageHeaders.WIDTH), "height", m.integer(MessageHeaders.HEIGHT));
        } else if (key.startsWith(Topology.FAILED_PREFIX)) {
            kind = "failure";
            String reason = m.string(MessageHeaders.REASON).orElse(key.substring(Topology.FAILED_PREFIX.length()));
            Instant startedAt = m.instant(MessageHeaders.STARTED_AT).orElse(m.createdAt());
            fresh = archive.store(new ImageArchive.Failure(id.value(), reason, m.bodyText(), startedAt, finishedAt(m)));
            detail = Map.of("kind", kind, "reason", reason, "message", m.bodyText());
        } else {
            log.error("event=discarded reason=unknown_routing_key routing_key={} image_id={}", key, id);
            return;
        }
        storeTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        Counter.builder("imgpipe.save2db.messages").tag("kind", kind).tag("outcome", fresh ? "stored" : "duplicate")
                .register(runtime.registry()).increment();
        log.info("event=stored kind={} image_id={} trace_id={} duplicate={}", kind, id,
                Traceparent.traceId(m.traceparent()), !fresh);
        // Announce even a duplicate: the first announcement may have been lost with a crash.
        runtime.activity(ActivityEvent.now(id, SERVICE, "stored", m.traceparent(), detail)).get(30, TimeUnit.SECONDS);
    }

    /**
     * Where the message's bytes go: the object store (null back means PostgreSQL). A claim check reaching a save2db
     * without an object store cannot be stored: the message stays queued until save2db is configured like the gateway.
     */
    private BlobRef place(InboundMessage m) {
        if (objects != null) {
            return objects.place(m);
        }
        if (m.blobRef().isPresent()) {
            throw new IllegalStateException("image " + m.imageId() + " came as a claim check but this save2db has no "
                    + "object store: set IMGPIPE_BLOB_STORE=s3 and the IMGPIPE_S3_* settings as on the gateway");
        }
        return null;
    }

    /**
     * Forgets the image, then announces {@code save2db.deleted} (the logger forgets its events on it) and answers the
     * gateway that waits, in that order, so that its 204 follows the commit.
     */
    private void delete(InboundMessage m) throws Exception {
        ImageId id = m.imageId();
        List<String> keys = objects == null ? List.of() : archive.blobKeys(id.value());
        ImageArchive.Deleted outcome = archive.delete(id.value(), m.string(MessageHeaders.OWNER).orElse(null));
        if (outcome == ImageArchive.Deleted.DELETED && objects != null) {
            objects.release(keys);
        }
        Counter.builder("imgpipe.save2db.deletes").tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
                .register(runtime.registry()).increment();
        log.info("event=deleted image_id={} outcome={}", id, outcome);
        if (outcome != ImageArchive.Deleted.NOT_OWNER) {
            runtime.activity(ActivityEvent.now(id, SERVICE, "deleted", m.traceparent(),
                    Map.of("outcome", outcome.name().toLowerCase(Locale.ROOT)))).get(30, TimeUnit.SECONDS);
        }
        String replyTo = m.properties().getReplyTo();
        if (replyTo != null && !replyTo.isBlank()) {
            runtime.publisher().publish(ImageMessages.replyTo(replyTo, ImageMessages.deleted(id, m.traceparent(),
                    outcome.name().toLowerCase(Locale.ROOT))), false).get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * A {@code derive} command: starts the variant's job from the stored original unless it was asked for already,
     * and says which on {@code save2db.derive} (how many jobs a derivation made is counted from these).
     */
    private void derive(InboundMessage m) throws Exception {
        ImageId id = m.imageId();
        Variant variant = decode(m.string(MessageHeaders.VARIANTS).orElse("")).get(0);
        VariantArchive.Derivation outcome = variants.derive(id.value(), variant, original -> {
            ImageFormat format = ImageFormat.fromKey(original.format()).orElseThrow(
                    () -> new MalformedMessageException("stored original of unknown format " + original.format()));
            OutboundMessage job = ImageMessages.derivation(id, m.traceparent(), Instant.now(), format,
                    List.of(variant), original.bytes() == null ? new byte[0] : original.bytes());
            if (original.bytes() == null) { // the original is in the object store: the job is a claim check too
                String key = original.blobKey();
                job = ImageMessages.byReference(job, BlobRef.of(key.substring(key.lastIndexOf('/') + 1),
                        original.size()));
            }
            runtime.publisher().publish(job).get(30, TimeUnit.SECONDS);
        });
        String name = outcome.name().toLowerCase(Locale.ROOT);
        Counter.builder("imgpipe.save2db.derivations").tag("outcome", name).register(runtime.registry()).increment();
        log.info("event=derive image_id={} variant={} outcome={}", id, variant.name(), name);
        runtime.activity(ActivityEvent.now(id, SERVICE, "derive", m.traceparent(), Map.of("variant", variant.name(),
                "outcome", name, "kind", "derive:" + variant.name() + ":" + name))).get(30, TimeUnit.SECONDS);
    }

    /** The variant a result or failure is of, unless it is the image's primary one (or carries none). */
    private static Optional<Variant> secondaryVariant(InboundMessage m) {
        Optional<String> name = m.string(MessageHeaders.VARIANT);
        boolean primary = m.string(MessageHeaders.VARIANT_PRIMARY).map(Boolean::parseBoolean).orElse(true);
        if (name.isEmpty() || primary) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Variant(name.get(), m.string(MessageHeaders.VARIANT_OPTIONS).orElse("")));
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("the variant header is malformed: " + e.getMessage());
        }
    }

    private static List<Variant> decode(String header) {
        try {
            return Variants.decode(header);
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("the variants header is malformed: " + e.getMessage());
        }
    }

    private static Instant finishedAt(InboundMessage m) {
        return m.instant(MessageHeaders.FINISHED_AT).orElseGet(Instant::now);
    }

    private static String mediaType(String format) {
        return ImageFormat.fromKey(format).map(ImageFormat::mediaType).orElse("application/octet-stream");
    }
}
