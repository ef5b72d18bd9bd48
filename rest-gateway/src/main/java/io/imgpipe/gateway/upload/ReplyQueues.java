package io.imgpipe.gateway.upload;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.imgpipe.contract.InboundMessage;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * Per-request reply queues for uploads that wait ({@code Prefer: wait=N}): server-named, exclusive, auto-delete,
 * declared for one request and deleted after it.
 */
public final class ReplyQueues {

    private final Connection connection;
    private final ThreadLocal<Channel> channels;

    public ReplyQueues(Connection connection) {
        this.connection = connection;
        this.channels = new ThreadLocal<>();
    }

    /** One open reply queue; the future completes with the transformer's reply. */
    public final class Reply implements AutoCloseable {
        private final Channel channel;
        private final String queue;
        private final String consumerTag;
        private final CompletableFuture<InboundMessage> future = new CompletableFuture<>();

        private Reply(Channel channel) throws IOException {
            this.channel = channel;
            this.queue = channel.queueDeclare("", false, true, true, null).getQueue();
            this.consumerTag = channel.basicConsume(queue, true, new DefaultConsumer(channel) {
                @Override
                public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
                    future.complete(new InboundMessage(envelope.getRoutingKey(), props, body, false));
                }
            });
        }

        public String queue() {
            return queue;
        }

        public CompletableFuture<InboundMessage> future() {
            return future;
        }

        @Override
        public void close() {
            try {
                // Auto-delete: cancelling its only consumer deletes the queue (an explicit delete would be one more
                // round trip, and on Qpid a 404 that closes the channel).
                channel.basicCancel(consumerTag);
            } catch (IOException | RuntimeException e) {
                // exclusive too: the broker removes it with the channel anyway
            }
        }
    }

    /** Declares a reply queue on this thread's channel (request threads each keep one). */
    public Reply open() throws IOException {
        Channel ch = channels.get();
        if (ch == null || !ch.isOpen()) {
            ch = connection.createChannel();
            channels.set(ch);
        }
        return new Reply(ch);
    }
}
