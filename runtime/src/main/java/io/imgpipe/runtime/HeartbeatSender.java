package io.imgpipe.runtime;

import io.imgpipe.contract.Heartbeat;
import io.imgpipe.runtime.amqp.ConfirmingPublisher;
import io.imgpipe.runtime.amqp.MessageConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Publishes this service's {@link Heartbeat} every few seconds for the gateway's cluster view. A beat that cannot be
 * published is only logged at debug: the next one says the same, and a service must never fail for want of it.
 */
final class HeartbeatSender implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatSender.class);

    private final String instance;
    private final String service;
    private final String version;
    private final long startedAt = System.currentTimeMillis();
    private final int intervalSeconds;
    private final ConfirmingPublisher publisher;
    private final List<MessageConsumer> consumers = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "heartbeat");
        t.setDaemon(true);
        return t;
    });

    HeartbeatSender(String service, int intervalSeconds, ConfirmingPublisher publisher) {
        this.instance = hostName() + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        this.service = service;
        this.version = version();
        this.intervalSeconds = intervalSeconds;
        this.publisher = publisher;
    }

    HeartbeatSender start() {
        timer.scheduleWithFixedDelay(this::beat, 0, intervalSeconds, TimeUnit.SECONDS);
        return this;
    }

    void watch(MessageConsumer consumer) {
        consumers.add(consumer);
    }

    String instance() {
        return instance;
    }

    Heartbeat current() {
        int consuming = 0;
        int inFlight = 0;
        long handled = 0;
        for (MessageConsumer c : consumers) {
            consuming += c.isConsuming() ? 1 : 0;
            inFlight += c.inFlight();
            handled += c.handled();
        }
        List<String> queues = consumers.stream().map(MessageConsumer::queue).distinct().toList();
        return new Heartbeat(instance, service, version, startedAt, System.currentTimeMillis(), intervalSeconds,
                queues, consuming, inFlight, handled);
    }

    private void beat() {
        try {
            publisher.publish(current().toMessage(), false).whenComplete((ok, e) -> {
                if (e != null) {
                    LOG.debug("event=heartbeat_not_published service={} error=\"{}\"", service, e.toString());
                }
            });
        } catch (RuntimeException e) {
            LOG.debug("event=heartbeat_not_published service={} error=\"{}\"", service, e.toString());
        }
    }

    /** The version in the shaded jar's manifest; {@code dev} when run from classes (tests, the IDE). */
    private static String version() {
        String v = HeartbeatSender.class.getPackage().getImplementationVersion();
        return v == null || v.isBlank() ? "dev" : v;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
