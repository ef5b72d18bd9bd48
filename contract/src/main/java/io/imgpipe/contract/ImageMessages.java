package io.imgpipe.contract;

import com.rabbitmq.client.AMQP;
import io.imgpipe.contract.format.ImageFormat;
import io.imgpipe.contract.variants.Variant;
import io.imgpipe.contract.variants.Variants;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The codec of the {@code images} exchange: builds the three kinds of message and reads them back.
 * Image bytes travel in the body, everything else in headers.
 */
public final class ImageMessages {

    public static final String OCTET_STREAM = "application/octet-stream";

    private ImageMessages() {
    }

    /** The gateway's upload: the original bytes exactly as received. */
    public static OutboundMessage submitted(ImageId id, String traceparent, Instant createdAt, ImageFormat format,
                                            String options, String filename, String owner, byte[] original,
                                            String replyTo) {
        Map<String, Object> headers = base(id, traceparent, createdAt);
        headers.put(MessageHeaders.FORMAT, format.key());
        headers.put(MessageHeaders.OPTIONS, options);
        if (filename != null && !filename.isBlank()) {
            headers.put(MessageHeaders.FILENAME, filename);
        }
        if (owner != null) {
            headers.put(MessageHeaders.OWNER, owner);
        }
        AMQP.BasicProperties.Builder props = persistent(id, format.mediaType(), headers);
        if (replyTo != null) {
            props.replyTo(replyTo).correlationId(id.value());
        }
        return new OutboundMessage(Topology.IMAGES_EXCHANGE, Topology.submittedKey(format.key()), props.build(), original);
    }

    /** The transformer's result. The same properties serve the reply to a waiting gateway. */
    public static OutboundMessage transformed(ImageId id, String traceparent, Instant createdAt, ImageFormat format,
                                              int width, int height, int sourceWidth, int sourceHeight,
                                              Instant startedAt, byte[] result) {
        Map<String, Object> headers = base(id, traceparent, createdAt);
        headers.put(MessageHeaders.FORMAT, format.key());
        headers.put(MessageHeaders.WIDTH, width);
        headers.put(MessageHeaders.HEIGHT, height);
        headers.put(MessageHeaders.SOURCE_WIDTH, sourceWidth);
        headers.put(MessageHeaders.SOURCE_HEIGHT, sourceHeight);
        headers.put(MessageHeaders.STARTED_AT, startedAt.toEpochMilli());
        headers.put(MessageHeaders.FINISHED_AT, System.currentTimeMillis());
        return new OutboundMessage(Topology.IMAGES_EXCHANGE, Topology.transformedKey(format.key()),
                persistent(id, format.mediaType(), headers).build(), result);
    }

