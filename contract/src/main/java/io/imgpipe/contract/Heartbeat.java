package io.imgpipe.contract;

import com.rabbitmq.client.AMQP;

import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * A service instance saying it is alive, on the {@code activity} exchange under {@code <service>.heartbeat}. It is
 * about the cluster, not about an image: the logger does not keep it and the page's event stream does not carry it
 * ({@link Topology#isHeartbeat}).
 *
 * @param instance        random per service start, prefixed with the host name
 * @param service         gateway, transformer, save2db, logger
 * @param version         the jar's version, or {@code dev} when run from classes
 * @param startedAt       when the instance started, in epoch milliseconds
 * @param at              when this beat was sent, in epoch milliseconds
 * @param intervalSeconds how often the instance beats: a reader expires it after a few missed beats
 * @param queues          the work queues it consumes from (none for the gateway)
 * @param consumers       how many of its consumers are subscribed right now
 * @param inFlight        messages being handled right now
 * @param handled         messages handled since start; two beats give a rate
 */
public record Heartbeat(String instance, String service, String version, long startedAt, long at,
                        int intervalSeconds, List<String> queues, int consumers, int inFlight, long handled) {

    public static final String EVENT = "heartbeat";


    public Heartbeat {
        if (instance == null || instance.isBlank() || service == null || service.isBlank()) {
            throw new IllegalArgumentException("a heartbeat needs an instance and a service");
        }
        if (intervalSeconds < 1) {
            throw new IllegalArgumentException("intervalSeconds must be at least 1, got " + intervalSeconds);
        }
        version = version == null || version.isBlank() ? "dev" : version;
        queues = queues == null ? List.of() : List.copyOf(queues);
    }

    public String routingKey() {
        return Topology.activityKey(service, EVENT);
    }

    /**
     * Transient: a beat lost with a broker restart says nothing the next one does not. No {@code expiration}: Qpid
     * Broker-J reads it as an absolute time and RabbitMQ as a time to live, so no value means the same on both.
     */
    public OutboundMessage toMessage() {
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                .contentType("application/json")
                .deliveryMode(1)
                .headers(Map.of(MessageHeaders.CREATED_AT, at))
                .build();
        return new OutboundMessage(Topology.ACTIVITY_EXCHANGE, routingKey(), props, toJson());
    }

    public byte[] toJson() {
        return ActivityJson.write(this);
    }

    /** @throws UncheckedIOException when the body is not a heartbeat */
    public static Heartbeat fromJson(byte[] json) {
        return ActivityJson.read(json, Heartbeat.class, "a heartbeat");
    }
}
