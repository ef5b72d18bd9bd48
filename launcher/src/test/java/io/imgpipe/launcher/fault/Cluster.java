package io.imgpipe.launcher.fault;

import io.imgpipe.testsupport.Await;
import io.imgpipe.testsupport.Ports;
import io.imgpipe.testsupport.ServiceProcess;
import io.imgpipe.testsupport.ServiceProcess.Launch;
import io.imgpipe.testsupport.ThrowawayDatabase;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The services of one fault test as separate processes on the machine's RabbitMQ and PostgreSQL, isolated from
 * everything else on them: a fresh RabbitMQ vhost (so no leftover queue or message of another run mixes in) and a
 * fresh database, both removed at the end. Also the handles to hurt the infrastructure itself.
 *
 * <p>Needs {@code IMGPIPE_TEST_AMQP_URI} and {@code IMGPIPE_TEST_JDBC_URL} (and {@code rabbitmqctl},
 * {@code pg_ctlcluster} on the path, run as a user allowed to use them, as CI does).
 */
public final class Cluster implements AutoCloseable {

    public static final String AMQP_ENV = "IMGPIPE_TEST_AMQP_URI";
    public static final String JDBC_ENV = "IMGPIPE_TEST_JDBC_URL";

    private static final Duration HALF_A_SECOND = Duration.ofMillis(500);

    private final String vhost;
    private final ThrowawayDatabase database;
    private final String jdbcUrl;
    private final String amqpUri;
    private final String dbUser;
    private final String dbPassword;
    private final Path logDir;
    private final List<ServiceProcess> processes = new ArrayList<>();
    private final Map<String, Integer> generations = new HashMap<>();

