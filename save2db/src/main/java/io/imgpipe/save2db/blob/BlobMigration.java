package io.imgpipe.save2db.blob;

import io.imgpipe.blob.BlobSettings;
import io.imgpipe.blob.BlobStore;
import io.imgpipe.blob.S3BlobStore;
import io.imgpipe.contract.BlobRef;
import io.imgpipe.runtime.Env;
import io.imgpipe.runtime.Infrastructure;
import io.imgpipe.runtime.db.Database;
import io.imgpipe.save2db.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Moves the bytes of originals and results still kept in PostgreSQL ({@code bytea}) to the object store, in batches
 * of {@code IMGPIPE_MIGRATE_BATCH} rows: each object is put (durably) before its row is switched to the key in one
 * update, so a run stopped anywhere loses nothing and the next run goes on from the rows still holding bytes. Run it
 * with the services already on {@code IMGPIPE_BLOB_STORE=s3} (they read either kind of row), e.g. {@code bin/migrate-blobs}.
 * A row deleted meanwhile leaves an object nobody references, which the sweep removes.
 */
public final class BlobMigration {

    private static final Logger LOG = LoggerFactory.getLogger(BlobMigration.class);

    /** What one run did. */
    public record Moved(long rows, long bytes) {
    }

    private final DataSource dataSource;
    private final BlobStore store;
    private final int batch;
    private final Consumer<String> progress;

    public BlobMigration(DataSource dataSource, BlobStore store, int batch, Consumer<String> progress) {
        if (batch < 1) {
            throw new IllegalArgumentException("a batch has at least one row, got " + batch);
        }
        this.dataSource = dataSource;
        this.store = store;
        this.batch = batch;
        this.progress = progress;
    }

    /** Moves every row of both tables that still has bytes, or at most {@code maxBatches} batches of each. */
    public Moved run(int maxBatches) throws SQLException {
        Moved originals = table("originals", maxBatches);
        Moved results = table("results", maxBatches);
        return new Moved(originals.rows() + results.rows(), originals.bytes() + results.bytes());
    }

    private Moved table(String table, int maxBatches) throws SQLException {
        long total = remaining(table);
        long rows = 0;
        long bytes = 0;
        String after = "";
        for (int b = 0; b < maxBatches; b++) {
            List<Row> page = page(table, after);
            if (page.isEmpty()) {
                break;
            }
            for (Row row : page) {
                BlobRef ref = store.put(row.bytes());
                if (switchToKey(table, row.imageId(), ref)) {
                    rows++;
                    bytes += ref.size();
                }
            }
            after = page.get(page.size() - 1).imageId();
            progress.accept(String.format("%s: %d of %d moved (%.1f MiB)", table, rows, total, bytes / 1048576.0));
            if (page.size() < batch) {
                break;
            }
        }
        return new Moved(rows, bytes);
    }

    private record Row(String imageId, byte[] bytes) {
    }

    private long remaining(String table) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM " + table + " WHERE blob_key IS NULL");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private List<Row> page(String table, String after) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT image_id, bytes FROM " + table + " WHERE blob_key IS NULL AND image_id > ? ORDER BY image_id LIMIT ?")) {
            ps.setString(1, after);
            ps.setInt(2, batch);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Row(rs.getString(1), rs.getBytes(2)));
                }
            }
        }
        return rows;
    }

    private boolean switchToKey(String table, String imageId, BlobRef ref) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE " + table + " SET blob_key = ?, bytes = NULL WHERE image_id = ? AND blob_key IS NULL")) {
            ps.setString(1, ref.key());
            ps.setString(2, imageId);
            return ps.executeUpdate() == 1;
        }
    }

    /** {@code bin/migrate-blobs}: the database and object store from the same {@code IMGPIPE_*} settings as save2db. */
    public static void main(String[] args) throws Exception {
        Env env = new Env(System.getenv());
        BlobSettings blobs = BlobSettings.fromEnv(env);
        if (!blobs.objectStore()) {
            System.err.println("migrate-blobs: set IMGPIPE_BLOB_STORE=s3 and the IMGPIPE_S3_* settings");
            System.exit(2);
        }
        int batch = env.integer("IMGPIPE_MIGRATE_BATCH", 100, 1, 10_000);
        try (var pool = Database.pool(Infrastructure.fromEnv(env), "migrate-blobs", 2, false);
             BlobStore store = S3BlobStore.open(blobs)) {
            Schema.migrate(pool);
            Moved moved = new BlobMigration(pool, store, batch, line -> {
                LOG.info("event=migrate_progress {}", line);
                System.out.println(line);
            }).run(Integer.MAX_VALUE);
            System.out.printf("done: %d rows, %.1f MiB moved to bucket %s%n", moved.rows(), moved.bytes() / 1048576.0,
                    blobs.bucket());
        }
    }
}
