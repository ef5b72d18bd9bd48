package io.imgpipe.runtime.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.ShutdownSignalException;
import io.imgpipe.contract.OutboundMessage;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes with publisher confirms and the mandatory flag, and tells each caller when the broker has taken its
 * message: the future completes when the message is confirmed and routed, and fails when it was returned
 * (unroutable), nacked, or the channel was lost before the confirm. Thread-safe; confirms are asynchronous so many
 * publishes can be in flight on one channel.
 */
public final class ConfirmingPublisher implements AutoCloseable {

    private static final String PUBLISH_ID = "x-imgpipe-publish-id";

    private final Channel channel;
    private final NavigableMap<Long, Pending> pending = new ConcurrentSkipListMap<>();
    private final Set<String> returned = ConcurrentHashMap.newKeySet();
    private final AtomicLong publishIds = new AtomicLong();
    private final Object publishLock = new Object();

    private record Pending(String publishId, CompletableFuture<Void> future) {
    }

    public ConfirmingPublisher(Connection connection) throws IOException {
        this.channel = connection.createChannel();
        channel.confirmSelect();
        channel.addReturnListener(r -> {
            Object id = r.getProperties().getHeaders() == null ? null : r.getProperties().getHeaders().get(PUBLISH_ID);
            if (id != null) {
                returned.add(id.toString());
            }
        });
        channel.addConfirmListener((tag, multiple) -> settle(tag, multiple, true), (tag, multiple) -> settle(tag, multiple, false));
        channel.addShutdownListener(this::failAll);
        if (channel instanceof Recoverable recoverable) {
            recoverable.addRecoveryListener(new RecoveryListener() {
                @Override
                public void handleRecovery(Recoverable r) {
                    failAll(new IOException("channel recovered; confirms of earlier publishes are lost"));
                }

                @Override
                public void handleRecoveryStarted(Recoverable r) {
                    failAll(new IOException("connection lost before the broker confirmed"));
                }
            });
        }
    }

    /** Publishes one message; the future completes once the broker has confirmed it and routed it to a queue. */
    public CompletableFuture<Void> publish(OutboundMessage message) {
        return publish(message, true);
    }

    /** Publishes one message; {@code mandatory=false} is for replies whose queue may be gone. */
    public CompletableFuture<Void> publish(OutboundMessage message, boolean mandatory) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        String publishId = Long.toString(publishIds.incrementAndGet());
        AMQP.BasicProperties props = withPublishId(message.properties(), publishId);
        synchronized (publishLock) {
            long seqNo = channel.getNextPublishSeqNo();
            pending.put(seqNo, new Pending(publishId, future));
            try {
                channel.basicPublish(message.exchange(), message.routingKey(), mandatory, props, message.body());
            } catch (IOException | RuntimeException e) {
                pending.remove(seqNo);
                future.completeExceptionally(e);
            }
        }
        return future;
    }

    public boolean isOpen() {
        return channel.isOpen();
    }

    private void settle(long tag, boolean multiple, boolean ack) {
        Map<Long, Pending> done = multiple ? pending.headMap(tag, true) : single(tag);
        for (Map.Entry<Long, Pending> e : Map.copyOf(done).entrySet()) {
            pending.remove(e.getKey());
            Pending p = e.getValue();
            boolean wasReturned = returned.remove(p.publishId());
            if (!ack) {
                p.future().completeExceptionally(new UnroutableException("the broker refused the message (nack)"));
            } else if (wasReturned) {
                p.future().completeExceptionally(new UnroutableException("no queue is bound for this message"));
            } else {
                p.future().complete(null);
            }
        }
    }

    private Map<Long, Pending> single(long tag) {
        Pending p = pending.get(tag);
        return p == null ? Map.of() : Map.of(tag, p);
    }

    private void failAll(Object cause) {
        Exception error = cause instanceof ShutdownSignalException s
                ? new IOException("channel closed before the broker confirmed: " + s.getMessage(), s)
                : (Exception) cause;
        for (Long tag : pending.keySet()) {
            Pending p = pending.remove(tag);
            if (p != null) {
                p.future().completeExceptionally(error);
            }
        }
        returned.clear();
    }

    private static AMQP.BasicProperties withPublishId(AMQP.BasicProperties props, String publishId) {
        Map<String, Object> headers = new HashMap<>(props.getHeaders() == null ? Map.of() : props.getHeaders());
        headers.put(PUBLISH_ID, publishId);
        return props.builder().headers(headers).build();
    }

    @Override
    public void close() {
        try {
            if (channel.isOpen()) {
                channel.close();
            }
        } catch (IOException | TimeoutException | ShutdownSignalException e) {
            // closing anyway
        }
    }
}
