package io.imgpipe.blob;

import io.imgpipe.runtime.Env;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;

/**
 * Where image bytes are kept (see the README's configuration table).
 *
 * @param objectStore       {@code IMGPIPE_BLOB_STORE=s3}: bytes in an S3 bucket, PostgreSQL keeps metadata and keys;
 *                          {@code postgres} (the default): bytes in PostgreSQL {@code bytea} columns
 * @param endpoint          {@code IMGPIPE_S3_ENDPOINT}: the S3 API's URL (MinIO, Ceph RGW, Garage, R2, S3Proxy); null =
 *                          AWS S3 of the region
 * @param region            {@code IMGPIPE_S3_REGION} (default us-east-1)
 * @param bucket            {@code IMGPIPE_S3_BUCKET} (required with s3); created when missing
 * @param pathStyle         {@code IMGPIPE_S3_PATH_STYLE}: {@code http://host/bucket/key} addressing (default true when an
 *                          endpoint is set, as self-hosted servers rarely have per-bucket DNS names)
 * @param accessKey         {@code IMGPIPE_S3_ACCESS_KEY}; null = the AWS SDK's default credentials chain
 * @param secretKey         {@code IMGPIPE_S3_SECRET_KEY}
 * @param inlineMaxBytes    {@code IMGPIPE_BLOB_INLINE_MAX_BYTES} (default 65536): images up to this size still travel
 *                          in the message body; larger ones travel as a claim check (key, digest, size)
 * @param redirect          {@code IMGPIPE_BLOB_REDIRECT}: a GET of bytes answers 302 to a presigned URL (default false)
 * @param presignTtl        {@code IMGPIPE_BLOB_PRESIGN_SECONDS} (default 300): how long a presigned URL works
 * @param sweepGrace        {@code IMGPIPE_BLOB_SWEEP_GRACE_MINUTES} (default 1440): an unreferenced object younger than
 *                          this is kept by the sweep (its upload may still be on its way to save2db)
 */
public record BlobSettings(boolean objectStore, URI endpoint, String region, String bucket, boolean pathStyle,
                           String accessKey, String secretKey, long inlineMaxBytes, boolean redirect,
                           Duration presignTtl, Duration sweepGrace) {

    public static final String STORE = "IMGPIPE_BLOB_STORE";

    public BlobSettings {
        if (objectStore && (bucket == null || bucket.isBlank())) {
            throw new IllegalArgumentException("IMGPIPE_BLOB_STORE=s3 needs IMGPIPE_S3_BUCKET");
        }
        if ((accessKey == null) != (secretKey == null)) {
            throw new IllegalArgumentException("set both IMGPIPE_S3_ACCESS_KEY and IMGPIPE_S3_SECRET_KEY, or neither");
        }
        if (redirect && !objectStore) {
            throw new IllegalArgumentException("IMGPIPE_BLOB_REDIRECT=true needs IMGPIPE_BLOB_STORE=s3");
        }
    }

    /** The default: every byte in PostgreSQL. */
    public static BlobSettings postgres() {
        return new BlobSettings(false, null, "us-east-1", null, false, null, null, Long.MAX_VALUE, false,
                Duration.ofMinutes(5), Duration.ofDays(1));
    }

    /** An S3 bucket on a self-hosted endpoint with static credentials (tests, bench, compose). */
    public static BlobSettings s3(URI endpoint, String bucket, String accessKey, String secretKey, long inlineMaxBytes) {
        return new BlobSettings(true, endpoint, "us-east-1", bucket, true, accessKey, secretKey, inlineMaxBytes, false,
                Duration.ofMinutes(5), Duration.ofDays(1));
    }

    public BlobSettings withRedirect(boolean on) {
        return new BlobSettings(objectStore, endpoint, region, bucket, pathStyle, accessKey, secretKey, inlineMaxBytes,
                on, presignTtl, sweepGrace);
    }

    public static BlobSettings fromEnv(Env env) {
        String store = env.string(STORE, "postgres").toLowerCase(Locale.ROOT);
        if (!store.equals("postgres") && !store.equals("s3")) {
            throw new IllegalArgumentException(STORE + " must be postgres or s3, got '" + store + "'");
        }
        String endpoint = env.string("IMGPIPE_S3_ENDPOINT", null);
        URI uri;
        try {
            uri = endpoint == null ? null : URI.create(endpoint);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("IMGPIPE_S3_ENDPOINT is not a URL: '" + endpoint + "'");
        }
        if (uri != null && (uri.getScheme() == null || uri.getHost() == null)) {
            throw new IllegalArgumentException("IMGPIPE_S3_ENDPOINT must be like http://host:port, got '" + endpoint + "'");
        }
        return new BlobSettings(store.equals("s3"), uri, env.string("IMGPIPE_S3_REGION", "us-east-1"),
                env.string("IMGPIPE_S3_BUCKET", null), env.bool("IMGPIPE_S3_PATH_STYLE", uri != null),
                env.string("IMGPIPE_S3_ACCESS_KEY", null), env.string("IMGPIPE_S3_SECRET_KEY", null),
                env.number("IMGPIPE_BLOB_INLINE_MAX_BYTES", 65_536, 0, Long.MAX_VALUE),
                env.bool("IMGPIPE_BLOB_REDIRECT", false),
                Duration.ofSeconds(env.integer("IMGPIPE_BLOB_PRESIGN_SECONDS", 300, 1, 7 * 24 * 3600)),
                Duration.ofMinutes(env.integer("IMGPIPE_BLOB_SWEEP_GRACE_MINUTES", 1440, 1, 525_600)));
    }

    /** Whether an image of this size travels as a claim check rather than in the message body. */
    public boolean byReference(long size) {
        return objectStore && size > inlineMaxBytes;
    }
}
