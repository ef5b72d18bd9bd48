package io.imgpipe.logger;

import io.imgpipe.contract.ActivityEvent;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The activity table against a real PostgreSQL (embedded, once for the class) with the logger's migration. */
class ActivityLogTest {

    private static EmbeddedPostgres postgres;
    private static DataSource db;
    private static ActivityLog activityLog;

    @BeforeAll
    static void startDatabase() throws IOException {
        postgres = EmbeddedPostgres.start();
        db = postgres.getPostgresDatabase();
        ActivityLog.migrate(db);
        activityLog = new ActivityLog(db);
    }

    @AfterAll
    static void stopDatabase() throws IOException {
        postgres.close();
    }

    private static String newId() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    private static String row(String id) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT string_agg(concat_ws('|', service, event, (extract(epoch FROM at) * 1000)::bigint,"
                        + " traceparent, detail::text), ';' ORDER BY at) FROM activity_events WHERE image_id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    @Test
    void givenAnEvent_whenKept_thenItsRowHoldsEveryField() throws SQLException {
        String id = newId();

        assertThat(activityLog.keep(new ActivityEvent(id, "transformer", "done", 1_700_000_000_123L, "00-trace",
                Map.of("width", 20)))).isTrue();

        assertThat(row(id)).isEqualTo("transformer|done|1700000000123|00-trace|{\"width\": 20}");
    }

    @Test
    void givenTheSameEventTwice_whenKept_thenTheSecondChangesNothing() throws SQLException {
        String id = newId();
        ActivityEvent e = new ActivityEvent(id, "save2db", "stored", 5_000, "", Map.of("kind", "original"));

        assertThat(activityLog.keep(e)).isTrue();
        assertThat(activityLog.keep(e)).isFalse();

        assertThat(row(id)).isEqualTo("save2db|stored|5000||{\"kind\": \"original\"}");
    }

    @Test
    void givenTwoEventsOfOneImage_whenKept_thenBothAreKeptInTimeOrder() throws SQLException {
        String id = newId();

        activityLog.keep(new ActivityEvent(id, "transformer", "done", 2_000, "", Map.of()));
        activityLog.keep(new ActivityEvent(id, "transformer", "started", 1_000, null, Map.of()));

        assertThat(row(id)).isEqualTo("transformer|started|1000||{};transformer|done|2000||{}");
    }

    @Test
    void givenTheOriginalAndTheResultStoredInOneMillisecond_whenKept_thenBothEventsAreKept() throws SQLException {
        String id = newId();

        assertThat(activityLog.keep(new ActivityEvent(id, "save2db", "stored", 7_000, "", Map.of("kind", "original"))))
                .isTrue();
        assertThat(activityLog.keep(new ActivityEvent(id, "save2db", "stored", 7_000, "", Map.of("kind", "result"))))
                .isTrue();

        assertThat(row(id)).contains("\"original\"").contains("\"result\"");
    }
}