    private Cluster(String label, ThrowawayDatabase database, String dbUser, String dbPassword) {
        this.database = database;
        this.vhost = database.name();
        this.dbUser = dbUser;
        this.dbPassword = dbPassword;
        this.amqpUri = withVhost(System.getenv(AMQP_ENV), vhost);
        this.jdbcUrl = database.jdbcUrl();
        this.logDir = Path.of("target", "fault-logs",
                label + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("HHmmss")));
    }

    /** Creates the vhost and the database. */
    public static Cluster create(String label) throws Exception {
        String dbUser = System.getenv().getOrDefault("IMGPIPE_TEST_DB_USER", "postgres");
        String dbPassword = System.getenv().getOrDefault("IMGPIPE_TEST_DB_PASSWORD", "");
        // the vhost takes the database's name, so the two of one run are easy to match
        Cluster c = new Cluster(label, ThrowawayDatabase.create(System.getenv(JDBC_ENV), dbUser, dbPassword,
                "imgpipe_it_", 10), dbUser, dbPassword);
        rabbitmqctl("add_vhost", c.vhost);
        rabbitmqctl("set_permissions", "-p", c.vhost, "guest", ".*", ".*", ".*");
        System.out.println("[fault] vhost=" + c.vhost + " database=" + c.database.name() + " logs="
                + c.logDir.toAbsolutePath());
        return c;
    }

    /** The settings every service of this cluster gets. */
    public Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("IMGPIPE_AMQP_URI", amqpUri);
        env.put("IMGPIPE_JDBC_URL", jdbcUrl);
        env.put("IMGPIPE_DB_USER", dbUser);
        env.put("IMGPIPE_DB_PASSWORD", dbPassword);
        env.put("IMGPIPE_LOG_LEVEL", "INFO");
        return env;
    }

    /** Starts a worker (transformer, save2db or logger) on a free admin port; not yet waited for. */
    public ServiceProcess startWorker(String module, Map<String, String> extra) {
        int port = Ports.free();
        Map<String, String> env = env();
        env.put("IMGPIPE_ADMIN_PORT", Integer.toString(port));
        env.putAll(extra);
        return track(ServiceProcess.start(nextName(module), launch(module), env, port, logDir));
    }

    /** Starts a gateway on a free HTTP port; not yet waited for. */
    public ServiceProcess startGateway(Map<String, String> extra) {
        int port = Ports.free();
        Map<String, String> env = env();
        env.put("IMGPIPE_HTTP_HOST", "127.0.0.1");
        env.put("IMGPIPE_HTTP_PORT", Integer.toString(port));
        env.put("IMGPIPE_HTTP_THREADS", "32");
        env.put("IMGPIPE_DB_POOL_SIZE", "2");
        env.putAll(extra);
        return track(ServiceProcess.start(nextName("gateway"), launch("rest-gateway"), env, port, logDir));
    }

    /** Small heaps and the serial collector: five JVMs share two cores with the test. */
    private static Launch launch(String module) {
        return Launch.module(module).withFlags("-Xmx384m", "-XX:+UseSerialGC");
    }

    private synchronized String nextName(String module) {
        int n = generations.merge(module, 1, Integer::sum);
        return module + "-" + n;
    }

    private synchronized ServiceProcess track(ServiceProcess p) {
        processes.add(p);
        return p;
    }

    public synchronized List<ServiceProcess> processes() {
        return List.copyOf(processes);
    }

    public String amqpUri() {
        return amqpUri;
    }

    public String vhost() {
        return vhost;
    }

    public Connection db() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, dbUser, dbPassword);
    }

    // ------------------------------------------------------------------------------- hurting the infrastructure

    /** {@code pg_ctlcluster <version> main stop}: every service loses its database connections. */
    public static void stopPostgres() {
        run(Duration.ofSeconds(60), "pg_ctlcluster", "--skip-systemctl-redirect", pgVersion(), "main", "stop");
    }

    public static void startPostgres() {
        run(Duration.ofSeconds(60), "pg_ctlcluster", "--skip-systemctl-redirect", pgVersion(), "main", "start");
    }

    /** Starts PostgreSQL unless it is already running (for finally blocks). */
    public static void ensurePostgres() {
        try {
            startPostgres();
        } catch (RuntimeException e) {
            // "already running" is a non-zero exit: what we want
        }
    }

    /** {@code rabbitmqctl stop_app}: the broker closes every connection, durable queues and persistent messages stay. */
    public static void stopRabbit() {
        rabbitmqctl("stop_app");
    }

    public static void startRabbit() {
        rabbitmqctl("start_app");
    }

    private static String pgVersion() {
        String configured = System.getenv("IMGPIPE_TEST_PG_VERSION");
        if (configured != null && !configured.isBlank()) {
            return configured.trim();
        }
        try (var versions = Files.list(Path.of("/etc/postgresql"))) {
            return versions.map(p -> p.getFileName().toString()).filter(v -> v.matches("\\d+"))
                    .max((a, b) -> Integer.compare(Integer.parseInt(a), Integer.parseInt(b))).orElse("15");
        } catch (IOException e) {
            return "15";
        }
    }

    static String rabbitmqctl(String... args) {
        List<String> command = new ArrayList<>();
        command.add("rabbitmqctl");
        command.addAll(List.of(args));
        return run(Duration.ofSeconds(90), command.toArray(String[]::new));
    }

    static String run(Duration timeout, String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " took longer than " + timeout);
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited " + p.exitValue() + ": " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------------------------------- the ledger

    /** What PostgreSQL holds for a set of accepted uploads. */
    public record Ledger(int accepted, int stored, Set<String> lost, int failed, int duplicates, int missingEvents) {
        public String line() {
            return "accepted " + accepted + ", stored " + stored + ", lost " + lost.size() + ", duplicates " + duplicates
                    + " (failed " + failed + ", activity events missing " + missingEvents + ")";
        }
    }

    /**
     * Waits until every accepted id has its original and its result or failure in the database (or until
     * {@code patience} has passed), then counts. Duplicates are messages save2db received more than once (each
     * delivery announces {@code save2db.stored}; a redelivery is a second one for the same image and kind).
     */
    public Ledger settle(Collection<String> accepted, Duration patience) throws SQLException {
        Set<String> ids = new HashSet<>(accepted);
        Set<String> complete = Await.until(patience, HALF_A_SECOND, () -> complete(ids),
                done -> done.size() == ids.size());
        Set<String> lost = new HashSet<>(ids);
        lost.removeAll(complete);
        // the logger is last in line: give its events a little longer
        int missingEvents = Await.until(Duration.ofSeconds(20), HALF_A_SECOND,
                () -> ids.size() - count("SELECT count(DISTINCT image_id) FROM activity_events "
                        + "WHERE service = 'gateway' AND event = 'accepted' AND image_id = ANY(?)", ids),
                missing -> missing == 0);
        int failed = count("SELECT count(*) FROM failures WHERE image_id = ANY(?)", ids);
        int deliveries = count("SELECT count(*) FROM activity_events WHERE service = 'save2db' AND event = 'stored' "
                + "AND image_id = ANY(?)", ids);
        int distinct = count("SELECT count(*) FROM (SELECT DISTINCT image_id, detail->>'kind' FROM activity_events "
                + "WHERE service = 'save2db' AND event = 'stored' AND image_id = ANY(?)) d", ids);
        return new Ledger(ids.size(), complete.size(), lost, failed, deliveries - distinct, missingEvents);
    }

    private Set<String> complete(Set<String> ids) throws SQLException {
        Set<String> done = new HashSet<>();
        try (Connection c = db(); PreparedStatement ps = c.prepareStatement("""
                SELECT o.image_id FROM originals o
                WHERE o.image_id = ANY(?)
                  AND (EXISTS (SELECT 1 FROM results r WHERE r.image_id = o.image_id)
                       OR EXISTS (SELECT 1 FROM failures f WHERE f.image_id = o.image_id))""")) {
            ps.setArray(1, c.createArrayOf("text", ids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    done.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            if (!"42P01".equals(e.getSQLState())) { // tables not migrated yet
                throw e;
            }
        }
        return done;
    }

    public int count(String sql, Collection<String> ids) throws SQLException {
        try (Connection c = db(); PreparedStatement ps = c.prepareStatement(sql)) {
            Array array = c.createArrayOf("text", ids.toArray());
            ps.setArray(1, array);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return 0;
            }
            throw e;
        }
    }

    /** The failure reason stored for an image, or null. */
    public String failureReason(String id) throws SQLException {
        try (Connection c = db(); PreparedStatement ps = c.prepareStatement(
                "SELECT reason FROM failures WHERE image_id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    // ------------------------------------------------------------------------------------------------- helpers

    static String withVhost(String uri, String vhost) {
        URI u = URI.create(uri);
        return u.getScheme() + "://" + u.getRawAuthority() + "/" + vhost
                + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
    }

    /** Stops every process, then removes the vhost and the database. */
    @Override
    public void close() {
        for (ServiceProcess p : processes()) {
            p.close();
        }
        try {
            rabbitmqctl("delete_vhost", vhost);
        } catch (RuntimeException e) {
            System.out.println("[fault] could not delete vhost " + vhost + ": " + e.getMessage());
        }
        database.close();
    }
}
