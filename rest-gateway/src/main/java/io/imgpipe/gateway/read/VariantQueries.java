package io.imgpipe.gateway.read;

import io.imgpipe.contract.BlobRef;
import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The gateway's read-only view of an image's variants (save2db {@code V4__variants.sql}). The primary variant is the
 * image's own result ({@link ImageQueries}); this reads the others, and which name the primary has.
 */
public final class VariantQueries {

    /** An image stored before variants existed, or uploaded with plain options, has one variant of this name. */
    public static final String DEFAULT = "default";

    private final DataSource dataSource;

    public VariantQueries(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public enum Status { QUEUED, DONE, FAILED }

    /**
     * One non-primary variant as stored.
     *
     * @param options canonical options, null when only its outcome is stored yet (results may come first)
     */
    public record Secondary(String name, String options, boolean derived, Status status, String format,
                            String contentType, Integer width, Integer height, Integer bytes, String reason,
                            String message, Long requested, Long started, Long transformed, Long stored,
                            Long failed) {
    }

    /** What a request for one variant finds; {@code secondary} is empty when the name is the primary's or unknown. */
    public record Lookup(boolean originalStored, String primaryName, Optional<Secondary> secondary) {
    }

    /** The primary's name: the first variant the upload asked for, or {@value #DEFAULT}. */
    public Lookup lookup(String id, String name) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                SELECT EXISTS (SELECT 1 FROM originals WHERE image_id = ?),
                       (SELECT v.name FROM variants v WHERE v.image_id = ? AND v.is_primary)""")) {
            ps.setString(1, id);
            ps.setString(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                String primary = rs.getString(2) == null ? DEFAULT : rs.getString(2);
                Optional<Secondary> secondary = name.equals(primary) ? Optional.empty()
                        : secondaries(c, id, name).stream().findFirst();
                return new Lookup(rs.getBoolean(1), primary, secondary);
            }
        }
    }

    /** Every non-primary variant of the image, in the order they were asked for. */
    public List<Secondary> secondaries(String id) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return secondaries(c, id, null);
        }
    }

    public Optional<ImageQueries.Stored> result(String id, String name) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT bytes, content_type, format, blob_key, byte_size FROM variant_results"
                        + " WHERE image_id = ? AND variant = ?")) {
            ps.setString(1, id);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String key = rs.getString(4); // in the object store (IMGPIPE_BLOB_STORE=s3): sha256/ab/<hex>
                BlobRef blob = key == null ? null : BlobRef.of(key.substring(key.lastIndexOf('/') + 1), rs.getLong(5));
                return Optional.of(new ImageQueries.Stored(rs.getBytes(1), rs.getString(2), rs.getString(3), true,
                        blob));
            }
        }
    }

    private static List<Secondary> secondaries(Connection c, String id, String only) throws SQLException {
        // A result or failure may be stored before the row that asked for it: the names are the union of all three.
        String sql = """
                WITH names AS (
                    SELECT name FROM variants WHERE image_id = ? AND NOT is_primary
                    UNION SELECT variant FROM variant_results WHERE image_id = ?
                    UNION SELECT variant FROM variant_failures WHERE image_id = ?)
                SELECT n.name, coalesce(v.options, r.options, f.options) AS options, coalesce(v.derived, false),
                       r.format, r.content_type, r.byte_size, r.width, r.height, f.reason, f.message,
                       v.requested_at, coalesce(r.started_at, f.started_at), r.transformed_at,
                       coalesce(r.stored_at, f.stored_at), f.failed_at
                  FROM names n
                  LEFT JOIN variants v ON v.image_id = ? AND v.name = n.name
                  LEFT JOIN variant_results r ON r.image_id = ? AND r.variant = n.name
                  LEFT JOIN variant_failures f ON f.image_id = ? AND f.variant = n.name
                 WHERE %s
                 ORDER BY v.requested_at NULLS LAST, v.position NULLS LAST, n.name""".formatted(only == null ? "true" : "n.name = ?");
        List<Secondary> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 1; i <= 6; i++) {
                ps.setString(i, id);
            }
            if (only != null) {
                ps.setString(7, only);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    boolean done = rs.getString(4) != null;
                    boolean failed = !done && rs.getString(9) != null;
                    out.add(new Secondary(rs.getString(1), rs.getString(2), rs.getBoolean(3),
                            done ? Status.DONE : failed ? Status.FAILED : Status.QUEUED,
                            rs.getString(4), rs.getString(5), integer(rs, 7), integer(rs, 8), integer(rs, 6),
                            failed ? rs.getString(9) : null, failed ? rs.getString(10) : null,
                            millis(rs.getTimestamp(11)), millis(rs.getTimestamp(12)), millis(rs.getTimestamp(13)),
                            millis(rs.getTimestamp(14)), millis(rs.getTimestamp(15))));
                }
            }
        }
        return out;
    }

    private static Integer integer(ResultSet rs, int column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }

    private static Long millis(Timestamp t) {
        return t == null ? null : t.getTime();
    }
}
