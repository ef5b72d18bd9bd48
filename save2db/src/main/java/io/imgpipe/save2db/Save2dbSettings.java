package io.imgpipe.save2db;

import io.imgpipe.blob.BlobSettings;
import io.imgpipe.runtime.Env;
import io.imgpipe.runtime.Infrastructure;

/**
 * save2db's settings.
 *
 * @param infra     broker and database
 * @param threads   messages stored in parallel ({@code IMGPIPE_SAVE2DB_THREADS}, default 4)
 * @param adminPort health and metrics port ({@code IMGPIPE_ADMIN_PORT}, default 9090; -1 = none)
 * @param retentionDays images older than this are forgotten ({@code IMGPIPE_RETENTION_DAYS}; 0, the default = kept)
 * @param retentionEverySeconds how often retention runs ({@code IMGPIPE_RETENTION_INTERVAL_SECONDS}, default 3600)
 * @param blobs     where the bytes go ({@code IMGPIPE_BLOB_STORE}, {@code IMGPIPE_S3_*}; default PostgreSQL)
 * @param blobSweepEverySeconds how often unreferenced objects are swept ({@code IMGPIPE_BLOB_SWEEP_INTERVAL_SECONDS},
 *                  default 3600; only with an object store)
 */
public record Save2dbSettings(Infrastructure infra, int threads, int adminPort, int retentionDays, int retentionEverySeconds,
                              BlobSettings blobs, int blobSweepEverySeconds) {

    public static Save2dbSettings fromEnv(Env env) {
        return new Save2dbSettings(Infrastructure.fromEnv(env),
                env.integer("IMGPIPE_SAVE2DB_THREADS", 4, 1, 64),
                env.integer(Env.ADMIN_PORT, 9090, -1, 65535),
                env.integer("IMGPIPE_RETENTION_DAYS", 0, 0, 36_500),
                env.integer("IMGPIPE_RETENTION_INTERVAL_SECONDS", 3600, 1, 86_400),
                BlobSettings.fromEnv(env),
                env.integer("IMGPIPE_BLOB_SWEEP_INTERVAL_SECONDS", 3600, 1, 86_400));
    }
}
