package io.imgpipe.gateway.read;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgpipe.contract.BlobRef;
import io.imgpipe.contract.ImageId;

import javax.sql.DataSource;
import java.io.IOException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * The gateway's read-only view of PostgreSQL. The gateway never writes: save2db is the single writer of images and
 * the logger of activity events, so the gateway answers from the same rows they committed, with connections opened
 * read-only, by primary key (or the newest-first index for listings).
 *
 * <p>What it reads is stated by the owners' migrations: save2db's tables and its {@code transform_started_at}
 * function (save2db {@code V2}, which looks into the logger's table only when it exists), and the logger's
 * {@code activity_events} for an image's timeline. Without a logger the timeline is empty and an unfinished image is
 * {@code queued}; nothing fails.
 *
 * <p>With a streaming replica ({@code IMGPIPE_READ_JDBC_URL}) reads go to the replica, which lags the primary by
 * the time it takes to replay a commit. An id this gateway accepted moments ago ({@code fresh}) is the one a client
 * reads right after its 202, so for such an id a lookup that finds nothing on the replica (or an image not finished
 * yet) asks the primary again: no "404 right after 202", no "still queued" after its result was stored. Everything
 * else, and the listings, accept the replica's few milliseconds of staleness.
 */
public final class ImageQueries {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** PostgreSQL's SQLSTATE for a relation that does not exist. */
    private static final String UNDEFINED_TABLE = "42P01";
    private final DataSource dataSource;
    private final DataSource primary;
    private final Predicate<String> fresh;
    private final LongAdder fallbacks = new LongAdder();

    /** Reads from the primary only. */
    public ImageQueries(DataSource dataSource) {
        this(dataSource, dataSource, id -> false);
    }

    /**
     * @param replica reads go here
     * @param primary where a fresh id's missing (or unfinished) image is looked for again, and idempotency digests
     * @param fresh   ids this gateway accepted recently
     */
    public ImageQueries(DataSource replica, DataSource primary, Predicate<String> fresh) {
        this.dataSource = replica;
        this.primary = primary;
        this.fresh = fresh;
    }

    /** How many reads the replica could not answer for a fresh id, so the primary did. */
    public long primaryFallbacks() {
        return fallbacks.sum();
    }

    private boolean askPrimary(String id) {
        if (primary == dataSource || !fresh.test(id)) {
            return false;
        }
        fallbacks.increment();
        return true;
    }

    public enum Status { QUEUED, PROCESSING, DONE, FAILED, UNKNOWN }

    /** What is known about an image without its bytes. */
    public record Summary(String id, Status status, String filename, String options,
                          Part original, Part result, String failureReason, String failureMessage,
                          Timestamps timestamps) {
    }

    public record Part(String format, String contentType, Integer width, Integer height, int bytes) {
    }

    public record Timestamps(Long accepted, Long originalStored, Long transformStarted, Long transformed,
                             Long resultStored, Long failed) {
    }

    /**
     * @param inline may be shown inline with its image type: not an original the transformer failed on (bytes behind
     *               an image signature that are not an image: {@code BM} + HTML)
     */
    public record Stored(byte[] bytes, String contentType, String format, boolean inline, BlobRef blob) {

        public Stored(byte[] bytes, String contentType, String format, boolean inline) {
            this(bytes, contentType, format, inline, null);
        }

        /** @param bytes null when the bytes are in the object store under {@code blob} */
        public Stored {
            if ((bytes == null) == (blob == null)) {
                throw new IllegalArgumentException("stored bytes are in PostgreSQL or in the object store, exactly one");
            }
        }

        public long size() {
            return blob == null ? bytes.length : blob.size();
        }
    }

    /**
     * Whose image an id is, from its original or, once deleted, its tombstone.
     *
     * @param owner   null for images uploaded with keys off
     * @param deleted the image was deleted
     * @param sha256  the digest of the original's bytes (null once deleted, or when not asked for)
     */
    public record Ownership(String owner, boolean deleted, byte[] sha256) {
    }

    public record Event(String service, String event, long at, Map<String, Object> detail) {
    }

    public record Page(List<Summary> items, String next) {
    }

    private static final String SUMMARY = """
            SELECT k.id, o.filename, o.options, o.format AS o_format, o.content_type AS o_type, o.byte_size AS o_size,
                   o.accepted_at, o.stored_at AS o_stored,
                   r.format AS r_format, r.content_type AS r_type, r.byte_size AS r_size, r.width, r.height,
                   r.source_width, r.source_height, r.started_at AS r_started, r.transformed_at, r.stored_at AS r_stored,
                   f.reason, f.message, f.started_at AS f_started, f.failed_at,
                   transform_started_at(k.id) AS a_started
              FROM %s
              LEFT JOIN originals o ON o.image_id = k.id
              LEFT JOIN results r ON r.image_id = k.id
              LEFT JOIN failures f ON f.image_id = k.id
            """;

    public Optional<Summary> summary(String id) throws SQLException {
        Optional<Summary> replica = summary(dataSource, id);
        boolean finished = replica.map(r -> r.status() == Status.DONE || r.status() == Status.FAILED).orElse(false);
        return !finished && askPrimary(id) ? summary(primary, id) : replica;
    }

    private static Optional<Summary> summary(DataSource source, String id) throws SQLException {
        try (Connection c = source.getConnection();
             PreparedStatement ps = c.prepareStatement(SUMMARY.formatted("(SELECT ?::text AS id) k"))) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                Summary s = summaryOf(rs);
                return s.status() == Status.UNKNOWN ? Optional.empty() : Optional.of(s);
            }
        }
    }

    /**
     * Newest first; {@code before} is the cursor of the previous page's {@code next}.
     *
     * @param owner only this owner's images; null: everyone's (keys off)
     */
    public Page list(String owner, String status, int limit, String before) throws SQLException {
        String filter = switch (status) {
            case "done" -> " AND EXISTS (SELECT 1 FROM results x WHERE x.image_id = o2.image_id)";
            case "failed" -> " AND EXISTS (SELECT 1 FROM failures x WHERE x.image_id = o2.image_id)"
                    + " AND NOT EXISTS (SELECT 1 FROM results x WHERE x.image_id = o2.image_id)";
            case "pending" -> " AND NOT EXISTS (SELECT 1 FROM results x WHERE x.image_id = o2.image_id)"
                    + " AND NOT EXISTS (SELECT 1 FROM failures x WHERE x.image_id = o2.image_id)";
            default -> "";
        };
        Cursor cursor = Cursor.parse(before);
        String keys = "(SELECT o2.image_id AS id, o2.accepted_at AS sort_at FROM originals o2 WHERE "
                + "(o2.accepted_at, o2.image_id) < (?, ?)" + (owner == null ? "" : " AND o2.owner = ?") + filter
                + " ORDER BY o2.accepted_at DESC, o2.image_id DESC LIMIT ?) k";
        List<Summary> items = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(SUMMARY.formatted(keys) + " ORDER BY k.sort_at DESC, k.id DESC")) {
            ps.setTimestamp(1, cursor.at());
            ps.setString(2, cursor.id());
            int next = 3;
            if (owner != null) {
                ps.setString(next++, owner);
            }
            ps.setInt(next, limit + 1);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    items.add(summaryOf(rs));
                }
            }
        }
        String next = null;
        if (items.size() > limit) {
            items = new ArrayList<>(items.subList(0, limit));
            Summary last = items.get(limit - 1);
            next = new Cursor(new Timestamp(last.timestamps().accepted()), last.id()).format();
        }
        return new Page(items, next);
    }

    public Optional<Stored> result(String id) throws SQLException {
        return orFromPrimary(id, source -> bytes(source,
                "SELECT bytes, content_type, format, true, blob_key, byte_size FROM results WHERE image_id = ?", id));
    }

    public Optional<Stored> original(String id) throws SQLException {
        return orFromPrimary(id, source -> bytes(source, """
                SELECT o.bytes, o.content_type, o.format,
                       NOT EXISTS (SELECT 1 FROM failures f WHERE f.image_id = o.image_id), o.blob_key, o.byte_size
                  FROM originals o WHERE o.image_id = ?""", id));
    }

    /** One primary-key lookup (two once deleted) that decides who may see the image; without the digest. */
    public Optional<Ownership> ownership(String id) throws SQLException {
        return orFromPrimary(id, source -> ownership(source, id, false));
    }

    /**
     * The same with the digest of the original, which PostgreSQL computes over its bytes: for idempotent uploads.
     * Always on the primary: a retry through another gateway must see the first upload even within the replica's lag.
     */
    public Optional<Ownership> ownershipWithDigest(String id) throws SQLException {
        return ownership(primary, id, true);
    }

    /** A lookup on the replica, repeated on the primary when it finds nothing for a fresh id. */
    private <T> Optional<T> orFromPrimary(String id, Lookup<T> lookup) throws SQLException {
        Optional<T> found = lookup.in(dataSource);
        return found.isEmpty() && askPrimary(id) ? lookup.in(primary) : found;
    }

    @FunctionalInterface
    private interface Lookup<T> {
        Optional<T> in(DataSource source) throws SQLException;
    }

    /** The original's digest: computed over its bytes, or read from its content-addressed key (sha256/ab/<hex>). */
    private static final String DIGEST = "COALESCE(sha256(bytes), decode(substr(blob_key, 11), 'hex'))";

    private static Optional<Ownership> ownership(DataSource source, String id, boolean digest) throws SQLException {
        try (Connection c = source.getConnection(); PreparedStatement ps = c.prepareStatement("""
                SELECT owner, false, %s FROM originals WHERE image_id = ?
                UNION ALL
                SELECT owner, true, NULL::bytea FROM deleted_images WHERE image_id = ?
                LIMIT 1""".formatted(digest ? DIGEST : "NULL::bytea"))) {
            ps.setString(1, id);
            ps.setString(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Ownership(rs.getString(1), rs.getBoolean(2), rs.getBytes(3)))
                        : Optional.empty();
            }
        }
    }

    /** The logger's timeline of an image; empty when no logger has created its table in this database. */
    public List<Event> events(String id) throws SQLException {
        List<Event> events = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT service, event, at, detail::text FROM activity_events WHERE image_id = ? ORDER BY at, id")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    events.add(new Event(rs.getString(1), rs.getString(2), rs.getTimestamp(3).getTime(),
                            detail(rs.getString(4))));
                }
            }
        } catch (SQLException e) {
            if (!UNDEFINED_TABLE.equals(e.getSQLState())) {
                throw e;
            }
            // the logger is optional: a deployment without it has no timeline to show, which is not an error
        }
        return events;
    }

    /** True when a trivial query answers on the database reads go to (and the primary, when that is another): readiness. */
    public boolean reachable() {
        return reachable(dataSource) && (primary == dataSource || reachable(primary));
    }

    private static boolean reachable(DataSource source) {
        try (Connection c = source.getConnection()) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    private static Optional<Stored> bytes(DataSource source, String sql, String id) throws SQLException {
        try (Connection c = source.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String key = rs.getString(5);
                BlobRef blob = key == null ? null : BlobRef.of(key.substring(key.lastIndexOf('/') + 1), rs.getLong(6));
                return Optional.of(new Stored(rs.getBytes(1), rs.getString(2), rs.getString(3), rs.getBoolean(4), blob));
            }
        }
    }

    private static Summary summaryOf(ResultSet rs) throws SQLException {
        boolean hasOriginal = rs.getString("o_format") != null;
        boolean hasResult = rs.getString("r_format") != null;
        boolean hasFailure = rs.getString("reason") != null;
        Timestamp aStarted = rs.getTimestamp("a_started");
        Timestamp rStarted = rs.getTimestamp("r_started");
        Timestamp fStarted = rs.getTimestamp("f_started");
        Status status = hasResult ? Status.DONE : hasFailure ? Status.FAILED
                : aStarted != null ? Status.PROCESSING : hasOriginal ? Status.QUEUED : Status.UNKNOWN;
        Integer sourceWidth = hasResult ? rs.getInt("source_width") : null;
        Integer sourceHeight = hasResult ? rs.getInt("source_height") : null;
        Part original = hasOriginal ? new Part(rs.getString("o_format"), rs.getString("o_type"), sourceWidth,
                sourceHeight, rs.getInt("o_size")) : null;
        Part result = hasResult ? new Part(rs.getString("r_format"), rs.getString("r_type"), rs.getInt("width"),
                rs.getInt("height"), rs.getInt("r_size")) : null;
        Timestamps ts = new Timestamps(millis(rs.getTimestamp("accepted_at")), millis(rs.getTimestamp("o_stored")),
                millis(rStarted != null ? rStarted : fStarted != null ? fStarted : aStarted),
                millis(rs.getTimestamp("transformed_at")), millis(rs.getTimestamp("r_stored")),
                millis(rs.getTimestamp("failed_at")));
        return new Summary(rs.getString("id"), status, rs.getString("filename"), rs.getString("options"), original,
                result, hasResult ? null : rs.getString("reason"), hasResult ? null : rs.getString("message"), ts);
    }

    private static Long millis(Timestamp t) {
        return t == null ? null : t.getTime();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> detail(String json) {
        try {
            return json == null ? Map.of() : JSON.readValue(json, LinkedHashMap.class);
        } catch (IOException e) {
            return Map.of();
        }
    }

    /** Keyset pagination position: {@code <epoch millis>-<id>} of the last item shown. */
    record Cursor(Timestamp at, String id) {

        static Cursor parse(String raw) {
            if (raw == null || raw.isBlank()) {
                return new Cursor(Timestamp.valueOf("9999-12-31 00:00:00"), "~");
            }
            int dash = raw.indexOf('-');
            try {
                if (dash > 0 && ImageId.isWellFormed(raw.substring(dash + 1))) {
                    return new Cursor(new Timestamp(Long.parseLong(raw.substring(0, dash))), raw.substring(dash + 1));
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException("before must be the 'next' value of a previous page");
        }

        String format() {
            return at.getTime() + "-" + id;
        }
    }
}
