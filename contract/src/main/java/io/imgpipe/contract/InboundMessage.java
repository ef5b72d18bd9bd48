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

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    private Map<String, Object> headers() {
        return properties.getHeaders() == null ? Map.of() : properties.getHeaders();
    }
}
