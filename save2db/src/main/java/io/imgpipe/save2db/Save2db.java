package io.imgpipe.save2db;

import com.zaxxer.hikari.HikariDataSource;
import io.imgpipe.contract.runtime.Database;
import io.imgpipe.contract.runtime.ServiceRuntime;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;

/** The running save2db service: migrates the schema, then stores what arrives on its queue. */
public final class Save2db implements AutoCloseable {

    private final ServiceRuntime runtime;

    private Save2db(ServiceRuntime runtime) {
        this.runtime = runtime;
    }

    public static Save2db start(Config config, PrometheusMeterRegistry registry) throws IOException {
        HikariDataSource pool = Database.pool(config.infra(), "save2db", config.threads() + 1, false, registry);
        Schema.migrate(pool);
        ServiceRuntime runtime = ServiceRuntime.connect(StoreConsumer.SERVICE, config.infra(), registry);
        runtime.closeOnExit(pool);
        StoreConsumer consumer = runtime.closeOnExit(new StoreConsumer(new ImageArchive(pool), runtime, config.threads()));
        consumer.start(runtime.connection());
        runtime.serveAdmin(config.adminPort(), () -> runtime.brokerConnected() && Database.isReachable(pool));
        return new Save2db(runtime);
    }

    @Override
    public void close() {
        runtime.close();
    }
}
