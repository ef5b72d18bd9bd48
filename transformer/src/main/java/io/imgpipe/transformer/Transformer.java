package io.imgpipe.transformer;

import io.imgpipe.blob.S3BlobStore;
import io.imgpipe.runtime.ServiceRuntime;
import io.imgpipe.transformer.engine.ImageEngine;
import io.imgpipe.transformer.worker.JobBytes;
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
        JobBytes bytes = config.blobs().objectStore()
                ? new JobBytes(runtime.closeOnExit(S3BlobStore.open(config.blobs())), config.blobs().inlineMaxBytes())
                : JobBytes.inline();
        ImageEngine engine = new ImageEngine(config.limits(), true, config.nativeHeif(), config.watermarks());
        runtime.consume(new TransformJobConsumer(engine, runtime, config.threads(), config.maxAttempts(), bytes));
        runtime.serveAdmin(config.adminPort(), runtime::brokerConnected);
        return new Transformer(runtime);
    }

    @Override
    public void close() {
        runtime.close();
    }
}
