package io.imgpipe.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL primary and its streaming replica from the machine's own binaries: {@code initdb} of a new
 * cluster on a free loopback port ({@code wal_level=replica}), {@code pg_basebackup -R} of it, and the standby on a
 * second port, both under one temporary folder. The machine's own PostgreSQL, its configuration and its port are
 * never touched. Run as root (as CI does), every server command runs as the {@code postgres} user, since PostgreSQL
 * refuses to run as root.
 */
public final class ReplicatedPostgres implements AutoCloseable {

    public static final String DATABASE = "imgpipe";
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(90);

    private static final List<ReplicatedPostgres> RUNNING = new CopyOnWriteArrayList<>();

    static {
        // If the test JVM ends without closing, the servers (detached by pg_ctl) would outlive it.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(ReplicatedPostgres::close),
                "replicated-postgres-cleanup"));
    }

    private final Path dir;
    private final Path bin;
    private final int primaryPort;
    private final int replicaPort;
    private final List<Path> started = new ArrayList<>();

    private ReplicatedPostgres(Path dir, Path bin, int primaryPort, int replicaPort) {
        this.dir = dir;
        this.bin = bin;
        this.primaryPort = primaryPort;
        this.replicaPort = replicaPort;
    }

    /** The newest {@code /usr/lib/postgresql/<version>/bin} with initdb and pg_basebackup, if any. */
    public static Optional<Path> binaries() {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.filter(v -> v.getFileName().toString().matches("\\d+"))
                    .max(Comparator.comparingInt(v -> Integer.parseInt(v.getFileName().toString())))
                    .map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_basebackup")));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** True when this machine can run the pair (the binaries, and not root without a postgres user). */
    public static boolean available() {
        return binaries().isPresent() && (!isRoot() || Files.isExecutable(Path.of("/usr/sbin/runuser")));
    }

    /** Starts the primary with the database {@value #DATABASE}, then its replica, and waits until it streams. */
    public static ReplicatedPostgres start() throws IOException, SQLException {
        Path bin = binaries().orElseThrow(() -> new IllegalStateException("no PostgreSQL binaries under /usr/lib/postgresql"));
        Path dir = Files.createTempDirectory("imgpipe-pg-");
        ReplicatedPostgres pg = new ReplicatedPostgres(dir, bin, Ports.free(), Ports.free());
        RUNNING.add(pg);
        try {
            pg.ownedByServer(dir);
            Path primary = dir.resolve("primary");
            pg.run(bin.resolve("initdb").toString(), "-D", primary.toString(), "-U", "postgres", "--auth=trust",
                    "--no-sync", "-E", "UTF8");
            Files.writeString(primary.resolve("postgresql.auto.conf"), settings(pg.primaryPort, dir)
                    + "wal_level = replica\nmax_wal_senders = 4\nwal_keep_size = 64MB\n");
            pg.startServer(primary);
            try (Connection c = DriverManager.getConnection(url(pg.primaryPort, "postgres"), "postgres", "");
                 Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + DATABASE);
            }
            Path replica = dir.resolve("replica");
            pg.run(bin.resolve("pg_basebackup").toString(), "-h", "127.0.0.1", "-p", Integer.toString(pg.primaryPort),
                    "-U", "postgres", "-D", replica.toString(), "-R", "-X", "stream", "--no-sync",
                    "--checkpoint=fast"); // the default, spread, waits minutes for the checkpoint after CREATE DATABASE
            // -R wrote primary_conninfo and standby.signal; the copied settings still name the primary's port
            Files.writeString(replica.resolve("postgresql.auto.conf"),
                    Files.readString(replica.resolve("postgresql.auto.conf")) + settings(pg.replicaPort, dir)
                            + "hot_standby = on\n");
            pg.startServer(replica);
            Await.found("the replica streaming from the primary", Duration.ofSeconds(30), Duration.ofMillis(200),
                    pg::streaming, () -> " (log: " + ChildProcesses.tail(replica.resolve("server.log"), 20) + ")");
            return pg;
        } catch (IOException | SQLException | RuntimeException | Error e) {
            pg.close();
            throw e;
        }
    }

    public String primaryJdbcUrl() {
        return url(primaryPort, DATABASE);
    }

    public String replicaJdbcUrl() {
        return url(replicaPort, DATABASE);
    }

    public Connection primary() throws SQLException {
        return DriverManager.getConnection(primaryJdbcUrl(), "postgres", "");
    }

    public Connection replica() throws SQLException {
        return DriverManager.getConnection(replicaJdbcUrl(), "postgres", "");
    }

    /** Stops applying the primary's WAL (it still arrives): the replica now lags for as long as the test wants. */
    public void pauseReplay() throws SQLException {
        try (Connection c = replica(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_wal_replay_pause()");
        }
        Await.found("replay paused", Duration.ofSeconds(10), Duration.ofMillis(50), () -> {
            try (Connection c = replica(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT pg_is_wal_replay_paused()")) {
                rs.next();
                return rs.getBoolean(1) ? Optional.of(true) : Optional.empty();
            }
        }, () -> "");
    }

    /** Applies the WAL again and waits until the replica has replayed everything the primary had committed. */
    public void resumeReplay() throws SQLException {
        String target;
        try (Connection c = primary(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn()::text")) {
            rs.next();
            target = rs.getString(1);
        }
        try (Connection c = replica(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_wal_replay_resume()");
        }
        Await.found("replay caught up with " + target, Duration.ofSeconds(30), Duration.ofMillis(50), () -> {
            try (Connection c = replica(); var ps = c.prepareStatement(
                    "SELECT pg_last_wal_replay_lsn() >= ?::pg_lsn")) {
                ps.setString(1, target);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getBoolean(1) ? Optional.of(true) : Optional.empty();
                }
            }
        }, () -> "");
    }

    private Optional<Boolean> streaming() throws SQLException {
        try (Connection c = DriverManager.getConnection(url(primaryPort, "postgres"), "postgres", "");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")) {
            rs.next();
            return rs.getInt(1) > 0 ? Optional.of(true) : Optional.empty();
        }
    }

    private static String settings(int port, Path dir) {
        return "port = " + port + "\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '" + dir + "'\n"
                + "fsync = off\nshared_buffers = 32MB\nmax_connections = 40\n";
    }

    private static String url(int port, String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    private void startServer(Path data) {
        run(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", data.resolve("server.log").toString(),
                "-w", "-t", "60", "start");
        started.add(data);
    }

    /** Runs a PostgreSQL tool (as postgres when we are root); fails with its output on a non-zero exit. */
    private void run(String... command) {
        List<String> full = new ArrayList<>();
        if (isRoot()) {
            full.addAll(List.of("/usr/sbin/runuser", "-u", "postgres", "--"));
        }
        full.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(full).directory(dir.toFile()).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readNBytes(1 << 20);
            if (!p.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " took longer than " + COMMAND_TIMEOUT);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited " + p.exitValue() + ": "
                        + new String(out, StandardCharsets.UTF_8).strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void ownedByServer(Path path) throws IOException {
        if (!isRoot()) {
            return;
        }
        UserPrincipalLookupService users = path.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal postgres = users.lookupPrincipalByName("postgres");
        GroupPrincipal group = users.lookupPrincipalByGroupName("postgres");
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        view.setOwner(postgres);
        view.setGroup(group);
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Stops both servers (immediate mode: nothing here is worth a checkpoint) and deletes the folder. */
    @Override
    public synchronized void close() {
        RUNNING.remove(this);
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                run(bin.resolve("pg_ctl").toString(), "-D", started.get(i).toString(), "-m", "immediate", "-w",
                        "-t", "30", "stop");
            } catch (RuntimeException e) {
                System.out.println("[replica] could not stop " + started.get(i) + ": " + e.getMessage());
            }
        }
        started.clear();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp folder left behind is no failure
        }
    }
}
