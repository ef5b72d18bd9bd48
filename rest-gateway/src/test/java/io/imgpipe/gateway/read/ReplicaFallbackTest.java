package io.imgpipe.gateway.read;

import io.imgpipe.save2db.ImageArchive;
import io.imgpipe.save2db.Schema;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #17: reads from a replica that lags. Two databases of one embedded PostgreSQL stand for the primary (where
 * save2db wrote) and a replica that has not replayed it yet; the replica's own behaviour is tested for real in
 * {@code ReplicaReadIT}. An id the gateway accepted moments ago is looked up again on the primary; any other is not.
 */
class ReplicaFallbackTest {

    private static EmbeddedPostgres postgres;
    private static DataSource primary;
    private static DataSource replica;
    private static ImageArchive primaryArchive;
    private static ImageArchive replicaArchive;

    @BeforeAll
    static void startDatabases() throws IOException, SQLException {
        postgres = EmbeddedPostgres.start();
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE primary_db");
            s.execute("CREATE DATABASE lagging_replica");
        }
        primary = postgres.getDatabase("postgres", "primary_db");
        replica = postgres.getDatabase("postgres", "lagging_replica");
        Schema.migrate(primary);
        Schema.migrate(replica);
        primaryArchive = new ImageArchive(primary);
        replicaArchive = new ImageArchive(replica);
    }

    @AfterAll
    static void stopDatabases() throws IOException {
        postgres.close();
    }

    @Test
    void givenAFreshIdTheReplicaHasNotReplayed_whenRead_thenThePrimaryAnswers() throws SQLException {
        String id = storedOnPrimaryOnly(true);
        ImageQueries queries = new ImageQueries(replica, primary, Set.of(id)::contains);

        assertThat(queries.summary(id)).map(ImageQueries.Summary::status).hasValue(ImageQueries.Status.DONE);
        assertThat(queries.result(id)).isPresent();
        assertThat(queries.original(id)).map(ImageQueries.Stored::bytes).hasValueSatisfying(
                b -> assertThat(b).containsExactly(1, 2, 3));
        assertThat(queries.ownership(id)).isPresent();
        assertThat(queries.primaryFallbacks()).isEqualTo(4);
    }

    @Test
    void givenAnIdThisGatewayDidNotAccept_whenTheReplicaLacksIt_thenItIsUnknown() throws SQLException {
        String id = storedOnPrimaryOnly(true);
        ImageQueries queries = new ImageQueries(replica, primary, fresh -> false);

        assertThat(queries.summary(id)).isEmpty();
        assertThat(queries.result(id)).isEmpty();
        assertThat(queries.primaryFallbacks()).isZero();
    }

    @Test
    void givenAFreshIdStillQueuedOnTheReplica_whenThePrimaryHasItsResult_thenItIsDone() throws SQLException {
        String id = storedOnPrimaryOnly(true);
        replicaArchive.store(original(id)); // the replica replayed the original, not yet the result
        ImageQueries queries = new ImageQueries(replica, primary, Set.of(id)::contains);

        assertThat(queries.summary(id)).map(ImageQueries.Summary::status).hasValue(ImageQueries.Status.DONE);
    }

    @Test
    void givenAFinishedImageOnTheReplica_whenRead_thenThePrimaryIsNotAsked() throws SQLException {
        String id = storedOnPrimaryOnly(true);
        replicaArchive.store(original(id));
        replicaArchive.store(result(id));
        ImageQueries queries = new ImageQueries(replica, primary, Set.of(id)::contains);

        assertThat(queries.summary(id)).map(ImageQueries.Summary::status).hasValue(ImageQueries.Status.DONE);
        assertThat(queries.result(id)).isPresent();
        assertThat(queries.primaryFallbacks()).isZero();
    }

    @Test
    void givenAnIdempotencyCheck_whenTheReplicaLags_thenThePrimaryIsReadEvenForAnIdFromElsewhere() throws SQLException {
        String id = storedOnPrimaryOnly(false);
        ImageQueries queries = new ImageQueries(replica, primary, fresh -> false);

        assertThat(queries.ownershipWithDigest(id)).map(ImageQueries.Ownership::sha256).isPresent();
    }

    private static String storedOnPrimaryOnly(boolean withResult) throws SQLException {
        String id = UUID.randomUUID().toString().replace("-", "");
        primaryArchive.store(original(id));
        if (withResult) {
            primaryArchive.store(result(id));
        }
        return id;
    }

    private static ImageArchive.Original original(String id) {
        return new ImageArchive.Original(id, "png", "image/png", new byte[] {1, 2, 3}, "a.png", "width=10", "",
                Instant.ofEpochMilli(1_000), null);
    }

    private static ImageArchive.Result result(String id) {
        return new ImageArchive.Result(id, "jpeg", "image/jpeg", new byte[] {9, 9}, 20, 10, 40, 20,
                Instant.ofEpochMilli(2_000), Instant.ofEpochMilli(3_000));
    }
}
