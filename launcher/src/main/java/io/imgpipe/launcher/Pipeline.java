package io.imgpipe.launcher;

import io.imgpipe.gateway.Gateway;
import io.imgpipe.gateway.GatewaySettings;
import io.imgpipe.logger.ActivityLogger;
import io.imgpipe.logger.LoggerSettings;
import io.imgpipe.runtime.Env;
import io.imgpipe.runtime.Infrastructure;
import io.imgpipe.runtime.ServiceRuntime;
import io.imgpipe.runtime.amqp.AmqpConnector;
import io.imgpipe.save2db.Save2db;
import io.imgpipe.save2db.Save2dbSettings;
import io.imgpipe.transformer.Transformer;
import io.imgpipe.transformer.TransformerSettings;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The whole pipeline in one JVM: the broker and database (embedded unless {@code IMGPIPE_AMQP_URI} /
 * {@code IMGPIPE_JDBC_URL} point elsewhere), then save2db, the logger, a transformer and a gateway, sharing one
 * metrics registry that the gateway serves.
 */
public final class Pipeline implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

    /** {@code IMGPIPE_SERVICES}: which workers run beside the gateway (default all). */
    public static final String ALL_SERVICES = "save2db,logger,transformer";

    private final Deque<AutoCloseable> parts = new ArrayDeque<>();
    private Gateway gateway;
    private String infrastructure;
    private Map<String, String> settings;

    private Pipeline() {
    }

    /**
     * @param settings {@code IMGPIPE_*} settings; {@code IMGPIPE_DATA_DIR} keeps the embedded database's files
     *                 (none: a throw-away directory)
     */
    public static Pipeline start(Map<String, String> settings) throws Exception {
        Pipeline p = new Pipeline();
        try {
            p.startAll(settings);
            return p;
        } catch (Exception | Error e) {
            p.close();
            throw e;
        }
    }

    private void startAll(Map<String, String> settings) throws Exception {
        Map<String, String> env = new HashMap<>(settings);
        Env given = new Env(settings);
        boolean redrive = false;
        String database;
        if (given.isSet(Env.JDBC_URL)) {
            database = "external PostgreSQL " + given.string(Env.JDBC_URL, "");
        } else {
            Optional<Path> dataDir = Optional.ofNullable(given.string("IMGPIPE_DATA_DIR", null)).map(Path::of);
            EmbeddedDatabase embedded = own(EmbeddedDatabase.start(dataDir));
            env.put(Env.JDBC_URL, embedded.jdbcUrl());
            env.put(Env.DB_USER, "postgres");
            env.put(Env.DB_PASSWORD, "");
            database = "embedded PostgreSQL at " + embedded.jdbcUrl();
        }
        String broker;
        if (given.isSet(Env.AMQP_URI) || given.isSet(Env.AMQP_ADDRESSES)) {
            String uri = Infrastructure.amqpUri(given);
            env.put(Env.AMQP_URI, uri);
            env.remove(Env.AMQP_ADDRESSES);
            broker = "external AMQP broker " + AmqpConnector.redact(uri);
        } else {
            // With a data directory the broker keeps its messages in the pipeline's PostgreSQL, beside the images.
            EmbeddedBroker.Store store = given.isSet("IMGPIPE_DATA_DIR")
                    ? new EmbeddedBroker.Store.Jdbc(env.get(Env.JDBC_URL), new Env(env).string(Env.DB_USER, "postgres"),
                    new Env(env).string(Env.DB_PASSWORD, ""))
                    : new EmbeddedBroker.Store.Memory();
            redrive = !EmbeddedBroker.holdsPreviousRun(store);
            EmbeddedBroker embedded = own(EmbeddedBroker.start(store));
            env.put(Env.AMQP_URI, embedded.amqpUri());
            broker = "embedded Qpid Broker-J at " + embedded.amqpUri().replace("guest:guest@", "")
                    + (store instanceof EmbeddedBroker.Store.Jdbc ? " (messages kept in PostgreSQL)" : " (messages in memory)");
        }
        infrastructure = broker + " and " + database;
        this.settings = Map.copyOf(env);
        LOG.info("event=infrastructure broker=\"{}\" database=\"{}\"", broker, database);

        PrometheusMeterRegistry registry = ServiceRuntime.newRegistry();
        Map<String, String> workers = new HashMap<>(env);
        workers.put(Env.ADMIN_PORT, "-1"); // the gateway serves the shared registry
        Env workerEnv = new Env(workers);
        Set<String> services = Set.of(given.string("IMGPIPE_SERVICES", ALL_SERVICES).split("\\s*,\\s*"));
        if (services.contains("save2db")) {
            own(Save2db.start(Save2dbSettings.fromEnv(workerEnv), registry));
        }
        if (services.contains("logger")) {
            own(ActivityLogger.start(LoggerSettings.fromEnv(workerEnv), registry));
        }
        if (redrive && services.contains("save2db")) {
            PendingRedrive.run(new Env(env));
        }
        if (services.contains("transformer")) {
            own(Transformer.start(TransformerSettings.fromEnv(workerEnv), registry));
        }
        gateway = own(Gateway.start(GatewaySettings.fromEnv(new Env(env)), registry));
    }

    private <T extends AutoCloseable> T own(T part) {
        parts.push(part);
        return part;
    }

    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + gateway.port() + "/");
    }

    public int port() {
        return gateway.port();
    }

    /**
     * The settings the services were started with, broker and database included: what another process needs to
     * join this pipeline (e.g. a second gateway).
     */
    public Map<String, String> settings() {
        return settings;
    }

    /** Which broker and database this pipeline runs on, for logs. */
    public String infrastructure() {
        return infrastructure;
    }

    @Override
    public void close() {
        while (!parts.isEmpty()) {
            AutoCloseable part = parts.pop();
            try {
                part.close();
            } catch (Exception e) {
                LOG.warn("event=stop_failed part={} error=\"{}\"", part.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
