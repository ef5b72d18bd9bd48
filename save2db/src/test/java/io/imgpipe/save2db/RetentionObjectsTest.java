package io.imgpipe.save2db;

import io.imgpipe.blob.BlobSettings;
import io.imgpipe.blob.S3BlobStore;
import io.imgpipe.contract.BlobRef;
import io.imgpipe.runtime.ServiceRuntime;
import io.imgpipe.save2db.blob.BlobSweep;
import io.imgpipe.save2db.blob.ObjectStorage;
import io.imgpipe.testsupport.S3TestServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/**
 * Retention with the bytes in an object store (issue 17): an expired image's rows and its objects go, on a real
 * PostgreSQL (embedded) and a real S3 server (S3Proxy); the runtime (activity events) is mocked.
 */
class RetentionObjectsTest {

    @Test
    void anExpiredImagesObjectsAreRemovedWithItsRows() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.start(); S3TestServer s3 = S3TestServer.start()) {
            var db = postgres.getPostgresDatabase();
            Schema.migrate(db);
            S3BlobStore store = S3BlobStore.open(BlobSettings.s3(s3.endpoint(), "retention", S3TestServer.ACCESS_KEY,
                    S3TestServer.SECRET_KEY, 0));
            ServiceRuntime runtime = mock(ServiceRuntime.class);
            when(runtime.activity(any())).thenReturn(CompletableFuture.completedFuture(null));
            ImageArchive archive = new ImageArchive(db);
            String old = UUID.randomUUID().toString().replace("-", "");
            String recent = UUID.randomUUID().toString().replace("-", "");
            BlobRef oldOriginal = store.put(("old " + old).getBytes(StandardCharsets.UTF_8));
            BlobRef oldResult = store.put(("old result " + old).getBytes(StandardCharsets.UTF_8));
            BlobRef recentOriginal = store.put(("recent " + recent).getBytes(StandardCharsets.UTF_8));
            archive.store(new ImageArchive.Original(old, "png", "image/png", null, null, "", "",
                    Instant.now().minus(Duration.ofDays(40)), null, oldOriginal));
            archive.store(new ImageArchive.Result(old, "jpeg", "image/jpeg", null, 1, 1, 2, 2, Instant.now(),
                    Instant.now(), oldResult));
            archive.store(new ImageArchive.Original(recent, "png", "image/png", null, null, "", "", Instant.now(),
                    null, recentOriginal));
            Thread.sleep(1100); // S3 dates have whole seconds: the objects must be strictly older than "now"

            try (ObjectStorage objects = new ObjectStorage(store, new BlobSweep(db, store, Duration.ZERO, null));
                 Retention retention = new Retention(db, archive, objects, runtime, Duration.ofDays(30),
                         Duration.ofHours(1))) {
                int purged = retention.purge(Instant.now().minus(Duration.ofDays(30)));

                assertThat(purged).isEqualTo(1);
                assertThat(store.lastModified(oldOriginal.key())).isEmpty();
                assertThat(store.lastModified(oldResult.key())).isEmpty();
                assertThat(store.get(recentOriginal)).isNotEmpty();
                assertThat(archive.blobKeys(recent)).containsExactly(recentOriginal.key());
            }
        }
    }
}
