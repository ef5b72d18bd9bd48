package io.imgpipe.save2db;

import io.imgpipe.contract.ActivityEvent;
import io.imgpipe.contract.ImageId;
import io.imgpipe.runtime.ServiceRuntime;
import io.imgpipe.save2db.blob.ObjectStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code IMGPIPE_RETENTION_DAYS}: forgets images accepted longer ago than that, in bounded batches, exactly as a
 * {@code DELETE} would (tombstone, {@code save2db.deleted} event). Every save2db process schedules it, but a
 * PostgreSQL advisory lock lets one run at a time across all of them.
 */
final class Retention implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
    /** The advisory lock's key: "imgp" + 1, unique to this job. */
    static final long LOCK = 0x696d677001L;
    static final int BATCH = 100;
    static final int MAX_BATCHES_PER_RUN = 50;

    private final DataSource dataSource;
    private final ImageArchive archive;
    private final ServiceRuntime runtime;
    private final Duration keep;
    private final ScheduledExecutorService timer;

    private final ObjectStorage objects;

    Retention(DataSource dataSource, ImageArchive archive, ServiceRuntime runtime, Duration keep, Duration every) {
        this(dataSource, archive, null, runtime, keep, every);
    }

    /** @param objects the object store whose objects go with the rows; null with the bytes in PostgreSQL */
    Retention(DataSource dataSource, ImageArchive archive, ObjectStorage objects, ServiceRuntime runtime, Duration keep,
              Duration every) {
        this.objects = objects;
        this.dataSource = dataSource;
        this.archive = archive;
        this.runtime = runtime;
        this.keep = keep;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "retention");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::runQuietly, every.toSeconds(), every.toSeconds(), TimeUnit.SECONDS);
    }

    private void runQuietly() {
        try {
            purge(Instant.now().minus(keep));
        } catch (Exception e) {
            LOG.warn("event=retention_failed error=\"{}\"", e.toString());
        }
    }

    /** @return images forgotten in this run; -1 when another process holds the lock */
    int purge(Instant cutoff) throws Exception {
        try (Connection lock = dataSource.getConnection()) {
            if (!tryLock(lock)) {
                return -1;
            }
            try {
                int purged = 0;
                for (int batch = 0; batch < MAX_BATCHES_PER_RUN; batch++) {
                    List<String> ids = archive.acceptedBefore(cutoff, BATCH);
                    for (String id : ids) {
                        List<String> keys = objects == null ? List.of() : archive.blobKeys(id);
                        archive.delete(id, null);
                        if (objects != null) {
                            objects.release(keys);
                        }
                        runtime.activity(ActivityEvent.now(new ImageId(id), StoreConsumer.SERVICE, "deleted", null,
                                Map.of("outcome", "expired"))).get(30, TimeUnit.SECONDS);
                    }
                    purged += ids.size();
                    if (ids.size() < BATCH) {
                        break;
                    }
                }
                if (purged > 0) {
                    LOG.info("event=retention_purged images={} cutoff={}", purged, cutoff);
                }
                return purged;
            } finally {
                try (PreparedStatement ps = lock.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                    ps.setLong(1, LOCK);
                    ps.execute();
                }
            }
        }
    }

    private static boolean tryLock(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            ps.setLong(1, LOCK);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
