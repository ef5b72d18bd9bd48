package io.imgpipe.contract;

import com.rabbitmq.client.AMQP;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** Typed access to a received message of the contract. */
public record InboundMessage(String routingKey, AMQP.BasicProperties properties, byte[] body, boolean redelivered) {

    /** @throws MalformedMessageException when the message has no valid image id */
    public ImageId imageId() {
        String value = string(MessageHeaders.IMAGE_ID)
                .orElseThrow(() -> new MalformedMessageException("no image-id header"));
        if (!ImageId.isWellFormed(value)) {
            throw new MalformedMessageException("the image-id header is not an image id");
        }
        return new ImageId(value);
    }

    public String traceparent() {
        return string(MessageHeaders.TRACEPARENT).orElse("");
    }

    public Instant createdAt() {
        return instant(MessageHeaders.CREATED_AT).orElse(Instant.EPOCH);
    }

    public Optional<Instant> instant(String header) {
        return number(header).map(Instant::ofEpochMilli);
    }

    public int integer(String header) {
        return number(header).map(Long::intValue).orElse(0);
    }

    public int attempt() {
        return Math.max(1, integer(MessageHeaders.ATTEMPT));
    }

    public Optional<String> string(String header) {
        Object value = headers().get(header);
        return value == null ? Optional.empty() : Optional.of(value.toString());
    }

    public Optional<Long> number(String header) {
        Object value = headers().get(header);
        if (value instanceof Number n) {
            return Optional.of(n.longValue());
        }
        try {
            return value == null ? Optional.empty() : Optional.of(Long.parseLong(value.toString()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * The claim check this message carries instead of its image bytes, if any.
     *
     * @throws MalformedMessageException when the {@code blob-*} headers are there but do not agree
     */
    public Optional<BlobRef> blobRef() {
        Optional<String> digest = string(MessageHeaders.BLOB_SHA256);
        if (digest.isEmpty()) {
            return Optional.empty();
        }
        try {
            BlobRef ref = BlobRef.of(digest.get(), number(MessageHeaders.BLOB_SIZE).orElse(-1L));
            if (!ref.key().equals(string(MessageHeaders.BLOB_KEY).orElse(""))) {
                throw new MalformedMessageException("the blob-key header does not name the blob-sha256 digest");
            }
            return Optional.of(ref);
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("bad claim check: " + e.getMessage());
        }
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    private Map<String, Object> headers() {
        return properties.getHeaders() == null ? Map.of() : properties.getHeaders();
    }
}
