package io.imgpipe.launcher;

import io.imgpipe.testsupport.ThrowawayDatabase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.containers.RabbitMQContainer;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

/**
 * The pipeline the integration tests talk to, started once per test JVM, on one of three infrastructures:
 * <ul>
 *   <li>external, when {@code IMGPIPE_TEST_AMQP_URI} and {@code IMGPIPE_TEST_JDBC_URL} are set (CI points them at
 *       the machine's RabbitMQ and PostgreSQL; a fresh database is created for the run);</li>
 *   <li>Testcontainers (official RabbitMQ and PostgreSQL images) when {@code IMGPIPE_TEST_INFRA=testcontainers}
 *       and a Docker engine answers;</li>
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

    private TestPipeline(Pipeline pipeline, String kind, String jdbcUrl, ThrowawayDatabase freshDatabase) {
        this.pipeline = pipeline;
        this.kind = kind;
        this.jdbcUrl = jdbcUrl;
        this.freshDatabase = freshDatabase;
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
            }));
        }
        return shared;
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
            RabbitMQContainer rabbit = new RabbitMQContainer("rabbitmq:4-management");
            PostgreSQLContainer<?> postgres = new PostgreSQLContainer<>("postgres:17");
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
        return new TestPipeline(pipeline, kind, env.get("IMGPIPE_JDBC_URL"), freshDatabase);
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
}
