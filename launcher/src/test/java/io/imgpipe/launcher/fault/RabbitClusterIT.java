package io.imgpipe.launcher.fault;

import io.imgpipe.launcher.Fixtures;
import io.imgpipe.launcher.Pipeline;
import io.imgpipe.runtime.Env;
import io.imgpipe.testsupport.Await;
import io.imgpipe.testsupport.RabbitCluster;
import io.imgpipe.testsupport.RabbitCluster.Node;
import io.imgpipe.testsupport.ThrowawayDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIf;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #17: a RabbitMQ node dies under load and nothing is lost. Three RabbitMQ nodes from the machine's package
 * (loopback ports of their own, never the machine's broker) form a cluster; the pipeline runs on it with
 * {@code IMGPIPE_AMQP_ADDRESSES} and quorum work queues, on the embedded PostgreSQL or, when
 * {@code IMGPIPE_TEST_JDBC_URL} is set, a throwaway database on the machine's. Uploads flow at a fixed rate while
 * first a node holding no work-queue leader is killed (SIGKILL) and restarted, then the node holding the
 * transformer queue's leader is shut down and restarted. Every upload answered 2xx must end up stored with its
 * result; the test prints {@code accepted N, stored N, lost 0} and the images completed per second in each phase.
 */
@EnabledIf("io.imgpipe.testsupport.RabbitCluster#available")
class RabbitClusterIT {

    private static final int UPLOADS_PER_SECOND = 8;
    private static final Duration PHASE = Duration.ofSeconds(15);
    private static final Duration BOOT = Duration.ofSeconds(150);
    private static final Duration SETTLE = Duration.ofSeconds(120);
    private static final List<String> WORK_QUEUES = List.of("transformer", "save2db", "logger");

    @Test
    @Timeout(600)
    void aNodeDiesAndThenTheLeadersNodeStopsUnderLoadAndNoAcceptedUploadIsLost() throws Exception {
        long started = System.nanoTime();
        try (RabbitCluster rabbit = RabbitCluster.start(3, BOOT);
             Database db = Database.create();
             Pipeline pipeline = Pipeline.start(db.settings(Map.of(
                     "IMGPIPE_HTTP_PORT", "0", "IMGPIPE_HTTP_HOST", "127.0.0.1",
                     Env.AMQP_ADDRESSES, rabbit.addresses(),
                     Env.QUEUE_TYPE, "quorum",
                     "IMGPIPE_TRANSFORMER_THREADS", "2")))) {
            System.out.printf("[cluster] %d RabbitMQ nodes and the pipeline up in %.1f s: %s%n",
                    rabbit.nodes().size(), seconds(started), rabbit.nodes());
            assertThat(queueTypes(rabbit)).as("work queues").containsAllEntriesOf(
                    Map.of("transformer", "quorum", "save2db", "quorum", "logger", "quorum"));

            Phases phases = new Phases(pipeline.settings());
            try (UploadLoad load = new UploadLoad(() -> List.of(pipeline.baseUrl()),
                    Fixtures.bytes("/images/autumn-400x250.jpg"), "width=64").start(UPLOADS_PER_SECOND)) {
                phases.run("before (3 nodes)", load);

                // the victim: a node holding no work-queue leader, the one with the most of the pipeline's connections
                Map<String, String> leaders = rabbit.leaders();
                Map<String, Integer> connections = rabbit.connectionsPerNode();
                Node follower = rabbit.nodes().stream().filter(n -> !leaders.containsValue(n.name()))
                        .max(Comparator.comparing(n -> connections.getOrDefault(n.name(), 0)))
                        .orElseGet(() -> otherThan(rabbit, leaders.get("transformer")));
                System.out.println("[cluster] leaders " + leaders + ", connections " + connections + "; SIGKILL "
                        + follower.name());
                rabbit.kill(follower);
                phases.run("one node killed", load);
                rabbit.restart(follower, BOOT);
                phases.run("node back (3 nodes)", load);

                Node leaderNode = rabbit.node(rabbit.leaders().get("transformer"));
                System.out.println("[cluster] leaders " + rabbit.leaders() + ", connections "
                        + rabbit.connectionsPerNode() + "; stop " + leaderNode.name());
                rabbit.stop(leaderNode);
                phases.run("leader's node stopped", load);
                Map<String, String> moved = rabbit.leaders();
                System.out.println("[cluster] leaders " + moved + ", connections " + rabbit.connectionsPerNode());
                rabbit.restart(leaderNode, BOOT);
                phases.run("after (3 nodes)", load);
                load.stop();

                Set<String> accepted = load.acceptedIds();
                Set<String> stored = Await.until(SETTLE, Duration.ofMillis(500), () -> phases.complete(accepted),
                        done -> done.size() == accepted.size());
                Set<String> lost = new HashSet<>(accepted);
                lost.removeAll(stored);
                phases.print();
                System.out.println("[cluster] accepted " + accepted.size() + ", stored " + stored.size() + ", lost "
                        + lost.size() + " (sent " + load.sent() + ", not accepted " + load.refusedByReason() + ")");
                System.out.printf("[cluster] RabbitClusterIT took %.1f s%n", seconds(started));

                assertThat(moved.get("transformer")).as("the transformer queue's leader moved off the stopped node")
                        .isNotNull().isNotEqualTo(leaderNode.name());
                assertThat(accepted).as("uploads accepted while nodes died").hasSizeGreaterThan(
                        UPLOADS_PER_SECOND * (int) PHASE.toSeconds());
                assertThat(lost).as("accepted uploads without their original and result").isEmpty();
            }
        }
    }

    private static Node otherThan(RabbitCluster rabbit, String name) {
        return rabbit.nodes().stream().filter(n -> !n.name().equals(name)).findFirst().orElseThrow();
    }

    private static Map<String, String> queueTypes(RabbitCluster rabbit) {
        Map<String, String> types = new HashMap<>();
        for (String line : rabbit.ctl(rabbit.nodes().get(0), "list_queues", "-q", "--no-table-headers", "name", "type")
                .split("\n")) {
            String[] cols = line.trim().split("\\s+");
            if (cols.length == 2 && WORK_QUEUES.contains(cols[0])) {
                types.put(cols[0], cols[1]);
            }
        }
        return types;
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    /** Each phase's length, uploads accepted and images completed (original and result or failure stored). */
    private static final class Phases {
        private final Map<String, String> settings;
        private final List<String> lines = new ArrayList<>();

        Phases(Map<String, String> settings) {
            this.settings = settings;
        }

        void run(String name, UploadLoad load) throws SQLException {
            int acceptedBefore = load.acceptedIds().size();
            int completedBefore = completed();
            long start = System.nanoTime();
            Await.pause(PHASE);
            double s = seconds(start);
            int accepted = load.acceptedIds().size() - acceptedBefore;
            int completed = completed() - completedBefore;
            String line = String.format("%-24s %5.1f s  accepted %4d (%5.1f/s)  completed %4d (%5.1f/s)",
                    name, s, accepted, accepted / s, completed, completed / s);
            lines.add(line);
            System.out.println("[cluster] " + line);
        }

        void print() {
            System.out.println("[cluster] throughput by phase (offered " + UPLOADS_PER_SECOND + " uploads/s):");
            lines.forEach(l -> System.out.println("[cluster]   " + l));
        }

        private Connection db() throws SQLException {
            return DriverManager.getConnection(settings.get(Env.JDBC_URL), settings.get(Env.DB_USER),
                    settings.getOrDefault(Env.DB_PASSWORD, ""));
        }

        int completed() throws SQLException {
            try (Connection c = db(); PreparedStatement ps = c.prepareStatement(
                    "SELECT (SELECT count(*) FROM results) + (SELECT count(*) FROM failures)");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }

        Set<String> complete(Set<String> ids) throws SQLException {
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
            }
            return done;
        }
    }

    /** The embedded PostgreSQL (the pipeline starts it), or a throwaway database on the machine's when configured. */
    private record Database(ThrowawayDatabase external, String user, String password) implements AutoCloseable {

        static Database create() throws Exception {
            String admin = System.getenv(Cluster.JDBC_ENV);
            if (admin == null || admin.isBlank()) {
                return new Database(null, null, null);
            }
            String user = System.getenv().getOrDefault("IMGPIPE_TEST_DB_USER", "postgres");
            String password = System.getenv().getOrDefault("IMGPIPE_TEST_DB_PASSWORD", "");
            return new Database(ThrowawayDatabase.create(admin, user, password, "imgpipe_it_"), user, password);
        }

        Map<String, String> settings(Map<String, String> base) {
            Map<String, String> env = new HashMap<>(base);
            if (external != null) {
                env.put(Env.JDBC_URL, external.jdbcUrl());
                env.put(Env.DB_USER, user);
                env.put(Env.DB_PASSWORD, password);
            }
            return env;
        }

        @Override
        public void close() {
            if (external != null) {
                external.close();
            }
        }
    }
}
