package io.imgpipe.save2db.blob;

import io.imgpipe.blob.BlobSettings;
import io.imgpipe.blob.S3BlobStore;
import io.imgpipe.contract.BlobRef;
import io.imgpipe.save2db.ImageArchive;
import io.imgpipe.save2db.Schema;
import io.imgpipe.testsupport.S3TestServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The move of a {@code bytea} archive to the object store, against a real PostgreSQL (embedded) and a real S3 server
 * (S3Proxy): in batches, stopped half-way and resumed, every byte arrives and none stays behind.
 */
class BlobMigrationTest {

    private static EmbeddedPostgres postgres;
    private static DataSource db;
    private static S3TestServer s3;

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

    @Test
    void movesABytesArchiveInBatchesAndResumesWhereItStopped() throws Exception {
        ImageArchive archive = new ImageArchive(db);
        Map<String, byte[]> originals = new HashMap<>();
        for (int i = 0; i < 5; i++) {
            String id = UUID.randomUUID().toString().replace("-", "");
            byte[] bytes = ("original " + i + " " + id).getBytes();
            originals.put(id, bytes);
            archive.store(new ImageArchive.Original(id, "png", "image/png", bytes, null, "", "", Instant.now(), null));
            if (i < 2) {
                archive.store(new ImageArchive.Result(id, "jpeg", "image/jpeg", ("result " + id).getBytes(), 1, 1, 2, 2,
                        Instant.now(), Instant.now()));
            }
        }
        List<String> progress = new ArrayList<>();
        try (S3BlobStore store = S3BlobStore.open(BlobSettings.s3(s3.endpoint(), "migrate-" + UUID.randomUUID(),
                S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY, 0))) {
            BlobMigration migration = new BlobMigration(db, store, 2, progress::add);

            BlobMigration.Moved first = migration.run(1);   // stopped after one batch of each table
            BlobMigration.Moved rest = migration.run(Integer.MAX_VALUE);
            BlobMigration.Moved again = migration.run(Integer.MAX_VALUE);

            assertThat(first.rows()).isEqualTo(4);
            assertThat(rest.rows()).isEqualTo(3);
            assertThat(again.rows()).isZero();
            assertThat(progress).contains("originals: 2 of 5 moved (0.0 MiB)", "originals: 3 of 3 moved (0.0 MiB)");
            try (Connection c = db.getConnection(); var s = c.createStatement()) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM originals WHERE bytes IS NOT NULL"
                        + " UNION ALL SELECT count(*) FROM results WHERE bytes IS NOT NULL")) {
                    while (rs.next()) {
                        assertThat(rs.getLong(1)).as("rows still holding bytes").isZero();
                    }
                }
                try (ResultSet rs = s.executeQuery("SELECT image_id, blob_key, byte_size FROM originals")) {
                    int seen = 0;
                    while (rs.next()) {
                        String key = rs.getString(2);
                        BlobRef ref = BlobRef.of(key.substring(key.lastIndexOf('/') + 1), rs.getLong(3));
                        assertThat(store.get(ref)).isEqualTo(originals.get(rs.getString(1)));
                        seen++;
                    }
                    assertThat(seen).isEqualTo(5);
                }
            }
        }
    }
}
