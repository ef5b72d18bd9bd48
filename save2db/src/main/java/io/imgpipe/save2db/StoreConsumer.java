package io.imgpipe.save2db;

import io.imgpipe.contract.ActivityEvent;
import io.imgpipe.contract.BlobRef;
import io.imgpipe.contract.ImageId;
import io.imgpipe.contract.ImageMessages;
import io.imgpipe.contract.InboundMessage;
import io.imgpipe.contract.MessageHeaders;
import io.imgpipe.contract.Topology;
import io.imgpipe.contract.Traceparent;
import io.imgpipe.contract.format.ImageFormat;
import io.imgpipe.runtime.ServiceRuntime;
import io.imgpipe.runtime.amqp.MessageConsumer;
import io.imgpipe.save2db.blob.ObjectStorage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Consumes the {@code save2db} queue: originals, results and failures. Acknowledges only after the insert is
 * committed (autocommit) and the {@code save2db.stored} event is confirmed by the broker.
 */
final class StoreConsumer extends MessageConsumer {

    static final String SERVICE = "save2db";

    private final ImageArchive archive;
    private final ObjectStorage objects;
    private final ServiceRuntime runtime;
    private final Timer storeTimer;

    StoreConsumer(ImageArchive archive, ServiceRuntime runtime, int threads) {
        this(archive, null, runtime, threads);
    }

    /** @param objects the object store for the bytes; null keeps them in PostgreSQL */
    StoreConsumer(ImageArchive archive, ObjectStorage objects, ServiceRuntime runtime, int threads) {
        super(Topology.SAVE2DB_QUEUE, threads);
        this.archive = archive;
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
        if (key.startsWith(Topology.SUBMITTED_PREFIX)) {
            kind = "original";
            String format = m.string(MessageHeaders.FORMAT).orElse("unknown");
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

    private static Instant finishedAt(InboundMessage m) {
        return m.instant(MessageHeaders.FINISHED_AT).orElseGet(Instant::now);
    }

    private static String mediaType(String format) {
        return ImageFormat.fromKey(format).map(ImageFormat::mediaType).orElse("application/octet-stream");
    }
}
