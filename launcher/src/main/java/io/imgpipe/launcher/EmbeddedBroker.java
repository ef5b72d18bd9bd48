package io.imgpipe.launcher;

import org.apache.qpid.server.SystemLauncher;
import org.apache.qpid.server.model.SystemConfig;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Apache Qpid Broker-J inside this JVM: a real AMQP 0-9-1 broker with an in-memory store, on a free loopback port.
 * For the one-JVM default and tests; messages do not survive the JVM.
 */
public final class EmbeddedBroker implements AutoCloseable {

    private final SystemLauncher launcher = new SystemLauncher();
    private final int port;
    private final Path work;

    private EmbeddedBroker(int port, Path work) {
        this.port = port;
        this.work = work;
    }

    public static EmbeddedBroker start() throws Exception {
        int port = freePort();
        Path work = Files.createTempDirectory("imgpipe-qpid");
        EmbeddedBroker broker = new EmbeddedBroker(port, work);
        URL config = EmbeddedBroker.class.getClassLoader().getResource("qpid-embedded.json");
        Map<String, Object> attributes = new HashMap<>();
        attributes.put(SystemConfig.TYPE, "Memory");
        attributes.put(SystemConfig.INITIAL_CONFIGURATION_LOCATION, config.toExternalForm());
        attributes.put(SystemConfig.STARTUP_LOGGED_TO_SYSTEM_OUT, false);
        attributes.put(SystemConfig.CONTEXT, Map.of(
                "qpid.amqp_port", Integer.toString(port),
                "qpid.work_dir", work.toString(),
                "qpid.home_dir", work.toString()));
        broker.launcher.startup(attributes);
        return broker;
    }

    public String amqpUri() {
        return "amqp://guest:guest@127.0.0.1:" + port + "/default";
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        launcher.shutdown();
    }
}
