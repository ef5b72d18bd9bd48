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

    /** @return false when the same event was already kept */
    public boolean keep(ActivityEvent e) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO activity_events (image_id, service, event, at, traceparent, detail)
                VALUES (?, ?, ?, ?, ?, ?::jsonb) ON CONFLICT ON CONSTRAINT activity_events_once DO NOTHING""")) {
            ps.setString(1, e.imageId());
            ps.setString(2, e.service());
            ps.setString(3, e.event());
            ps.setTimestamp(4, Timestamp.from(Instant.ofEpochMilli(e.at())));
            ps.setString(5, e.traceparent() == null ? "" : e.traceparent());
            ps.setString(6, JSON.writeValueAsString(e.detail()));
            return ps.executeUpdate() == 1;
        } catch (JsonProcessingException ex) {
            throw new SQLException("detail is not serialisable", ex);
        }
    }
}
