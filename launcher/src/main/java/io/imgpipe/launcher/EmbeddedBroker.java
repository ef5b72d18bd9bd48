package io.imgpipe.launcher;

import org.apache.qpid.server.SystemLauncher;
import org.apache.qpid.server.model.SystemConfig;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * Apache Qpid Broker-J inside this JVM: a real AMQP 0-9-1 broker on a free loopback port. Its messages live in
 * PostgreSQL tables (the one-JVM default: they survive a crash or restart of the JVM) or in memory (tests).
 */
public final class EmbeddedBroker implements AutoCloseable {

    private final SystemLauncher launcher = new SystemLauncher();
    private final int port;
    private final Path work;

    private EmbeddedBroker(int port, Path work) {
        this.port = port;
        this.work = work;
    }

    /** Where the embedded broker keeps its messages. */
    public sealed interface Store {

        /** In memory: lost with the JVM (tests, and the floor the store's cost is measured against). */
        record Memory() implements Store {
        }

        /**
         * Qpid's JDBC store: tables {@code qpid_*} in a PostgreSQL database, the one-JVM default's own embedded one.
         * Measured cheapest of the durable stores tried (docs/benchmarks.md); it is as durable as that database.
         */
        record Jdbc(String url, String user, String password) implements Store {
        }
    }

    public static EmbeddedBroker start(Store store) throws Exception {
        int port = freePort();
        Path work = Files.createTempDirectory("imgpipe-qpid");
        EmbeddedBroker broker = new EmbeddedBroker(port, work);
        URL config = configuration(work, store);
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

    private static URL configuration(Path work, Store store) throws IOException {
        String template;
        try (var in = EmbeddedBroker.class.getClassLoader().getResourceAsStream("qpid-embedded.json")) {
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String node;
        String host;
        if (store instanceof Store.Jdbc jdbc) {
            node = "\"type\": \"JDBC\", \"connectionUrl\": " + quote(jdbc.url()) + ", \"username\": "
                    + quote(jdbc.user()) + ", \"password\": " + quote(jdbc.password())
                    + ", \"connectionPoolType\": \"" + PooledConnectionProviderFactory.TYPE + "\"";
            host = "{\"type\": \"ProvidedStore\"}";
        } else {
            node = "\"type\": \"Memory\"";
            host = "{\"type\": \"Memory\"}";
        }
        String json = template.replace("@NODE_ATTRIBUTES@", node).replace("@HOST_CONFIGURATION@", quote(host));
        Path file = work.resolve("initial-config.json");
        Files.writeString(file, json);
        return file.toUri().toURL();
    }

    /**
     * Whether the store already holds what a previous run left (its tables exist): when it does not, the broker
     * starts empty and jobs accepted before may have no message left (see {@link PendingRedrive}).
     */
    static boolean holdsPreviousRun(Store store) throws SQLException {
        if (!(store instanceof Store.Jdbc jdbc)) {
            return false;
        }
        try (var db = DriverManager.getConnection(jdbc.url(), jdbc.user(), jdbc.password());
             var rs = db.createStatement().executeQuery("SELECT to_regclass('qpid_queue_entries') IS NOT NULL")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    /** A JSON string literal. */
    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
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
