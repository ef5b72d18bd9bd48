package io.imgpipe.logger;

import io.imgpipe.contract.ActivityEvent;
import io.imgpipe.contract.InboundMessage;
import io.imgpipe.contract.Topology;
import io.imgpipe.contract.Traceparent;
import io.imgpipe.runtime.amqp.MessageConsumer;
import io.micrometer.core.instrument.MeterRegistry;

import java.io.UncheckedIOException;

/**
 * Keeps every activity event: one structured log line and one row each; acknowledges after the insert. Heartbeats
 * share the exchange (and this queue's {@code #} binding) but are not an image's story: they are acknowledged unkept.
 */
final class ActivityConsumer extends MessageConsumer {

    private final ActivityLog activityLog;
    private final MeterRegistry registry;

    ActivityConsumer(ActivityLog activityLog, MeterRegistry registry, int threads) {
        super(Topology.LOGGER_QUEUE, threads);
        this.activityLog = activityLog;
        this.registry = registry;
    }

    @Override
    protected void handle(InboundMessage m) throws Exception {
        if (Topology.isHeartbeat(m.routingKey())) {
            return;
        }
        ActivityEvent event;
        try {
            event = ActivityEvent.fromJson(m.body());
        } catch (UncheckedIOException e) {
            log.error("event=discarded reason=not_an_activity_event routing_key={}", m.routingKey());
            return;
        }
        if (event.imageId() == null || event.service() == null || event.event() == null) {
            log.error("event=discarded reason=incomplete_activity_event routing_key={}", m.routingKey());
            return;
        }
        boolean fresh = activityLog.keep(event);
        registry.counter("imgpipe.logger.events", "type", event.service() + "." + event.event()).increment();
        log.info("event=activity type={}.{} image_id={} trace_id={} at={} detail={} duplicate={}", event.service(),
                event.event(), event.imageId(), Traceparent.traceId(event.traceparent()), event.at(), event.detail(),
                !fresh);
    }
}
