package io.imgpipe.runtime.amqp;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URISyntaxException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * Opens AMQP connections that recover by themselves: automatic connection and topology recovery, retried every
 * second, so a broker restart needs nobody to restart the services. A URI naming several nodes
 * ({@link AmqpAddresses}) connects to one of them, in a shuffled order, and recovers onto another when its node stops.
 */
public final class AmqpConnector {

    private static final Logger LOG = LoggerFactory.getLogger(AmqpConnector.class);

    private final ConnectionFactory factory = new ConnectionFactory();
    private final String uri;
    /** The cluster's nodes, or null for a URI with one host (which the factory resolves itself, as it always did). */
    private final List<Address> nodes;

    public AmqpConnector(String uri) {
        this.uri = uri;
        AmqpAddresses cluster = AmqpAddresses.isList(uri) ? AmqpAddresses.parse(uri) : null;
        this.nodes = cluster == null ? null : cluster.nodes();
        try {
            factory.setUri(cluster == null ? uri : cluster.uri());
        } catch (URISyntaxException | GeneralSecurityException e) {
            throw new IllegalArgumentException("invalid AMQP URI: " + redact(uri), e);
        }
        factory.setAutomaticRecoveryEnabled(true);
        factory.setTopologyRecoveryEnabled(true);
        factory.setNetworkRecoveryInterval(1000);
        factory.setRequestedHeartbeat(15);
        factory.setConnectionTimeout(10_000);
    }

    /** Connects, retrying until {@code patience} has passed (the broker may start after the service). */
    public Connection connect(String name, Duration patience) throws IOException {
        long deadline = System.nanoTime() + patience.toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            try {
                Connection connection = nodes == null
                        ? factory.newConnection(name) : factory.newConnection(nodes, name);
                LOG.info("event=amqp_connected name={} uri={} node={}", name, redact(uri), connection.getAddress());
                return connection;
            } catch (IOException e) {
                last = e;
            } catch (TimeoutException e) {
                last = new IOException(e);
            }
            LOG.warn("event=amqp_connect_retry name={} uri={} error=\"{}\"", name, redact(uri), last.getMessage());
            sleep(Duration.ofSeconds(1));
        }
        throw new IOException("could not connect to " + redact(uri) + " within " + patience, last);
    }

    /** The URI with its password hidden, for logs. */
    public static String redact(String uri) {
        return uri == null ? "" : uri.replaceAll("//([^:/@]+):[^@/]*@", "//$1:***@");
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
