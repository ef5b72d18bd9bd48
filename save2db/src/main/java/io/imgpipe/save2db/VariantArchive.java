package io.imgpipe.save2db;

import io.imgpipe.contract.BlobRef;
import io.imgpipe.contract.variants.Variant;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

/**
 * Writes the variants of images that are not their primary result ({@code V4__variants.sql}): what was asked for,
 * each result and each failure, keyed by (image, variant), each one insert that does nothing when the row is there,
 * so redeliveries and any order change nothing. Takes the same per-image advisory lock as {@link ImageArchive}, so a
 * delete and these inserts never interleave, and no insert brings back a deleted image.
 */
public final class VariantArchive {

    private final DataSource dataSource;

    public VariantArchive(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** @param bytes null when they are in the object store under {@code blob} */
    public record Result(String imageId, Variant variant, String format, String contentType, byte[] bytes, int width,
                         int height, Instant startedAt, Instant transformedAt, BlobRef blob) {

        public Result(String imageId, Variant variant, String format, String contentType, byte[] bytes, int width,
                      int height, Instant startedAt, Instant transformedAt) {
            this(imageId, variant, format, contentType, bytes, width, height, startedAt, transformedAt, null);
        }

        public Result {
            if ((bytes == null) == (blob == null)) {
                throw new IllegalArgumentException("a variant's bytes are in PostgreSQL or in the object store, exactly one");
            }
        }
    }

    public record Failure(String imageId, Variant variant, String reason, String message, Instant startedAt,
                          Instant failedAt) {
    }

    /** The stored original a derivation is made from: its bytes, or (null bytes) its object store key. */
    public record Original(byte[] bytes, String format, String traceparent, String blobKey, long size) {
    }

    /** What a derivation command found. */
    public enum Derivation { STARTED, ALREADY_REQUESTED, NO_ORIGINAL }

    /** Publishes a derivation's job and returns once the broker confirmed it. */
    public interface JobPublisher {
        void publish(Original original) throws Exception;
    }

    /** Records the variants an upload asked for; the first is its primary. */
    public void requested(String imageId, List<Variant> variants) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                ImageArchive.lock(c, imageId);
                for (int i = 0; i < variants.size(); i++) {
                    insertRequest(c, imageId, variants.get(i), i, false);
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /**
     * Starts a derivation at most once per (image, variant): the insert-if-absent of its row and the job's publish
     * happen in one transaction that commits only after the broker confirmed the job. Concurrent commands for the
     * same variant wait on the row's key and then find it there, so only one job is published; a crash before the
     * commit leaves no row, and the redelivered command publishes the job again (never none).
     */
    public Derivation derive(String imageId, Variant variant, JobPublisher publisher) throws Exception {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                ImageArchive.lock(c, imageId);
                Original original = original(c, imageId);
                if (original == null) {
                    c.rollback();
                    return Derivation.NO_ORIGINAL;
                }
                if (!insertRequest(c, imageId, variant, -1, true)) {
                    c.rollback();
                    return Derivation.ALREADY_REQUESTED;
                }
                publisher.publish(original);
                c.commit();
                return Derivation.STARTED;
            } catch (Exception e) {
                c.rollback();
                throw e;
            }
        }
    }

    public boolean store(Result r) throws SQLException {
        return insert(r.imageId(), """
                INSERT INTO variant_results (image_id, variant, options, format, content_type, byte_size, bytes, width,
                                             height, started_at, transformed_at, blob_key)
                SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM deleted_images WHERE image_id = ?)
                ON CONFLICT (image_id, variant) DO NOTHING""", ps -> {
            ps.setString(1, r.imageId());
            ps.setString(2, r.variant().name());
            ps.setString(3, r.variant().options());
            ps.setString(4, r.format());
            ps.setString(5, r.contentType());
            ps.setInt(6, r.bytes() == null ? Math.toIntExact(r.blob().size()) : r.bytes().length);
            ps.setBytes(7, r.bytes());
            ps.setInt(8, r.width());
            ps.setInt(9, r.height());
            ps.setTimestamp(10, Timestamp.from(r.startedAt()));
            ps.setTimestamp(11, Timestamp.from(r.transformedAt()));
            ps.setString(12, r.blob() == null ? null : r.blob().key());
            ps.setString(13, r.imageId());
        });
    }

    public boolean store(Failure f) throws SQLException {
        return insert(f.imageId(), """
                INSERT INTO variant_failures (image_id, variant, options, reason, message, started_at, failed_at)
                SELECT ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM deleted_images WHERE image_id = ?)
                ON CONFLICT (image_id, variant) DO NOTHING""", ps -> {
            ps.setString(1, f.imageId());
            ps.setString(2, f.variant().name());
            ps.setString(3, f.variant().options());
            ps.setString(4, f.reason());
            ps.setString(5, f.message());
            ps.setTimestamp(6, Timestamp.from(f.startedAt()));
            ps.setTimestamp(7, Timestamp.from(f.failedAt()));
            ps.setString(8, f.imageId());
        });
    }

    /** @param position the place in the upload's list (0: the primary), or -1 for a derivation */
    private static boolean insertRequest(Connection c, String imageId, Variant v, int position, boolean derived)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO variants (image_id, name, options, is_primary, derived, position)
                SELECT ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM deleted_images WHERE image_id = ?)
                ON CONFLICT (image_id, name) DO NOTHING""")) {
            ps.setString(1, imageId);
            ps.setString(2, v.name());
            ps.setString(3, v.options());
            ps.setBoolean(4, position == 0);
            ps.setBoolean(5, derived);
            ps.setInt(6, Math.max(position, 0));
            ps.setString(7, imageId);
            return ps.executeUpdate() == 1;
        }
    }

    private static Original original(Connection c, String imageId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT bytes, format, traceparent, blob_key, byte_size FROM originals o WHERE image_id = ?
                   AND NOT EXISTS (SELECT 1 FROM deleted_images d WHERE d.image_id = o.image_id)""")) {
            ps.setString(1, imageId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Original(rs.getBytes(1), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getLong(5)) : null;
            }
        }
    }

    private boolean insert(String imageId, String sql, ImageArchive.Binder binder) throws SQLException {
        return ImageArchive.insert(dataSource, imageId, sql, binder);
    }
}
