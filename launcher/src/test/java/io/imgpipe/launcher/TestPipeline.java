package io.imgpipe.launcher;

import io.imgpipe.testsupport.ThrowawayDatabase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.containers.RabbitMQContainer;
import org.testcontainers.lifecycle.Startable;
import org.testcontainers.utility.DockerImageName;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The pipeline the integration tests talk to, started once per test JVM, on one of three infrastructures:
 * <ul>
 *   <li>external, when {@code IMGPIPE_TEST_AMQP_URI} and {@code IMGPIPE_TEST_JDBC_URL} are set (CI points them at
 *       the machine's RabbitMQ and PostgreSQL; a fresh database is created for the run);</li>
 *   <li>Testcontainers when {@code IMGPIPE_TEST_INFRA=testcontainers} and a Docker engine answers (Docker, or
 *       podman's Docker API through {@code DOCKER_HOST}): the images {@code IMGPIPE_TEST_RABBITMQ_IMAGE} (default
 *       {@code rabbitmq:4-management}) and {@code IMGPIPE_TEST_POSTGRES_IMAGE} (default {@code postgres:17}), any
 *       name standing in for the official ones, so a machine without a registry can use local builds. With
 *       Testcontainers' resource reaper off ({@code TESTCONTAINERS_RYUK_DISABLED=true}, where its image cannot be
 *       pulled) the containers are stopped by this class when the test JVM ends;</li>
 *   <li>embedded Qpid Broker-J and embedded PostgreSQL otherwise.</li>
 * </ul>
 * The log says which one each run used.
 */
public final class TestPipeline {

    private static final Logger LOG = LoggerFactory.getLogger(TestPipeline.class);
    private static TestPipeline shared;

    private final Pipeline pipeline;
    private final String kind;
    private final String jdbcUrl;
    private final ThrowawayDatabase freshDatabase;
    private final List<Startable> containers;

    private TestPipeline(Pipeline pipeline, String kind, String jdbcUrl, ThrowawayDatabase freshDatabase,
                         List<Startable> containers) {
        this.pipeline = pipeline;
        this.kind = kind;
        this.jdbcUrl = jdbcUrl;
        this.freshDatabase = freshDatabase;
        this.containers = containers;
    }

    public static synchronized TestPipeline shared() {
        if (shared == null) {
            try {
                shared = start();
            } catch (Exception e) {
                throw new IllegalStateException("the pipeline did not start: " + e, e);
            }
            TestPipeline started = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                started.pipeline.close();
                if (started.freshDatabase != null) {
                    started.freshDatabase.close();
                }
                // The reaper does this when it runs; without it nothing else would.
                started.containers.forEach(Startable::stop);
            }));
        }
        return shared;
    }

    /**
     * A pipeline of the calling test's own, always on embedded infrastructure (a shared broker would let other runs'
     * consumers or heartbeats in), on a free loopback port, with {@code settings} on top; the test closes it.
     */
    public static Pipeline ownEmbedded(Map<String, String> settings) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("IMGPIPE_HTTP_PORT", "0", "IMGPIPE_HTTP_HOST", "127.0.0.1"));
        env.putAll(settings);
        return Pipeline.start(env);
    }

    private static TestPipeline start() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("IMGPIPE_HTTP_PORT", "0");
        env.put("IMGPIPE_HTTP_HOST", "127.0.0.1");
        env.put("IMGPIPE_TRANSFORMER_THREADS", "2");
        env.put("IMGPIPE_MAX_UPLOAD_BYTES", Long.toString(5L * 1024 * 1024));
        String amqp = System.getenv("IMGPIPE_TEST_AMQP_URI");
        String jdbc = System.getenv("IMGPIPE_TEST_JDBC_URL");
        String kind;
        ThrowawayDatabase freshDatabase = null;
        List<Startable> containers = List.of();
        if (amqp != null && !amqp.isBlank() && jdbc != null && !jdbc.isBlank()) {
            kind = "external";
            env.put("IMGPIPE_AMQP_URI", amqp);
            String user = System.getenv().getOrDefault("IMGPIPE_TEST_DB_USER", "postgres");
            String password = System.getenv().getOrDefault("IMGPIPE_TEST_DB_PASSWORD", "");
            // a new database for this run, so runs never see each other's rows
            freshDatabase = ThrowawayDatabase.create(jdbc, user, password, "imgpipe_it_");
            env.put("IMGPIPE_JDBC_URL", freshDatabase.jdbcUrl());
            env.put("IMGPIPE_DB_USER", user);
            env.put("IMGPIPE_DB_PASSWORD", password);
        } else if ("testcontainers".equals(System.getenv("IMGPIPE_TEST_INFRA"))
                && DockerClientFactory.instance().isDockerAvailable()) {
            kind = "testcontainers";
            RabbitMQContainer rabbit = new RabbitMQContainer(
                    image("IMGPIPE_TEST_RABBITMQ_IMAGE", "rabbitmq:4-management", "rabbitmq"));
            PostgreSQLContainer<?> postgres = new PostgreSQLContainer<>(
                    image("IMGPIPE_TEST_POSTGRES_IMAGE", "postgres:17", "postgres"));
            containers = List.of(postgres, rabbit);
            rabbit.start();
            postgres.start();
            env.put("IMGPIPE_AMQP_URI", rabbit.getAmqpUrl().replace("amqp://", "amqp://guest:guest@"));
            env.put("IMGPIPE_JDBC_URL", postgres.getJdbcUrl());
            env.put("IMGPIPE_DB_USER", postgres.getUsername());
            env.put("IMGPIPE_DB_PASSWORD", postgres.getPassword());
        } else {
            kind = "embedded";
        }
        Pipeline pipeline = Pipeline.start(env);
        LOG.info("event=test_infrastructure kind={} detail=\"{}\"", kind, pipeline.infrastructure());
        System.out.println("[imgpipe-it] infrastructure=" + kind + " (" + pipeline.infrastructure() + ")");
        return new TestPipeline(pipeline, kind, env.get("IMGPIPE_JDBC_URL"), freshDatabase, containers);
    }

    /** The image named by the setting, or the official one, declared a stand-in for the official one. */
    private static DockerImageName image(String setting, String official, String officialName) {
        String name = System.getenv().getOrDefault(setting, "");
        return DockerImageName.parse(name.isBlank() ? official : name).asCompatibleSubstituteFor(officialName);
    }

    public URI baseUrl() {
        return pipeline.baseUrl();
    }

    /** embedded, external or testcontainers. */
    public String kind() {
        return kind;
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** The broker the services use, for a test's own look at the activity exchange. */
    public String amqpUri() {
        return pipeline.settings().get("IMGPIPE_AMQP_URI");
    }
}
