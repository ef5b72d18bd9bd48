package io.imgpipe.logger;

import io.imgpipe.runtime.ServiceRuntime;
import io.imgpipe.runtime.db.DatabaseWorker;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;

/** The running logger service. */
public final class ActivityLogger implements AutoCloseable {

    private final ServiceRuntime runtime;

    private ActivityLogger(ServiceRuntime runtime) {
        this.runtime = runtime;
    }

    public static ActivityLogger start(LoggerSettings config, PrometheusMeterRegistry registry) throws IOException {
        return new ActivityLogger(DatabaseWorker.start("logger", config.infra(), config.threads(),
                config.adminPort(), registry, ActivityLog::migrate,
                (pool, runtime) -> new ActivityConsumer(new ActivityLog(pool), registry, config.threads())));
    }

    @Override
    public void close() {
        runtime.close();
    }
}
