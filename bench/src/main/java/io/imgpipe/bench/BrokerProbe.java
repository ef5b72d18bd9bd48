package io.imgpipe.bench;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

import java.io.IOException;
import java.time.Duration;

/**
 * Looks at the pipeline's queues from outside (passive declares): how deep they are and who consumes them, so a
 * phase starts only when the previous one's work is done and the transformers it expects are listening.
 */
final class BrokerProbe implements AutoCloseable {

    private final Connection connection;
    private Channel channel;

    BrokerProbe(String amqpUri) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(amqpUri);
        factory.setConnectionTimeout(10_000);
        factory.setAutomaticRecoveryEnabled(false);
        this.connection = factory.newConnection("imgpipe-bench-probe");
    }

    private Channel channel() throws IOException {
        // A failed passive declare closes the channel; open another for the next question.
        if (channel == null || !channel.isOpen()) {
            channel = connection.createChannel();
        }
        return channel;
    }

    long messages(String queue) throws IOException {
        return channel().queueDeclarePassive(queue).getMessageCount();
    }

    int consumers(String queue) throws IOException {
        return channel().queueDeclarePassive(queue).getConsumerCount();
    }

    /** Drops the jobs nobody will transform (left by the ingest phase, which runs without a transformer). */
    long purge(String queue) throws IOException {
        return channel().queuePurge(queue).getMessageCount();
    }

    /** True once every queue is empty; false when {@code patience} ran out. */
    boolean awaitEmpty(Duration patience, String... queues) throws IOException, InterruptedException {
        long until = System.nanoTime() + patience.toNanos();
        while (true) {
            boolean empty = true;
            for (String q : queues) {
                empty &= messages(q) == 0;
            }
            if (empty) {
                return true;
            }
            if (System.nanoTime() >= until) {
                return false;
            }
            Thread.sleep(100);
        }
    }

    @Override
    public void close() {
        try {
            connection.close(5_000);
        } catch (IOException | RuntimeException e) {
            // the pipeline is being torn down anyway
        }
    }
}
