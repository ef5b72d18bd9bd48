package io.imgpipe.transformer;

import io.imgpipe.runtime.ServiceRuntime;
import io.imgpipe.transformer.engine.ImageEngine;
import io.imgpipe.transformer.worker.TransformJobConsumer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;

/** The running transformer service: competing consumers of the {@code transformer} queue. */
public final class Transformer implements AutoCloseable {

    private final ServiceRuntime runtime;

    private Transformer(ServiceRuntime runtime) {
        this.runtime = runtime;
    }

    public static Transformer start(TransformerSettings config, PrometheusMeterRegistry registry) throws IOException {
        ServiceRuntime runtime = ServiceRuntime.connect(TransformJobConsumer.SERVICE, config.infra(), registry);
        runtime.consume(new TransformJobConsumer(new ImageEngine(config.limits(), true, config.watermarks()), runtime, config.threads(),
                config.maxAttempts()));
        runtime.serveAdmin(config.adminPort(), runtime::brokerConnected);
        return new Transformer(runtime);
    }

    @Override
    public void close() {
        runtime.close();
    }
}
