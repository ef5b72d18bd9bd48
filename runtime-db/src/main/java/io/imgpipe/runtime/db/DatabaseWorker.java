package io.imgpipe.runtime.db;

import com.zaxxer.hikari.HikariDataSource;
import io.imgpipe.runtime.Infrastructure;
import io.imgpipe.runtime.ServiceRuntime;
import io.imgpipe.runtime.amqp.MessageConsumer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import javax.sql.DataSource;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * How a worker that writes to PostgreSQL (save2db, the logger) starts. It lives beside {@link Database} rather than
 * in {@link ServiceRuntime} so that services without a database (the transformer) do not ship HikariCP or the driver.
 */
public final class DatabaseWorker {

    private DatabaseWorker() {
    }

    /** What a database worker consumes with: its pool and its runtime are ready when this is called. */
    @FunctionalInterface
    public interface ConsumerFactory {
        MessageConsumer create(DataSource pool, ServiceRuntime runtime);
    }

    /**
     * Opens the worker's pool, migrates its schema, connects, starts its consumer, and serves its admin port
     * (ready = broker connected and database reachable).
     */
    public static ServiceRuntime start(String service, Infrastructure infra, int threads, int adminPort,
                                       PrometheusMeterRegistry registry, Consumer<DataSource> migrate,
                                       ConsumerFactory consumers) throws IOException {
        HikariDataSource pool = Database.pool(infra, service, threads + 1, false, registry);
        try {
            migrate.accept(pool);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        ServiceRuntime runtime = ServiceRuntime.connect(service, infra, registry);
        runtime.closeOnExit(pool);
        runtime.consume(consumers.create(pool, runtime));
        runtime.serveAdmin(adminPort, () -> runtime.brokerConnected() && Database.isReachable(pool));
        return runtime;
    }
}
