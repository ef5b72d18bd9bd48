package io.imgpipe.save2db;

import io.imgpipe.runtime.ServiceRuntime;
import io.imgpipe.runtime.db.DatabaseWorker;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;

/** The running save2db service: migrates the schema, then stores what arrives on its queue. */
public final class Save2db implements AutoCloseable {

    private final ServiceRuntime runtime;

    private Save2db(ServiceRuntime runtime) {
        this.runtime = runtime;
    }

    public static Save2db start(Save2dbSettings config, PrometheusMeterRegistry registry) throws IOException {
        return new Save2db(DatabaseWorker.start(StoreConsumer.SERVICE, config.infra(), config.threads(),
                config.adminPort(), registry, Schema::migrate,
                (pool, runtime) -> new StoreConsumer(new ImageArchive(pool), runtime, config.threads())));
    }

    @Override
    public void close() {
        runtime.close();
    }
}
