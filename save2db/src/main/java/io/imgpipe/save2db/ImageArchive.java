package io.imgpipe.save2db;

import io.imgpipe.contract.BlobRef;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes originals, results and failures. Every write is one insert keyed by image id that does nothing when the
 * row is already there: a redelivered or reordered message changes nothing. A deleted image leaves a tombstone, and
 * no insert brings it back: a delete and the inserts of the same image take the same transaction-scoped advisory lock,
 * so an insert either commits before the delete (and is deleted) or starts after it (and sees the tombstone).
 */
public final class ImageArchive {

    private final DataSource dataSource;

    public ImageArchive(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * An upload to keep: its bytes either in PostgreSQL ({@code bytes}) or in the object store ({@code blob}, bytes
     * null), never both.
     */
    public record Original(String imageId, String format, String contentType, byte[] bytes, String filename,
                           String options, String traceparent, Instant acceptedAt, String owner, BlobRef blob) {

        public Original {
            if ((bytes == null) == (blob == null)) {
                throw new IllegalArgumentException("an original has its bytes or a blob reference, exactly one");
            }
        }

        public Original(String imageId, String format, String contentType, byte[] bytes, String filename,
                        String options, String traceparent, Instant acceptedAt, String owner) {
            this(imageId, format, contentType, bytes, filename, options, traceparent, acceptedAt, owner, null);
        }

        long size() {
            return blob == null ? bytes.length : blob.size();
        }
    }

    /** A transform's result, its bytes held as an {@link Original}'s are. */
    public record Result(String imageId, String format, String contentType, byte[] bytes, int width, int height,
                         int sourceWidth, int sourceHeight, Instant startedAt, Instant transformedAt, BlobRef blob) {

        public Result {
            if ((bytes == null) == (blob == null)) {
                throw new IllegalArgumentException("a result has its bytes or a blob reference, exactly one");
            }
        }

        public Result(String imageId, String format, String contentType, byte[] bytes, int width, int height,
                      int sourceWidth, int sourceHeight, Instant startedAt, Instant transformedAt) {
            this(imageId, format, contentType, bytes, width, height, sourceWidth, sourceHeight, startedAt,
                    transformedAt, null);
        }

        long size() {
            return blob == null ? bytes.length : blob.size();
        }
    }

    public record Failure(String imageId, String reason, String message, Instant startedAt, Instant failedAt) {
    }

    /** @return true when this call stored it, false when it was already stored */
    public boolean store(Original o) throws SQLException {
        return insert(o.imageId(), """
                INSERT INTO originals (image_id, format, content_type, byte_size, bytes, filename, options, traceparent,
                                       accepted_at, owner, blob_key)
                SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM deleted_images WHERE image_id = ?)
                ON CONFLICT (image_id) DO NOTHING""", ps -> {
            ps.setString(1, o.imageId());
            ps.setString(2, o.format());
            ps.setString(3, o.contentType());
            ps.setInt(4, Math.toIntExact(o.size()));
            ps.setBytes(5, o.bytes());
            ps.setString(6, o.filename());
            ps.setString(7, o.options());
            ps.setString(8, o.traceparent());
            ps.setTimestamp(9, Timestamp.from(o.acceptedAt()));
            ps.setString(10, o.owner());
            ps.setString(11, o.blob() == null ? null : o.blob().key());
            ps.setString(12, o.imageId());
        });
    }

    public boolean store(Result r) throws SQLException {
        return insert(r.imageId(), """
                INSERT INTO results (image_id, format, content_type, byte_size, bytes, width, height, source_width,
                                     source_height, started_at, transformed_at, blob_key)
                SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM deleted_images WHERE image_id = ?)
                ON CONFLICT (image_id) DO NOTHING""", ps -> {
            ps.setString(1, r.imageId());
            ps.setString(2, r.format());
            ps.setString(3, r.contentType());
            ps.setInt(4, Math.toIntExact(r.size()));
            ps.setBytes(5, r.bytes());
            ps.setInt(6, r.width());
            ps.setInt(7, r.height());
            ps.setInt(8, r.sourceWidth());
            ps.setInt(9, r.sourceHeight());
            ps.setTimestamp(10, Timestamp.from(r.startedAt()));
            ps.setTimestamp(11, Timestamp.from(r.transformedAt()));
            ps.setString(12, r.blob() == null ? null : r.blob().key());
            ps.setString(13, r.imageId());
        });
    }

    public boolean store(Failure f) throws SQLException {
        return insert(f.imageId(), """
                INSERT INTO failures (image_id, reason, message, started_at, failed_at)
                SELECT ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM deleted_images WHERE image_id = ?)
                ON CONFLICT (image_id) DO NOTHING""", ps -> {
            ps.setString(1, f.imageId());
            ps.setString(2, f.reason());
            ps.setString(3, f.message());
            ps.setTimestamp(4, Timestamp.from(f.startedAt()));
            ps.setTimestamp(5, Timestamp.from(f.failedAt()));
            ps.setString(6, f.imageId());
        });
    }

    /** What a delete found. */
    public enum Deleted { DELETED, ALREADY_DELETED, NOT_FOUND, NOT_OWNER }

    /**
     * Deletes the image's original, result and failure and leaves a tombstone, in one transaction. Safe to repeat.
     *
     * @param owner the owner that asks; null deletes whatever owner the image has (keys off, retention). An image of
     *              another owner is left alone. An id never seen is tombstoned too: its upload may still be in flight.
     */
    public Deleted delete(String imageId, String owner) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                Deleted outcome = delete(c, imageId, owner);
                c.commit();
                return outcome;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private static Deleted delete(Connection c, String imageId, String owner) throws SQLException {
        lock(c, imageId);
        String stored = null;
        boolean exists = false;
        try (PreparedStatement ps = c.prepareStatement("SELECT owner FROM originals WHERE image_id = ?")) {
            ps.setString(1, imageId);
            try (var rs = ps.executeQuery()) {
                if (rs.next()) {
                    exists = true;
                    stored = rs.getString(1);
                }
            }
        }
        if (exists && owner != null && !owner.equals(stored)) {
            return Deleted.NOT_OWNER;
        }
        int tombstoned;
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO deleted_images (image_id, owner) VALUES (?, ?) ON CONFLICT (image_id) DO NOTHING")) {
            ps.setString(1, imageId);
            ps.setString(2, exists ? stored : owner);
            tombstoned = ps.executeUpdate();
        }
        int rows = 0;
        for (String table : new String[]{"results", "failures", "variant_results", "variant_failures", "variants",
                "originals"}) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE image_id = ?")) {
                ps.setString(1, imageId);
                rows += ps.executeUpdate();
            }
        }
        return rows > 0 ? Deleted.DELETED : tombstoned == 0 ? Deleted.ALREADY_DELETED : Deleted.NOT_FOUND;
    }

    /** The object-store keys of an image's original, result and variants (none with the bytes in PostgreSQL). */
    public List<String> blobKeys(String imageId) throws SQLException {
        List<String> keys = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                SELECT blob_key FROM originals WHERE image_id = ? AND blob_key IS NOT NULL
                UNION SELECT blob_key FROM results WHERE image_id = ? AND blob_key IS NOT NULL
                UNION SELECT blob_key FROM variant_results WHERE image_id = ? AND blob_key IS NOT NULL""")) {
            ps.setString(1, imageId);
            ps.setString(2, imageId);
            ps.setString(3, imageId);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.add(rs.getString(1));
                }
            }
        }
        return keys;
    }

    /** Ids of images accepted before {@code cutoff}, oldest first, at most {@code limit}: one retention batch. */
    public List<String> acceptedBefore(Instant cutoff, int limit) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT image_id FROM originals WHERE accepted_at < ? ORDER BY accepted_at LIMIT ?")) {
            ps.setTimestamp(1, Timestamp.from(cutoff));
            ps.setInt(2, limit);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }

    interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private boolean insert(String imageId, String sql, Binder binder) throws SQLException {
        return insert(dataSource, imageId, sql, binder);
    }

    /** One idempotent insert of an image's row, under the image's lock (also {@link VariantArchive}'s). */
    static boolean insert(DataSource dataSource, String imageId, String sql, Binder binder) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                lock(c, imageId);
                binder.bind(ps);
                boolean inserted = ps.executeUpdate() == 1;
                c.commit();
                return inserted;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** Serialises the writes of one image (released at commit); other images are not held up. */
    static void lock(Connection c, String imageId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
            ps.setString(1, imageId);
            ps.execute();
        }
    }
}
