package io.imgpipe.gateway.live;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.imgpipe.contract.ActivityEvent;
import io.imgpipe.contract.Heartbeat;
import io.imgpipe.contract.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * This gateway's own subscription to the activity exchange: a server-named, exclusive, auto-delete queue bound to
 * every event. It wakes waiting requests and feeds the page's live updates, whichever gateway the upload went to.
 * Heartbeats go to their own listeners (the cluster view), never to the image event listeners.
 */
public final class ActivityFeed implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ActivityFeed.class);

    private final List<Consumer<ActivityEvent>> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<Heartbeat>> heartbeatListeners = new CopyOnWriteArrayList<>();
    private Channel channel;

    public void addListener(Consumer<ActivityEvent> listener) {
        listeners.add(listener);
    }

    public void addHeartbeatListener(Consumer<Heartbeat> listener) {
        heartbeatListeners.add(listener);
    }

    public void start(Connection connection) throws IOException {
        channel = connection.createChannel();
        String queue = channel.queueDeclare("", false, true, true, null).getQueue();
        channel.queueBind(queue, Topology.ACTIVITY_EXCHANGE, "#");
        channel.basicConsume(queue, true, new DefaultConsumer(channel) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
                deliver(envelope.getRoutingKey(), body);
            }
        });
    }

    /** Hands one activity message to the listeners of its kind: heartbeats apart from image events. */
    void deliver(String routingKey, byte[] body) {
        if (Topology.isHeartbeat(routingKey)) {
            Heartbeat beat;
            try {
                beat = Heartbeat.fromJson(body);
            } catch (UncheckedIOException e) {
                LOG.debug("event=ignored reason=not_a_heartbeat routing_key={}", routingKey);
                return;
            }
            notify(heartbeatListeners, beat);
            return;
        }
        ActivityEvent event;
        try {
            event = ActivityEvent.fromJson(body);
        } catch (UncheckedIOException e) {
            LOG.warn("event=ignored reason=not_an_activity_event routing_key={}", routingKey);
            return;
        }
        notify(listeners, event);
    }

    private static <T> void notify(List<Consumer<T>> to, T message) {
        for (Consumer<T> l : to) {
            try {
                l.accept(message);
            } catch (RuntimeException e) {
                LOG.warn("event=listener_failed error=\"{}\"", e.toString());
            }
        }
    }

    /** True when save2db committed something about the image (its original, result or failure). */
    public static boolean isStored(ActivityEvent e) {
        return "save2db".equals(e.service()) && "stored".equals(e.event());
    }

    public boolean isOpen() {
        return channel != null && channel.isOpen();
    }

    @Override
    public void close() {
        try {
            if (channel != null && channel.isOpen()) {
                channel.close();
            }
        } catch (IOException | TimeoutException | RuntimeException e) {
            // closing anyway
        }
    }
}
