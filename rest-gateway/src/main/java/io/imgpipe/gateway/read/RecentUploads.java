package io.imgpipe.gateway.read;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Ids this gateway accepted in the last minutes, so that a GET that arrives before save2db stored the original says
 * {@code queued} instead of 404, with their owner (who may see them meanwhile) and their body's digest (what an
 * Idempotency-Key is bound to meanwhile). Bounded in size.
 */
public final class RecentUploads {

    private static final int MAX = 100_000;
    private static final long KEEP_MILLIS = 10 * 60_000;

    /**
     * @param owner  null with keys off
     * @param sha256 the body's digest; null for an upload without Idempotency-Key, whose random id nobody names again
     */
    public record Accepted(long at, String owner, byte[] sha256) {
    }

    private final Map<String, Accepted> accepted = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Accepted> eldest) {
            return size() > MAX;
        }
    };

    public void accepted(String id) {
        accepted(id, null, null);
    }

    public synchronized void accepted(String id, String owner, byte[] sha256) {
        accepted.put(id, new Accepted(System.currentTimeMillis(), owner, sha256));
    }

    public synchronized boolean contains(String id) {
        return get(id).isPresent();
    }

    public synchronized Optional<Accepted> get(String id) {
        Accepted a = accepted.get(id);
        return a != null && System.currentTimeMillis() - a.at() < KEEP_MILLIS ? Optional.of(a)
                : Optional.empty();
    }

    /** A deleted image is no longer {@code queued}. */
    public synchronized void forget(String id) {
        accepted.remove(id);
    }
}
