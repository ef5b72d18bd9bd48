package io.imgpipe.gateway.upload;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.imgpipe.contract.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Watches how many jobs wait in the {@code transformer} queue (a passive declare twice a second), so that uploads
 * can be shed with 503 before queues and memory grow without bound.
 */
public final class QueueDepth implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(QueueDepth.class);

    private final Connection connection;
    private final long limit;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "queue-depth");
        t.setDaemon(true);
        return t;
    });
    private volatile long depth;
    private Channel channel;

    public QueueDepth(Connection connection, long limit) {
        this.connection = connection;
        this.limit = limit;
    }

    public QueueDepth start() {
        timer.scheduleWithFixedDelay(this::sample, 0, 500, TimeUnit.MILLISECONDS);
        return this;
    }

    private void sample() {
        try {
            if (channel == null || !channel.isOpen()) {
                channel = connection.createChannel();
            }
            depth = channel.queueDeclarePassive(Topology.TRANSFORMER_QUEUE).getMessageCount();
        } catch (Exception e) {
            LOG.debug("event=queue_depth_unavailable error=\"{}\"", e.toString());
        }
    }

    public long depth() {
        return depth;
    }

    public long limit() {
        return limit;
    }

    public boolean overloaded() {
        return depth > limit;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
