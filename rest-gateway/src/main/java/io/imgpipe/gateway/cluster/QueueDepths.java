package io.imgpipe.gateway.cluster;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.imgpipe.contract.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * How many messages wait in each work queue and how many consumers read it, asked of the broker with a passive
 * declare when the cluster view is requested (as {@code QueueDepth} does for load shedding).
 */
public final class QueueDepths implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(QueueDepths.class);
    static final List<String> WORK_QUEUES = List.of(Topology.TRANSFORMER_QUEUE, Topology.SAVE2DB_QUEUE,
            Topology.LOGGER_QUEUE);

    /** One work queue's depth: {@code messages} ready for delivery, {@code consumers} subscribed. */
    public record Depth(String queue, long messages, long consumers) {
    }

    private final Connection connection;
    private Channel channel;

    public QueueDepths(Connection connection) {
        this.connection = connection;
    }

    /** The work queues' depths; empty when the broker cannot be asked right now. */
    public synchronized List<Depth> sample() {
        List<Depth> depths = new ArrayList<>(WORK_QUEUES.size());
        try {
            if (channel == null || !channel.isOpen()) {
                channel = connection.createChannel();
            }
            for (String queue : WORK_QUEUES) {
                AMQP.Queue.DeclareOk ok = channel.queueDeclarePassive(queue);
                depths.add(new Depth(queue, ok.getMessageCount(), ok.getConsumerCount()));
            }
            return depths;
        } catch (IOException | RuntimeException e) {
            LOG.debug("event=queue_depths_unavailable error=\"{}\"", e.toString());
            return List.of();
        }
    }

    @Override
    public synchronized void close() {
        try {
            if (channel != null && channel.isOpen()) {
                channel.close();
            }
        } catch (IOException | TimeoutException | RuntimeException e) {
            // closing anyway
        }
    }
}
