package io.imgpipe.contract;

import java.util.Locale;
import java.util.Map;

/**
 * Optional broker-specific arguments of the durable work queues.
 *
 * <p>{@link #PORTABLE} declares plain durable queues, which every AMQP 0-9-1 broker accepts. {@link #quorum(int)}
 * asks RabbitMQ for quorum queues with a delivery limit; the embedded Qpid broker would close the connection on
 * these arguments, so they are only ever switched on by configuration.
 */
public record QueueArguments(String queueType, int deliveryLimit) {

    public static final QueueArguments PORTABLE = new QueueArguments("classic", 0);

    public static QueueArguments quorum(int deliveryLimit) {
        return new QueueArguments("quorum", deliveryLimit);
    }

    /** Parses the {@code IMGPIPE_QUEUE_TYPE} setting: {@code classic} (default) or {@code quorum}. */
    public static QueueArguments parse(String queueType, int deliveryLimit) {
        String type = queueType == null || queueType.isBlank() ? "classic" : queueType.trim().toLowerCase(Locale.ROOT);
        return switch (type) {
            case "classic" -> PORTABLE;
            case "quorum" -> quorum(deliveryLimit);
            default -> throw new IllegalArgumentException("queue type must be classic or quorum, got '" + queueType + "'");
        };
    }

    Map<String, Object> forQueue(String name) {
        if (!"quorum".equals(queueType)) {
            return Map.of();
        }
        return deliveryLimit > 0
                ? Map.of("x-queue-type", "quorum", "x-delivery-limit", deliveryLimit)
                : Map.of("x-queue-type", "quorum");
    }
}
