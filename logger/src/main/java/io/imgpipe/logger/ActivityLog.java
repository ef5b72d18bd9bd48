package io.imgpipe.logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgpipe.contract.ActivityEvent;
import org.flywaydb.core.Flyway;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

/** The {@code activity_events} table, owned and migrated by the logger. */
public final class ActivityLog {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final DataSource dataSource;

    public ActivityLog(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public static void migrate(DataSource dataSource) {
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/logger")
                .table("logger_schema_history")
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
    }

    /**
     * Keeps the event, unless its image was deleted. A {@code deleted} event (from the gateway or save2db) is not
     * kept: it removes the image's events and makes the logger forget any that arrive later (a transformer still
     * working on it, a redelivery).
     *
     * @return false when the same event was already kept, or its image is forgotten
     */
    public boolean keep(ActivityEvent e) throws SQLException {
        if ("deleted".equals(e.event())) {
            forget(e.imageId());
            return false;
        }
        // The same per-image lock as forget(): an insert either commits before a forget (and is deleted by it) or
        // starts after it (and sees the image forgotten).
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO activity_events (image_id, service, event, at, traceparent, detail)
                    SELECT ?, ?, ?, ?, ?, ?::jsonb WHERE NOT EXISTS (SELECT 1 FROM forgotten_images WHERE image_id = ?)
                    ON CONFLICT (image_id, service, event, at, (coalesce(detail ->> 'kind', ''))) DO NOTHING""")) {
                lock(c, e.imageId());
                ps.setString(1, e.imageId());
                ps.setString(2, e.service());
                ps.setString(3, e.event());
                ps.setTimestamp(4, Timestamp.from(Instant.ofEpochMilli(e.at())));
                ps.setString(5, e.traceparent() == null ? "" : e.traceparent());
                ps.setString(6, JSON.writeValueAsString(e.detail()));
                ps.setString(7, e.imageId());
                boolean kept = ps.executeUpdate() == 1;
                c.commit();
                return kept;
            } catch (SQLException | RuntimeException ex) {
                c.rollback();
                throw ex;
            } catch (JsonProcessingException ex) {
                c.rollback();
                throw new SQLException("detail is not serialisable", ex);
            }
        }
    }

    private static void lock(Connection c, String imageId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
            ps.setString(1, imageId);
            ps.execute();
        }
    }

    private void forget(String imageId) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement mark = c.prepareStatement(
                    "INSERT INTO forgotten_images (image_id) VALUES (?) ON CONFLICT (image_id) DO NOTHING");
                 PreparedStatement delete = c.prepareStatement("DELETE FROM activity_events WHERE image_id = ?")) {
                lock(c, imageId);
                mark.setString(1, imageId);
                mark.executeUpdate();
                delete.setString(1, imageId);
                delete.executeUpdate();
                c.commit();
            } catch (SQLException | RuntimeException ex) {
                c.rollback();
                throw ex;
            }
        }
    }
}
