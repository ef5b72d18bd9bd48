package io.imgpipe.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A throwaway RabbitMQ cluster from the machine's own package: N nodes on free loopback ports, each with its own
 * node name, data, log and pid files under one temporary folder and one Erlang cookie of their own, so the
 * machine's RabbitMQ (its node, its 5672, its cookie and configuration) is never touched. The nodes find each other
 * through classic-config peer discovery, so they are started together and form the cluster as they boot.
 *
 * <p>The server scripts fork the Erlang VM, so a node is stopped with {@code rabbitmqctl stop} (bounded) and, if
 * that does not do, killed with every process under its script; a shutdown hook does the same if the JVM ends early.
 */
public final class RabbitCluster implements AutoCloseable {

    public static final Path SERVER = Path.of("/usr/lib/rabbitmq/bin/rabbitmq-server");
    public static final Path CTL = Path.of("/usr/lib/rabbitmq/bin/rabbitmqctl");
    private static final Duration CTL_TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern CONNECTION_PID = Pattern.compile("<([^<>@\\s]+@[^.<>\\s]+)\\.");
    private static final List<RabbitCluster> RUNNING = new CopyOnWriteArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(RabbitCluster::killAll),
                "rabbit-cluster-cleanup"));
    }

    /** One node: its Erlang name, its AMQP port on 127.0.0.1 and the script process while it runs. */
    public static final class Node {
        private final String name;
        private final int amqpPort;
        private final int distPort;
        private final Path dir;
        private Process script;

        Node(String name, int amqpPort, int distPort, Path dir) {
            this.name = name;
            this.amqpPort = amqpPort;
            this.distPort = distPort;
            this.dir = dir;
        }

        public String name() {
            return name;
        }

        public int amqpPort() {
            return amqpPort;
        }

        public boolean running() {
            return script != null && script.isAlive();
        }

        @Override
        public String toString() {
            return name + " (127.0.0.1:" + amqpPort + ")";
        }
    }

    private final Path dir;
    private final Path home;
    private final List<Node> nodes;

    private RabbitCluster(Path dir, Path home, List<Node> nodes) {
        this.dir = dir;
        this.home = home;
        this.nodes = List.copyOf(nodes);
    }

    /** True when the machine has the RabbitMQ server package (CI installs it). */
    public static boolean available() {
        return Files.isExecutable(SERVER) && Files.isExecutable(CTL);
    }

    /** Starts {@code size} nodes and waits (up to {@code patience}) until they run as one cluster. */
    public static RabbitCluster start(int size, Duration patience) throws IOException {
        Path dir = Files.createTempDirectory("imgpipe-rabbit-");
        Path home = Files.createDirectories(dir.resolve("home"));
        Path cookie = home.resolve(".erlang.cookie");
        Files.writeString(cookie, "IMGPIPE" + UUID.randomUUID().toString().replace("-", "").toUpperCase());
        Files.setPosixFilePermissions(cookie, PosixFilePermissions.fromString("r--------"));
        String prefix = "imgpipe-" + UUID.randomUUID().toString().substring(0, 8);
        List<Node> nodes = new ArrayList<>();
        for (int i = 1; i <= size; i++) {
            nodes.add(new Node(prefix + "-" + i + "@localhost", Ports.free(), Ports.free(),
                    Files.createDirectories(dir.resolve("node" + i))));
        }
        RabbitCluster cluster = new RabbitCluster(dir, home, nodes);
        RUNNING.add(cluster);
        try {
            for (Node n : nodes) {
                cluster.writeConfig(n);
                cluster.launch(n);
            }
            long deadline = System.nanoTime() + patience.toNanos();
            for (Node n : nodes) {
                cluster.awaitListening(n, remaining(deadline));
            }
            Await.found("a cluster of " + size + " running nodes", remaining(deadline), Duration.ofMillis(500),
                    () -> cluster.runningNodes().size() == size ? Optional.of(true) : Optional.empty(), cluster::logTails);
            return cluster;
        } catch (RuntimeException | IOException | Error e) {
            cluster.close();
            throw e;
        }
    }

    /** {@code amqp://guest:guest@127.0.0.1:p1,127.0.0.1:p2,…/%2f}: every node, in the form the services take. */
    public String amqpUri() {
        return "amqp://guest:guest@" + addresses() + "/%2f";
    }

    /** {@code 127.0.0.1:p1,127.0.0.1:p2,…} ({@code IMGPIPE_AMQP_ADDRESSES}). */
    public String addresses() {
        return nodes.stream().map(n -> "127.0.0.1:" + n.amqpPort).collect(Collectors.joining(","));
    }

    /** A URI to one node only (for tools that take one host). */
    public String amqpUri(Node n) {
        return "amqp://guest:guest@127.0.0.1:" + n.amqpPort + "/%2f";
    }

    public List<Node> nodes() {
        return nodes;
    }

    public Node node(String name) {
        return nodes.stream().filter(n -> n.name.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node " + name + " in " + nodes));
    }

    /** The node names the cluster reports as running, asked of any node still up. */
    public List<String> runningNodes() {
        for (Node n : nodes) {
            if (!n.running()) {
                continue;
            }
            try {
                String json = ctl(n, "cluster_status", "--formatter", "json");
                int at = json.indexOf("\"running_nodes\":[");
                if (at >= 0) {
                    String list = json.substring(at + 17, json.indexOf(']', at));
                    return Stream.of(list.split(",")).map(s -> s.replace("\"", "").trim())
                            .filter(s -> !s.isEmpty()).toList();
                }
            } catch (RuntimeException e) {
                // booting or stopping: ask the next one
            }
        }
        return List.of();
    }

    /** The node holding the leader of a quorum queue (or the home of a classic one), by queue name. */
    public Map<String, String> leaders() {
        Node asked = nodes.stream().filter(Node::running).findFirst()
                .orElseThrow(() -> new IllegalStateException("no node running"));
        Map<String, String> leaders = new HashMap<>();
        for (String line : ctl(asked, "list_queues", "-q", "--no-table-headers", "name", "leader").split("\n")) {
            String[] cols = line.trim().split("\\s+");
            if (cols.length == 2) {
                leaders.put(cols[0], cols[1]);
            }
        }
        return leaders;
    }

    /** How many client connections each node serves (a node without any is left out). */
    public Map<String, Integer> connectionsPerNode() {
        Node asked = nodes.stream().filter(Node::running).findFirst()
                .orElseThrow(() -> new IllegalStateException("no node running"));
        Map<String, Integer> counts = new HashMap<>();
        // a connection's process id names its node: <imgpipe-…-1@localhost.1701.2563.0>
        Matcher m = CONNECTION_PID.matcher(ctl(asked, "list_connections", "-q", "--no-table-headers", "pid"));
        while (m.find()) {
            counts.merge(m.group(1), 1, Integer::sum);
        }
        return counts;
    }

    /** A crash: SIGKILL to the node's VM and everything under its script. */
    public void kill(Node n) {
        if (n.script != null) {
            n.script.descendants().forEach(ProcessHandle::destroyForcibly);
            n.script.destroyForcibly();
            waitFor(n.script, Duration.ofSeconds(10));
            n.script.descendants().forEach(ProcessHandle::destroyForcibly);
        }
    }

    /** A clean shutdown ({@code rabbitmqctl stop}); killed if it takes longer than a minute. */
    public void stop(Node n) {
        if (!n.running()) {
            return;
        }
        try {
            ctl(n, "stop");
            if (!waitFor(n.script, Duration.ofSeconds(30))) {
                kill(n);
            }
        } catch (RuntimeException e) {
            kill(n);
        }
    }

    /** Starts a stopped node again (it rejoins the cluster with its data) and waits until it is back in it. */
    public void restart(Node n, Duration patience) throws IOException {
        if (n.running()) {
            return;
        }
        long deadline = System.nanoTime() + patience.toNanos();
        launch(n);
        awaitListening(n, remaining(deadline));
        Await.found(n.name + " back in the cluster", remaining(deadline), Duration.ofMillis(500),
                () -> runningNodes().contains(n.name) ? Optional.of(true) : Optional.empty(), this::logTails);
    }

    /** Runs {@code rabbitmqctl -n <node> args…} with this cluster's cookie; fails on a non-zero exit. */
    public String ctl(Node n, String... args) {
        List<String> command = new ArrayList<>(List.of(CTL.toString(), "-n", n.name));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        environment(pb.environment());
        try {
            Process p = pb.start();
            // read before waiting: a full pipe would block the tool
            byte[] out = p.getInputStream().readNBytes(1 << 20);
            if (!p.waitFor(CTL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("rabbitmqctl " + String.join(" ", args) + " took longer than " + CTL_TIMEOUT);
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException("rabbitmqctl -n " + n.name + " " + String.join(" ", args)
                        + " exited " + p.exitValue() + ": " + text.strip());
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void writeConfig(Node n) throws IOException {
        StringBuilder conf = new StringBuilder()
                .append("listeners.tcp.1 = 127.0.0.1:").append(n.amqpPort).append('\n')
                .append("loopback_users = none\n")
                .append("cluster_formation.peer_discovery_backend = classic_config\n");
        for (int i = 0; i < nodes.size(); i++) {
            conf.append("cluster_formation.classic_config.nodes.").append(i + 1).append(" = ")
                    .append(nodes.get(i).name).append('\n');
        }
        Files.writeString(n.dir.resolve("rabbitmq.conf"), conf);
        Files.writeString(n.dir.resolve("enabled_plugins"), "[].\n"); // no management listener to collide
    }

    private void launch(Node n) throws IOException {
        Files.deleteIfExists(n.dir.resolve("pid"));
        ProcessBuilder pb = new ProcessBuilder(SERVER.toString()).directory(n.dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(n.dir.resolve("server.log").toFile()));
        Map<String, String> env = pb.environment();
        environment(env);
        env.put("RABBITMQ_NODENAME", n.name);
        env.put("RABBITMQ_DIST_PORT", Integer.toString(n.distPort));
        env.put("RABBITMQ_CONFIG_FILE", n.dir.resolve("rabbitmq.conf").toString());
        env.put("RABBITMQ_MNESIA_BASE", n.dir.resolve("mnesia").toString());
        env.put("RABBITMQ_LOG_BASE", n.dir.resolve("log").toString());
        env.put("RABBITMQ_PID_FILE", n.dir.resolve("pid").toString());
        env.put("RABBITMQ_ENABLED_PLUGINS_FILE", n.dir.resolve("enabled_plugins").toString());
        n.script = pb.start();
    }

    /** A clean environment: this cluster's cookie (via HOME) and none of the machine's RabbitMQ settings. */
    private void environment(Map<String, String> env) {
        env.keySet().removeIf(k -> k.startsWith("RABBITMQ_") || k.startsWith("ERL_"));
        env.put("HOME", home.toString());
        env.put("RABBITMQ_CONF_ENV_FILE", "/dev/null");
        env.put("ERL_EPMD_ADDRESS", "127.0.0.1");
    }

    private void awaitListening(Node n, Duration patience) {
        Await.found(n + " listening", patience, Duration.ofMillis(250), () -> {
            if (!n.running()) {
                throw new IllegalStateException(n + " exited: " + ChildProcesses.tail(n.dir.resolve("server.log"), 20));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", n.amqpPort), 500);
                return Optional.of(true);
            } catch (IOException e) {
                return Optional.empty();
            }
        }, this::logTails);
    }

    private String logTails() {
        return nodes.stream().map(n -> "\n--- " + n.name + "\n" + ChildProcesses.tail(n.dir.resolve("server.log"), 15))
                .collect(Collectors.joining());
    }

    private static boolean waitFor(Process p, Duration d) {
        try {
            return p.waitFor(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    private void killAll() {
        nodes.forEach(this::kill);
    }

    /** Stops every node (killing what does not stop) and deletes the folder. */
    @Override
    public void close() {
        nodes.parallelStream().forEach(this::stop);
        killAll();
        RUNNING.remove(this);
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp folder left behind is no failure
        }
    }
}