    /** A transform that cannot succeed: a stable reason code and a sentence for people. */
    public static OutboundMessage failed(ImageId id, String traceparent, Instant createdAt, String reason,
                                         String message, Instant startedAt) {
        Map<String, Object> headers = base(id, traceparent, createdAt);
        headers.put(MessageHeaders.REASON, reason);
        headers.put(MessageHeaders.STARTED_AT, startedAt.toEpochMilli());
        headers.put(MessageHeaders.FINISHED_AT, System.currentTimeMillis());
        return new OutboundMessage(Topology.IMAGES_EXCHANGE, Topology.failedKey(reason),
                persistent(id, "text/plain; charset=utf-8", headers).build(), message.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The command to forget an image: save2db deletes its rows, keeps a tombstone so that a redelivered original or a
     * late result cannot bring it back, and answers on {@code replyTo} once committed.
     *
     * @param owner the owner that asks (null with keys off); save2db deletes only that owner's image
     */
    public static OutboundMessage delete(ImageId id, String traceparent, Instant createdAt, String owner,
                                         String replyTo) {
        Map<String, Object> headers = base(id, traceparent, createdAt);
        if (owner != null) {
            headers.put(MessageHeaders.OWNER, owner);
        }
        AMQP.BasicProperties.Builder props = persistent(id, "text/plain; charset=utf-8", headers);
        if (replyTo != null) {
            props.replyTo(replyTo).correlationId(id.value());
        }
        return new OutboundMessage(Topology.IMAGES_EXCHANGE, Topology.DELETE_KEY, props.build(), new byte[0]);
    }

    /** save2db's answer to a delete: {@code reason} says deleted, already_deleted, not_found or not_owner. */
    public static OutboundMessage deleted(ImageId id, String traceparent, String outcome) {
        Map<String, Object> headers = base(id, traceparent, Instant.now());
        headers.put(MessageHeaders.REASON, outcome);
        return new OutboundMessage(Topology.IMAGES_EXCHANGE, Topology.DELETE_KEY,
                persistent(id, "text/plain; charset=utf-8", headers).correlationId(id.value()).build(), new byte[0]);
    }

    /**
     * The same message with a claim check instead of its bytes: an empty body and the {@code blob-*} headers. The
     * bytes must be durable in the object store before this message is published.
     */
    public static OutboundMessage byReference(OutboundMessage message, BlobRef ref) {
        Map<String, Object> headers = new HashMap<>(message.properties().getHeaders());
        headers.put(MessageHeaders.BLOB_KEY, ref.key());
        headers.put(MessageHeaders.BLOB_SHA256, ref.sha256());
        headers.put(MessageHeaders.BLOB_SIZE, ref.size());
        return new OutboundMessage(message.exchange(), message.routingKey(),
                message.properties().builder().headers(headers).build(), new byte[0]);
    }

    /**
     * An upload's job with several variants (or one named preset): the first is the image's primary result. The
     * {@code options} header keeps the primary's options, so a reader of the original sees what it always saw.
     */
    public static OutboundMessage withVariants(OutboundMessage submitted, List<Variant> variants) {
        Map<String, Object> headers = new HashMap<>(submitted.properties().getHeaders());
        headers.put(MessageHeaders.VARIANTS, Variants.encode(variants));
        headers.put(MessageHeaders.PRIMARY_VARIANT, variants.get(0).name());
        headers.put(MessageHeaders.OPTIONS, variants.get(0).options());
        return new OutboundMessage(submitted.exchange(), submitted.routingKey(),
                submitted.properties().builder().headers(headers).build(), submitted.body());
    }

    /** A transformer's result or failure of one variant of a job that named its variants. */
    public static OutboundMessage forVariant(OutboundMessage outcome, Variant variant, boolean primary) {
        Map<String, Object> headers = new HashMap<>(outcome.properties().getHeaders());
        headers.put(MessageHeaders.VARIANT, variant.name());
        headers.put(MessageHeaders.VARIANT_OPTIONS, variant.options());
        headers.put(MessageHeaders.VARIANT_PRIMARY, primary);
        return new OutboundMessage(outcome.exchange(), outcome.routingKey(),
                outcome.properties().builder().headers(headers).build(), outcome.body());
    }

    /**
     * The gateway's command to save2db: derive {@code variant} of a stored image (a GET of a configured preset the
     * image does not have). save2db starts at most one job per variant however many commands arrive. No bytes.
     */
    public static OutboundMessage derive(ImageId id, String traceparent, Variant variant, String owner) {
        Map<String, Object> headers = base(id, traceparent, Instant.now());
        headers.put(MessageHeaders.VARIANTS, Variants.encode(List.of(variant)));
        if (owner != null) {
            headers.put(MessageHeaders.OWNER, owner);
        }
        return new OutboundMessage(Topology.IMAGES_EXCHANGE, Topology.DERIVE_KEY,
                persistent(id, "text/plain; charset=utf-8", headers).build(), new byte[0]);
    }

    /** save2db's job for the transformers: new variants of a stored original, none of them primary. */
    public static OutboundMessage derivation(ImageId id, String traceparent, Instant createdAt, ImageFormat format,
                                             List<Variant> variants, byte[] original) {
        Map<String, Object> headers = base(id, traceparent, createdAt);
        headers.put(MessageHeaders.FORMAT, format.key());
        headers.put(MessageHeaders.OPTIONS, variants.get(0).options());
        headers.put(MessageHeaders.VARIANTS, Variants.encode(variants));
        return new OutboundMessage(Topology.IMAGES_EXCHANGE, Topology.derivationKey(format.key()),
                persistent(id, format.mediaType(), headers).build(), original);
    }

    /** The same message addressed to a reply queue through the default exchange. */
    public static OutboundMessage replyTo(String replyQueue, OutboundMessage message) {
        AMQP.BasicProperties props = message.properties().builder().deliveryMode(1).build();
        return new OutboundMessage("", replyQueue, props, message.body());
    }

    /** A copy for a redelivery: same message, attempt header set, sent straight to one queue. */
    public static OutboundMessage retry(String queue, AMQP.BasicProperties properties, byte[] body, int attempt) {
        Map<String, Object> headers = new HashMap<>(properties.getHeaders() == null ? Map.of() : properties.getHeaders());
        headers.put(MessageHeaders.ATTEMPT, attempt);
        return new OutboundMessage("", queue, properties.builder().headers(headers).build(), body);
    }

    private static Map<String, Object> base(ImageId id, String traceparent, Instant createdAt) {
        Map<String, Object> headers = new HashMap<>();
        headers.put(MessageHeaders.IMAGE_ID, id.value());
        headers.put(MessageHeaders.TRACEPARENT, traceparent);
        headers.put(MessageHeaders.CREATED_AT, createdAt.toEpochMilli());
        return headers;
    }

    private static AMQP.BasicProperties.Builder persistent(ImageId id, String contentType, Map<String, Object> headers) {
        return new AMQP.BasicProperties.Builder()
                .deliveryMode(2)
                .contentType(contentType)
                .messageId(id.value())
                .timestamp(new Date())
                .headers(headers);
    }
}
