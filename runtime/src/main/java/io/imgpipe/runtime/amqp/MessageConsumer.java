package io.imgpipe.runtime.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.imgpipe.contract.InboundMessage;
import io.imgpipe.contract.MalformedMessageException;
import io.imgpipe.contract.MessageHeaders;
import io.imgpipe.contract.Traceparent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one consumer base class of every service: manual acknowledgement after {@link #handle} returns (its effect is
 * committed by then), a bounded number of messages in flight ({@code concurrency}, also the prefetch), handled on
 * the service's own worker threads.
 *
 * <p>A message that breaks the contract ({@link MalformedMessageException}) is logged and
 * dropped: no retry can mend it.
 *
 * <p>When {@link #handle} throws anything else, the failure is treated as transient (database down, broker busy): the message is
 * put back after a short pause so that it is retried, without spinning. Permanent failures (a bad image) are not
 * exceptions: the handler records them as outcomes and returns normally.
 */
public abstract class MessageConsumer implements AutoCloseable {

    private static final long RETRY_PAUSE_MS = 1_000;

    protected final Logger log = LoggerFactory.getLogger(getClass());
    private final String queue;
    private final int concurrency;
    private final ExecutorService workers;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong handled = new AtomicLong();
    private volatile Channel channel;

    protected MessageConsumer(String queue, int concurrency) {
        this.queue = queue;
        this.concurrency = concurrency;
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(concurrency, r -> {
            Thread t = new Thread(r, queue + "-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Handles one message; returns once its effect is durable. Throw to have it retried. */
    protected abstract void handle(InboundMessage message) throws Exception;

    public void start(Connection connection) throws IOException {
        Channel ch = connection.createChannel();
        ch.basicQos(concurrency);
        ch.basicConsume(queue, false, queue + "-" + ProcessHandle.current().pid() + "-" + System.identityHashCode(this),
                new DefaultConsumer(ch) {
                    @Override
                    public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
                        inFlight.incrementAndGet();
                        workers.execute(() -> process(ch, new InboundMessage(envelope.getRoutingKey(), props, body,
                                envelope.isRedeliver()), envelope.getDeliveryTag()));
                    }
                });
        this.channel = ch;
        log.info("event=consumer_started queue={} concurrency={}", queue, concurrency);
    }

    private void process(Channel ch, InboundMessage message, long deliveryTag) {
        try {
            handle(message);
            ch.basicAck(deliveryTag, false);
            handled.incrementAndGet();
        } catch (MalformedMessageException e) {
            log.error("event=discarded queue={} routing_key={} reason=\"{}\"", queue, message.routingKey(),
                    e.getMessage());
            ack(ch, deliveryTag);
        } catch (Exception | Error e) {
            // An Error (e.g. OutOfMemoryError) must not leave the message unacknowledged forever: requeue it, and
            // let the redelivery count decide (the transformer parks a message that keeps failing as poison).
            log.warn("event=handle_failed queue={} image_id={} trace_id={} error=\"{}\" action=requeue",
                    queue, message.string(MessageHeaders.IMAGE_ID).orElse("-"),
                    Traceparent.traceId(message.traceparent()), e.toString());
            pause();
            try {
                ch.basicNack(deliveryTag, false, true);
            } catch (IOException | RuntimeException nackFailed) {
                // the channel is gone: the broker redelivers the message anyway
            }
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private static void ack(Channel ch, long deliveryTag) {
        try {
            ch.basicAck(deliveryTag, false);
        } catch (IOException | RuntimeException e) {
            // the channel is gone: the broker redelivers it, and it is discarded again
        }
    }

    private static void pause() {
        try {
            Thread.sleep(RETRY_PAUSE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public int inFlight() {
        return inFlight.get();
    }

    /** Messages handled and acknowledged since start (the cluster view derives a rate from it). */
    public long handled() {
        return handled.get();
    }

    public String queue() {
        return queue;
    }

    public boolean isConsuming() {
        Channel ch = channel;
        return ch != null && ch.isOpen();
    }

    @Override
    public void close() {
        Channel ch = channel;
        try {
            if (ch != null && ch.isOpen()) {
                ch.close();
            }
        } catch (IOException | TimeoutException | RuntimeException e) {
            // closing anyway
        }
        workers.shutdown();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
