package io.imgpipe.save2db.blob;

import io.imgpipe.blob.BlobSettings;
import io.imgpipe.blob.S3BlobStore;
import io.imgpipe.contract.BlobRef;
import io.imgpipe.save2db.ImageArchive;
import io.imgpipe.save2db.Schema;
import io.imgpipe.testsupport.S3TestServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sweep of unreferenced objects against a real S3 server (S3Proxy) and a real PostgreSQL (embedded) with
 * save2db's migrations: what a crash between the gateway's put and its publish leaves behind goes, after the grace
 * period and not before; what a row references stays.
 */
class BlobSweepTest {

    private static final Duration GRACE = Duration.ofHours(1);

    private static EmbeddedPostgres postgres;
    private static DataSource db;
    private static S3TestServer s3;
    private S3BlobStore store;
    private ImageArchive archive;

    @BeforeAll
    static void startServers() throws Exception {
        postgres = EmbeddedPostgres.start();
        db = postgres.getPostgresDatabase();
        Schema.migrate(db);
        s3 = S3TestServer.start();
    }

    @AfterAll
    static void stopServers() throws Exception {
        s3.close();
        postgres.close();
    }

    @BeforeEach
    void freshBucket() {
        store = S3BlobStore.open(BlobSettings.s3(s3.endpoint(), "sweep-" + UUID.randomUUID(), S3TestServer.ACCESS_KEY,
                S3TestServer.SECRET_KEY, 0));
        archive = new ImageArchive(db);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private static String newId() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    private BlobRef storedOriginal(String id, String content) throws Exception {
        BlobRef ref = store.put(content.getBytes(StandardCharsets.UTF_8));
        archive.store(new ImageArchive.Original(id, "png", "image/png", null, null, "", "", Instant.now(), null, ref));
        return ref;
    }

    @Test
    void deletesOnlyUnreferencedObjectsOlderThanTheGracePeriod() throws Exception {
        BlobRef kept = storedOriginal(newId(), "an original save2db stored " + UUID.randomUUID());
        BlobRef orphan = store.put(("bytes whose publish never happened " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
        BlobSweep sweep = new BlobSweep(db, store, GRACE, null);

        int young = sweep.sweep(Instant.now());
        int old = sweep.sweep(Instant.now().plus(GRACE).plusSeconds(60));

        assertThat(young).isZero();
        assertThat(old).isEqualTo(1);
        assertThat(store.list("", 10)).extracting(b -> b.key()).containsExactly(kept.key());
        assertThat(store.lastModified(orphan.key())).isEmpty();
    }

    @Test
    void anObjectAResultReferencesIsKept() throws Exception {
        String id = newId();
        BlobRef result = store.put(("a result " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
        archive.store(new ImageArchive.Result(id, "jpeg", "image/jpeg", null, 1, 1, 2, 2, Instant.now(), Instant.now(),
                result));

        int deleted = new BlobSweep(db, store, GRACE, null).sweep(Instant.now().plus(GRACE).plusSeconds(60));

        assertThat(deleted).isZero();
        assertThat(store.get(result)).isNotEmpty();
    }

    @Test
    void aDeletedImagesObjectGoesAtOnceWhenOldEnoughAndNothingElseUsesIt() throws Exception {
        String id = newId();
        String twin = newId();
        BlobRef alone = storedOriginal(id, "only this image " + UUID.randomUUID());
        BlobRef shared = storedOriginal(twin, "same bytes twice " + id);
        storedOriginal(newId(), "same bytes twice " + id);
        BlobSweep noGrace = new BlobSweep(db, store, Duration.ZERO, null);
        Thread.sleep(1100); // S3 dates have whole seconds: the objects must be strictly older than "now"

        List<String> keys = archive.blobKeys(id);
        archive.delete(id, null);
        int released = noGrace.release(keys);
        List<String> twinKeys = archive.blobKeys(twin);
        archive.delete(twin, null);
        int twinReleased = noGrace.release(twinKeys);

        assertThat(keys).containsExactly(alone.key());
        assertThat(released).isEqualTo(1);
        assertThat(store.lastModified(alone.key())).isEmpty();
        assertThat(twinReleased).as("another image still references the same bytes").isZero();
        assertThat(store.get(shared)).isNotEmpty();
    }

    @Test
    void aYoungObjectOfADeletedImageIsLeftToTheSweep() throws Exception {
        String id = newId();
        BlobRef ref = storedOriginal(id, "deleted right after upload " + UUID.randomUUID());
        BlobSweep sweep = new BlobSweep(db, store, GRACE, null);

        List<String> keys = archive.blobKeys(id);
        archive.delete(id, null);

        assertThat(sweep.release(keys)).isZero();
        assertThat(sweep.sweep(Instant.now().plus(GRACE).plusSeconds(60))).isEqualTo(1);
        assertThat(store.lastModified(ref.key())).isEmpty();
    }

    @Test
    void aRowKeepsTheKeyAndNoBytes() throws Exception {
        String id = newId();
        BlobRef ref = storedOriginal(id, "metadata only " + id);

        try (var c = db.getConnection(); var ps = c.prepareStatement(
                "SELECT bytes IS NULL, blob_key, byte_size FROM originals WHERE image_id = ?")) {
            ps.setString(1, id);
            try (var rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getBoolean(1)).isTrue();
                assertThat(rs.getString(2)).isEqualTo(ref.key());
                assertThat(rs.getLong(3)).isEqualTo(ref.size());
            }
        }
    }
}
