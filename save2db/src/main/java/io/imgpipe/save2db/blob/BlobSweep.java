package io.imgpipe.save2db.blob;

import io.imgpipe.blob.BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Deletes objects no row references any more. The gateway writes an upload's bytes to the store before it publishes,
 * so a crash (or a 503 from the broker) between the two leaves an object no message will ever name; a delete or
 * retention leaves one too. An object is removed only once it is older than the grace period: a young unreferenced
 * object may belong to an upload still on its way to save2db (and a put of the same bytes renews its age, so a new
 * upload of bytes just deleted keeps them). The grace must therefore exceed the longest time a message can wait in
 * the queues. One save2db at a time sweeps (a PostgreSQL advisory lock), in bounded pages.
 */
public final class BlobSweep implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BlobSweep.class);
    /** The advisory lock's key: "imgp" + 2 (retention has + 1). */
    static final long LOCK = 0x696d677002L;
    static final int PAGE = 500;
    static final int MAX_PAGES_PER_RUN = 200;

    private final DataSource dataSource;
    private final BlobStore store;
    private final Duration grace;
    private final ScheduledExecutorService timer;

    /** @param every how often to sweep; null = only when {@link #sweep} is called */
    public BlobSweep(DataSource dataSource, BlobStore store, Duration grace, Duration every) {
        this.dataSource = dataSource;
        this.store = store;
        this.grace = grace;
        if (every == null) {
            this.timer = null;
            return;
        }
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "blob-sweep");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::sweepQuietly, every.toSeconds(), every.toSeconds(), TimeUnit.SECONDS);
    }

    private void sweepQuietly() {
        try {
            sweep(Instant.now());
        } catch (Exception e) {
            LOG.warn("event=blob_sweep_failed error=\"{}\"", e.toString());
        }
    }

    /**
     * One pass over the bucket.
     *
     * @return objects deleted; -1 when another process holds the lock
     */
    public int sweep(Instant now) throws SQLException {
        Instant cutoff = now.minus(grace);
        try (Connection lock = dataSource.getConnection()) {
            if (!tryLock(lock)) {
                return -1;
            }
            try {
                int deleted = 0;
                int seen = 0;
                String after = "";
                for (int page = 0; page < MAX_PAGES_PER_RUN; page++) {
                    List<BlobStore.StoredBlob> blobs = store.list(after, PAGE);
                    if (blobs.isEmpty()) {
                        break;
                    }
                    seen += blobs.size();
                    after = blobs.get(blobs.size() - 1).key();
                    List<String> old = blobs.stream().filter(b -> b.lastModified().isBefore(cutoff))
                            .map(BlobStore.StoredBlob::key).toList();
                    Set<String> referenced = referenced(old);
                    for (String key : old) {
                        if (!referenced.contains(key)) {
                            store.delete(key);
                            deleted++;
                        }
                    }
                    if (blobs.size() < PAGE) {
                        break;
                    }
                }
                LOG.info("event=blob_sweep objects={} deleted={} cutoff={}", seen, deleted, cutoff);
                return deleted;
            } finally {
                unlock(lock);
            }
        }
    }

    /**
     * After a delete: removes these objects at once when no row references them any more and they are older than the
     * grace period; younger ones are left to the periodic sweep.
     *
     * @return objects deleted
     */
    public int release(Collection<String> keys) throws SQLException {
        if (keys.isEmpty()) {
            return 0;
        }
        Instant cutoff = Instant.now().minus(grace);
        Set<String> referenced = referenced(keys);
        int deleted = 0;
        for (String key : keys) {
            if (!referenced.contains(key)
                    && store.lastModified(key).map(m -> m.isBefore(cutoff)).orElse(false)) {
                store.delete(key);
                deleted++;
            }
        }
        return deleted;
    }

    private Set<String> referenced(Collection<String> keys) throws SQLException {
        Set<String> found = new HashSet<>();
        if (keys.isEmpty()) {
            return found;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                SELECT blob_key FROM originals WHERE blob_key = ANY (?)
                UNION SELECT blob_key FROM results WHERE blob_key = ANY (?)
                UNION SELECT blob_key FROM variant_results WHERE blob_key = ANY (?)""")) {
            Array array = c.createArrayOf("text", keys.toArray());
            ps.setArray(1, array);
            ps.setArray(2, array);
            ps.setArray(3, array);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(rs.getString(1));
                }
            }
        }
        return found;
    }

    private static boolean tryLock(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            ps.setLong(1, LOCK);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private static void unlock(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_unlock(?)")) {
            ps.setLong(1, LOCK);
            ps.execute();
        }
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
