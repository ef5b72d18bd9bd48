package io.imgpipe.save2db;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

/**
 * Writes originals, results and failures. Every write is one insert keyed by image id that does nothing when the
 * row is already there: a redelivered or reordered message changes nothing.
 */
public final class ImageArchive {

    private final DataSource dataSource;

    public ImageArchive(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public record Original(String imageId, String format, String contentType, byte[] bytes, String filename,
                           String options, String traceparent, Instant acceptedAt) {
    }

    public record Result(String imageId, String format, String contentType, byte[] bytes, int width, int height,
                         int sourceWidth, int sourceHeight, Instant startedAt, Instant transformedAt) {
    }

    public record Failure(String imageId, String reason, String message, Instant startedAt, Instant failedAt) {
    }

    /** @return true when this call stored it, false when it was already stored */
    public boolean store(Original o) throws SQLException {
        return insert("""
                INSERT INTO originals (image_id, format, content_type, byte_size, bytes, filename, options, traceparent, accepted_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (image_id) DO NOTHING""", ps -> {
            ps.setString(1, o.imageId());
            ps.setString(2, o.format());
            ps.setString(3, o.contentType());
            ps.setInt(4, o.bytes().length);
            ps.setBytes(5, o.bytes());
            ps.setString(6, o.filename());
            ps.setString(7, o.options());
            ps.setString(8, o.traceparent());
            ps.setTimestamp(9, Timestamp.from(o.acceptedAt()));
        });
    }

    public boolean store(Result r) throws SQLException {
        return insert("""
                INSERT INTO results (image_id, format, content_type, byte_size, bytes, width, height, source_width,
                                     source_height, started_at, transformed_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (image_id) DO NOTHING""", ps -> {
            ps.setString(1, r.imageId());
            ps.setString(2, r.format());
            ps.setString(3, r.contentType());
            ps.setInt(4, r.bytes().length);
            ps.setBytes(5, r.bytes());
            ps.setInt(6, r.width());
            ps.setInt(7, r.height());
            ps.setInt(8, r.sourceWidth());
            ps.setInt(9, r.sourceHeight());
            ps.setTimestamp(10, Timestamp.from(r.startedAt()));
            ps.setTimestamp(11, Timestamp.from(r.transformedAt()));
        });
    }

    public boolean store(Failure f) throws SQLException {
        return insert("""
                INSERT INTO failures (image_id, reason, message, started_at, failed_at)
                VALUES (?, ?, ?, ?, ?) ON CONFLICT (image_id) DO NOTHING""", ps -> {
            ps.setString(1, f.imageId());
            ps.setString(2, f.reason());
            ps.setString(3, f.message());
            ps.setTimestamp(4, Timestamp.from(f.startedAt()));
            ps.setTimestamp(5, Timestamp.from(f.failedAt()));
        });
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private boolean insert(String sql, Binder binder) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            return ps.executeUpdate() == 1;
        }
    }
}
