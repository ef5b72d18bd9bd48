package io.imgpipe.blob;

import io.imgpipe.contract.BlobRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A {@link BlobStore} on the S3 API (AWS S3, MinIO, Ceph RGW, Garage, R2, S3Proxy) through the AWS SDK for Java v2 and
 * the JDK's HTTP client. Every call is bounded: 2 s to connect, 10 s per attempt, 30 s in all (the SDK's retries
 * included), so an unreachable store is an error within that, never a hang.
 */
public final class S3BlobStore implements BlobStore {

    private static final Logger LOG = LoggerFactory.getLogger(S3BlobStore.class);
    static final String PREFIX = "sha256/";

    private final S3Client s3;
    private final S3Presigner presigner;
    private final String bucket;

    private S3BlobStore(S3Client s3, S3Presigner presigner, String bucket) {
        this.s3 = s3;
        this.presigner = presigner;
        this.bucket = bucket;
    }

    /** Connects to the settings' bucket, creating it when it does not exist yet. */
    public static S3BlobStore open(BlobSettings settings) {
        if (!settings.objectStore()) {
            throw new IllegalArgumentException("S3BlobStore needs " + BlobSettings.STORE + "=s3");
        }
        AwsCredentialsProvider credentials = settings.accessKey() == null ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKey(), settings.secretKey()));
        Region region = Region.of(settings.region());
        var builder = S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(2)).socketTimeout(Duration.ofSeconds(10)))
                .region(region).credentialsProvider(credentials).forcePathStyle(settings.pathStyle())
                // Only what the S3 API requires: S3-compatible servers reject the SDK's newer default checksums.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(c -> c.apiCallAttemptTimeout(Duration.ofSeconds(10))
                        .apiCallTimeout(Duration.ofSeconds(30)));
        var presign = S3Presigner.builder().region(region).credentialsProvider(credentials)
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(settings.pathStyle()).build());
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
            presign.endpointOverride(settings.endpoint());
        }
        S3BlobStore store = new S3BlobStore(builder.build(), presign.build(), settings.bucket());
        try {
            store.ensureBucket();
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    private void ensureBucket() {
        try {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (NoSuchBucketException e) {
            LOG.info("event=bucket_created bucket={}", bucket);
            s3.createBucket(b -> b.bucket(bucket));
        } catch (SdkException e) {
            throw new BlobStoreException("the object store's bucket '" + bucket + "' cannot be reached: " + e.getMessage(), e);
        }
    }

    @Override
    public BlobRef put(byte[] bytes) {
        BlobRef ref = BlobRef.of(bytes);
        try {
            // Content-MD5 (which every S3-compatible server checks): a body cut short on the way is refused, never
            // stored under the digest of the whole
            s3.putObject(p -> p.bucket(bucket).key(ref.key()).contentLength((long) bytes.length)
                    .contentMD5(md5(bytes)).contentType("application/octet-stream"), RequestBody.fromBytes(bytes));
            return ref;
        } catch (SdkException e) {
            throw failure("store", ref.key(), e);
        }
    }

    @Override
    public byte[] get(BlobRef ref) {
        try {
            byte[] bytes = s3.getObjectAsBytes(g -> g.bucket(bucket).key(ref.key())).asByteArray();
            // The key names the bytes' digest: what comes back is checked against it, so a cut-short or damaged
            // read is a store failure (retried), never an image that a transformer would call corrupt.
            if (bytes.length != ref.size() || !BlobRef.of(bytes).sha256().equals(ref.sha256())) {
                throw new BlobStoreException("the object store returned " + bytes.length + " bytes for '" + ref.key()
                        + "' in bucket '" + bucket + "' that do not match its digest (" + ref.size() + " bytes)", null);
            }
            return bytes;
        } catch (NoSuchKeyException e) {
            throw new BlobNotFoundException(ref.key());
        } catch (SdkException e) {
            throw failure("read", ref.key(), e);
        }
    }

    @Override
    public InputStream open(BlobRef ref, long offset, long length) throws IOException {
        if (length <= 0) {
            return InputStream.nullInputStream();
        }
        try {
            return s3.getObject(GetObjectRequest.builder().bucket(bucket).key(ref.key())
                    .range("bytes=" + offset + "-" + (offset + length - 1)).build());
        } catch (NoSuchKeyException e) {
            throw new BlobNotFoundException(ref.key());
        } catch (SdkException e) {
            throw failure("read", ref.key(), e);
        }
    }

    @Override
    public Optional<Instant> lastModified(String key) {
        try {
            return Optional.of(s3.headObject(h -> h.bucket(bucket).key(key)).lastModified());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) { // a HEAD has no body, so no error code to map to NoSuchKey
                return Optional.empty();
            }
            throw failure("look up", key, e);
        } catch (SdkException e) {
            throw failure("look up", key, e);
        }
    }

    @Override
    public void delete(String key) {
        try {
            s3.deleteObject(d -> d.bucket(bucket).key(key));
        } catch (SdkException e) {
            throw failure("delete", key, e);
        }
    }

    @Override
    public List<StoredBlob> list(String after, int limit) {
        try {
            ListObjectsV2Response page = s3.listObjectsV2(l -> l.bucket(bucket).prefix(PREFIX)
                    .startAfter(after.isEmpty() ? null : after).maxKeys(limit));
            return page.contents().stream().map(o -> new StoredBlob(o.key(), o.size(), o.lastModified())).toList();
        } catch (SdkException e) {
            throw failure("list", after, e);
        }
    }

    @Override
    public Optional<URI> presignedGet(BlobRef ref, String contentType, Duration ttl) {
        try {
            return Optional.of(presigner.presignGetObject(p -> p.signatureDuration(ttl).getObjectRequest(g -> g
                    .bucket(bucket).key(ref.key()).responseContentType(contentType)
                    .responseCacheControl("public, max-age=31536000, immutable"))).url().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("the SDK presigned a malformed URL", e);
        }
    }

    private static String md5(byte[] bytes) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has MD5", e);
        }
    }

    private BlobStoreException failure(String action, String key, SdkException e) {
        return new BlobStoreException("the object store could not " + action + " '" + key + "' in bucket '" + bucket
                + "': " + e.getMessage(), e);
    }

    @Override
    public void close() {
        presigner.close();
        s3.close();
    }
}
