package io.imgpipe.save2db;

import io.imgpipe.blob.BlobStore;
import io.imgpipe.blob.S3BlobStore;
import io.imgpipe.runtime.ServiceRuntime;
import io.imgpipe.runtime.db.DatabaseWorker;
import io.imgpipe.save2db.blob.BlobSweep;
import io.imgpipe.save2db.blob.ObjectStorage;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.time.Duration;

/** The running save2db service: migrates the schema, then stores what arrives on its queue. */
public final class Save2db implements AutoCloseable {

    private final ServiceRuntime runtime;

    private Save2db(ServiceRuntime runtime) {
        this.runtime = runtime;
    }

    public static Save2db start(Save2dbSettings config, PrometheusMeterRegistry registry) throws IOException {
        return new Save2db(DatabaseWorker.start(StoreConsumer.SERVICE, config.infra(), config.threads(),
                config.adminPort(), registry, Schema::migrate,
                (pool, runtime) -> {
                    ImageArchive archive = new ImageArchive(pool);
                    ObjectStorage objects = null;
                    if (config.blobs().objectStore()) {
                        BlobStore store = S3BlobStore.open(config.blobs());
                        objects = runtime.closeOnExit(new ObjectStorage(store, new BlobSweep(pool, store,
                                config.blobs().sweepGrace(), Duration.ofSeconds(config.blobSweepEverySeconds()))));
                    }
                    if (config.retentionDays() > 0) {
                        runtime.closeOnExit(new Retention(pool, archive, objects, runtime,
                                Duration.ofDays(config.retentionDays()),
                                Duration.ofSeconds(config.retentionEverySeconds())));
                    }
                    return new StoreConsumer(archive, new VariantArchive(pool), objects, runtime, config.threads());
                }));
    }

    @Override
    public void close() {
        runtime.close();
    }
}
