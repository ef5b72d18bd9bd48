package io.imgpipe.logger;

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
        return new ActivityLogger(ServiceRuntime.startDatabaseWorker("logger", config.infra(), config.threads(),
                config.adminPort(), registry, ActivityLog::migrate,
                (pool, runtime) -> new ActivityConsumer(new ActivityLog(pool), registry, config.threads())));
    }

    @Override
    public void close() {
        runtime.close();
    }
}
