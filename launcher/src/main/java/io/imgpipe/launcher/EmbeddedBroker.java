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
 * Apache Qpid Broker-J inside this JVM: a real AMQP 0-9-1 broker on a free loopback port. With a data directory its
 * messages live in an embedded Derby store and survive a crash or restart of the JVM (the one-JVM default);
 * without one they live in memory (tests).
 */
public final class EmbeddedBroker implements AutoCloseable {

    private final SystemLauncher launcher = new SystemLauncher();
    private final int port;
    private final Path work;

    private EmbeddedBroker(int port, Path work) {
        this.port = port;
        this.work = work;
    }

    /** @param dataDir where persistent messages are kept, or empty for an in-memory broker */
    public static EmbeddedBroker start(java.util.Optional<Path> dataDir) throws Exception {
        int port = freePort();
        Path work = Files.createTempDirectory("imgpipe-qpid");
        EmbeddedBroker broker = new EmbeddedBroker(port, work);
        URL config = configuration(work, dataDir);
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

    private static URL configuration(Path work, java.util.Optional<Path> dataDir) throws IOException {
        String template;
        try (var in = EmbeddedBroker.class.getClassLoader().getResourceAsStream("qpid-embedded.json")) {
            template = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        String json;
        if (dataDir.isPresent()) {
            Path store = dataDir.get().toAbsolutePath();
            Files.createDirectories(store);
            String path = store.toString().replace("\\", "/");
            json = template.replace("@STORE_TYPE@", "DERBY")
                    .replace("@NODE_STORE_PATH@", "\"storePath\": \"" + path + "/node\",")
                    .replace("@HOST_STORE_PATH@", ", \\\"storePath\\\": \\\"" + path + "/messages\\\"");
        } else {
            json = template.replace("@STORE_TYPE@", "Memory").replace("@NODE_STORE_PATH@", "")
                    .replace("@HOST_STORE_PATH@", "");
        }
        Path file = work.resolve("initial-config.json");
        Files.writeString(file, json);
        return file.toUri().toURL();
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
