package io.imgpipe.launcher.fault;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.imgpipe.contract.ActivityEvent;
import io.imgpipe.contract.Topology;
import io.imgpipe.testsupport.Await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * The test's own view of the {@code activity} exchange: an exclusive queue bound to {@code #}, so a test can wait
 * for "transformer started image X" and pull the plug at that very moment. Recovers after a broker restart.
 */
public final class ActivityWatch implements AutoCloseable {

    private final Connection connection;
    private final List<ActivityEvent> events = new CopyOnWriteArrayList<>();

    public ActivityWatch(String amqpUri) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(amqpUri);
        factory.setAutomaticRecoveryEnabled(true);
        factory.setNetworkRecoveryInterval(1000);
        connection = factory.newConnection("imgpipe-fault-test");
        Channel channel = connection.createChannel();
        channel.exchangeDeclare(Topology.ACTIVITY_EXCHANGE, "topic", true);
        String queue = channel.queueDeclare().getQueue();
        channel.queueBind(queue, Topology.ACTIVITY_EXCHANGE, "#");
        channel.basicConsume(queue, true, (tag, delivery) -> {
            if (Topology.isHeartbeat(delivery.getEnvelope().getRoutingKey())) {
                return; // the services' heartbeats: about the cluster, not an image
            }
            try {
                events.add(ActivityEvent.fromJson(delivery.getBody()));
            } catch (RuntimeException e) {
                // not an event of ours
            }
        }, tag -> { });
    }

    /** Waits for an event matching {@code what}; fails after {@code patience}. */
    public ActivityEvent await(String description, Predicate<ActivityEvent> what, Duration patience) {
        return Await.found("activity event '" + description + "'", patience, Duration.ofMillis(50),
                () -> events.stream().filter(what).findFirst(), () -> "");
    }

    /** Every event seen so far that matches {@code what}, in arrival order. */
    public List<ActivityEvent> seen(Predicate<ActivityEvent> what) {
        return events.stream().filter(what).toList();
    }

    public static Predicate<ActivityEvent> is(String imageId, String service, String event) {
        return e -> imageId.equals(e.imageId()) && service.equals(e.service()) && event.equals(e.event());
    }

    @Override
    public void close() throws Exception {
        if (connection.isOpen()) {
            connection.close(2_000);
        }
    }
}
