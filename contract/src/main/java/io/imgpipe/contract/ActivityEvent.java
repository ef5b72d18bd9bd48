package io.imgpipe.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.rabbitmq.client.AMQP;

import java.time.Instant;
import java.util.Map;

/**
 * A small JSON event on the {@code activity} exchange, routed by {@code <service>.<event>}. Never carries image bytes.
 *
 * @param imageId     the image the event is about
 * @param service     who did it: gateway, transformer, save2db
 * @param event       what happened: accepted, started, done, failed, stored…
 * @param at          when, in epoch milliseconds
 * @param traceparent the W3C trace of the upload
 * @param detail      small extra facts (sizes, formats, reason)
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ActivityEvent(String imageId, String service, String event, long at, String traceparent,
                            Map<String, Object> detail) {


    public ActivityEvent {
        detail = detail == null ? Map.of() : Map.copyOf(detail);
    }

    public static ActivityEvent now(ImageId id, String service, String event, String traceparent,
                                    Map<String, Object> detail) {
        return new ActivityEvent(id.value(), service, event, Instant.now().toEpochMilli(), traceparent, detail);
    }

    public String routingKey() {
        return Topology.activityKey(service, event);
    }

    public OutboundMessage toMessage() {
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                .contentType("application/json")
                .deliveryMode(2)
                .headers(Map.of(MessageHeaders.IMAGE_ID, imageId,
                        MessageHeaders.TRACEPARENT, traceparent == null ? "" : traceparent,
                        MessageHeaders.CREATED_AT, at))
                .build();
        return new OutboundMessage(Topology.ACTIVITY_EXCHANGE, routingKey(), props, toJson());
    }

    public byte[] toJson() {
        return ActivityJson.write(this);
    }

    public static ActivityEvent fromJson(byte[] json) {
        return ActivityJson.read(json, ActivityEvent.class, "an activity event");
    }
}
