package io.imgpipe.launcher;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real PostgreSQL server started from the io.zonky binaries, on a free loopback port. It runs with fsync off:
 * for the one-JVM default and tests, not for data people must keep.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);

    private final EmbeddedPostgres postgres;

    private EmbeddedDatabase(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /** @param dataDir where the data lives (kept between runs), or empty for a throw-away directory */
    public static EmbeddedDatabase start(Optional<Path> dataDir) throws IOException {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setPort(EmbeddedBroker.freePort())
                .setPGStartupWait(Duration.ofSeconds(60));
        if (dataDir.isPresent()) {
            Path dir = dataDir.get().toAbsolutePath();
            Files.createDirectories(dir);
            stopStale(dir);
            builder.setDataDirectory(dir).setCleanDataDirectory(false);
        }
        return new EmbeddedDatabase(builder.start());
    }

    /** A JVM killed with SIGKILL leaves its postgres running on the data directory: stop it before reusing it. */
    private static void stopStale(Path dir) {
        Path pid = dir.resolve("postmaster.pid");
        if (!Files.exists(pid)) {
            return;
        }
        try {
            long stale = Long.parseLong(Files.readAllLines(pid).get(0).trim());
            ProcessHandle.of(stale).ifPresent(p -> {
                LOG.warn("event=stale_postgres pid={} action=stop", stale);
                p.destroy();
                try {
                    p.onExit().get(20, TimeUnit.SECONDS);
                } catch (Exception e) {
                    p.destroyForcibly();
                }
            });
            Files.deleteIfExists(pid);
        } catch (IOException | RuntimeException e) {
            LOG.warn("event=stale_postgres_check_failed error=\"{}\"", e.toString());
        }
    }

    public String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
