package io.imgpipe.logger;

import com.zaxxer.hikari.HikariDataSource;
import io.imgpipe.contract.runtime.Database;
import io.imgpipe.contract.runtime.ServiceRuntime;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;

/** The running logger service. */
public final class ActivityLogger implements AutoCloseable {

    private final ServiceRuntime runtime;

    private ActivityLogger(ServiceRuntime runtime) {
        this.runtime = runtime;
    }

    public static ActivityLogger start(Config config, PrometheusMeterRegistry registry) throws IOException {
        HikariDataSource pool = Database.pool(config.infra(), "logger", config.threads() + 1, false, registry);
        ActivityLog.migrate(pool);
        ServiceRuntime runtime = ServiceRuntime.connect("logger", config.infra(), registry);
        runtime.closeOnExit(pool);
        ActivityConsumer consumer = runtime.closeOnExit(new ActivityConsumer(new ActivityLog(pool), registry,
                config.threads()));
        consumer.start(runtime.connection());
        runtime.serveAdmin(config.adminPort(), () -> runtime.brokerConnected() && Database.isReachable(pool));
        return new ActivityLogger(runtime);
    }

    @Override
    public void close() {
        runtime.close();
    }
}
