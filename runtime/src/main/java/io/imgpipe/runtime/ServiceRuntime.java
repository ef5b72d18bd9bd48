package io.imgpipe.runtime;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.imgpipe.contract.ActivityEvent;
import io.imgpipe.contract.Topology;
import io.imgpipe.runtime.amqp.AmqpConnector;
import io.imgpipe.runtime.amqp.ConfirmingPublisher;
import io.imgpipe.runtime.amqp.MessageConsumer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * What every service starts with: a self-recovering AMQP connection with the topology declared, a confirming
 * publisher, a Prometheus registry with JVM metrics, a heartbeat for the cluster view, and (for workers) the admin
 * port. Workers that write to
 * PostgreSQL start through {@code DatabaseWorker} in the runtime-db module.
 */
public final class ServiceRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceRuntime.class);
    public static final Duration CONNECT_PATIENCE = Duration.ofSeconds(120);

    private final String service;
    private final Connection connection;
    private final ConfirmingPublisher publisher;
    private final PrometheusMeterRegistry registry;
    private final HeartbeatSender heartbeat;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    private ServiceRuntime(String service, Connection connection, PrometheusMeterRegistry registry,
                           int heartbeatSeconds) throws IOException {
        this.service = service;
        this.connection = connection;
        this.publisher = new ConfirmingPublisher(connection);
        this.registry = registry;
        this.heartbeat = new HeartbeatSender(service, heartbeatSeconds, publisher).start();
    }

    public static ServiceRuntime connect(String service, Infrastructure infra, PrometheusMeterRegistry registry)
            throws IOException {
        Connection connection = new AmqpConnector(infra.amqpUri()).connect("imgpipe-" + service, CONNECT_PATIENCE);
        try (Channel channel = connection.createChannel()) {
            Topology.declare(channel, infra.queues());
        } catch (TimeoutException e) {
            throw new IOException(e);
        }
        return new ServiceRuntime(service, connection, registry, infra.heartbeatSeconds());
    }

    /** A registry with the JVM binders; in one JVM the launcher shares one between the services. */
    public static PrometheusMeterRegistry newRegistry() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        return registry;
    }

    public String service() {
        return service;
    }

    public Connection connection() {
        return connection;
    }

    public ConfirmingPublisher publisher() {
        return publisher;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public boolean brokerConnected() {
        return connection.isOpen() && publisher.isOpen();
    }

    /** Publishes an activity event; the future completes on the broker's confirm. */
    public CompletableFuture<Void> activity(ActivityEvent event) {
        return publisher.publish(event.toMessage(), false);
    }

    /** This service instance's id in the cluster view: the host name and a random suffix per start. */
    public String instance() {
        return heartbeat.instance();
    }

    /**
     * Starts {@code consumer} on this runtime's connection, closes it when the runtime closes, and reports its
     * consumers, in-flight and handled counts in the heartbeat.
     */
    public <T extends MessageConsumer> T consume(T consumer) throws IOException {
        closeOnExit(consumer);
        heartbeat.watch(consumer);
        consumer.start(connection);
        return consumer;
    }

    /** Starts the admin port unless {@code port} is negative. */
    public void serveAdmin(int port, BooleanSupplier ready) throws IOException {
        if (port < 0) {
            return;
        }
        AdminServer admin = new AdminServer(port, ready, registry::scrape);
        closeables.add(admin);
        LOG.info("event=admin_started service={} port={}", service, admin.port());
    }

    /** Closes {@code resource} when the runtime closes, before the connection. */
    public <T extends AutoCloseable> T closeOnExit(T resource) {
        closeables.add(resource);
        return resource;
    }

    @Override
    public void close() {
        heartbeat.close();
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                LOG.warn("event=close_failed service={} error=\"{}\"", service, e.toString());
            }
        }
        publisher.close();
        try {
            connection.close(5_000);
        } catch (IOException | RuntimeException e) {
            // already closed
        }
    }
}
