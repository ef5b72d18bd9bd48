package io.imgpipe.gateway.read;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ids this gateway accepted in the last minutes, so that a GET that arrives before save2db stored the original says
 * {@code queued} instead of 404. Bounded in size.
 */
public final class RecentUploads {

    private static final int MAX = 100_000;
    private static final long KEEP_MILLIS = 10 * 60_000;

    private final Map<String, Long> accepted = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > MAX;
        }
    };

    public synchronized void accepted(String id) {
        accepted.put(id, System.currentTimeMillis());
    }

    public synchronized boolean contains(String id) {
        Long at = accepted.get(id);
        return at != null && System.currentTimeMillis() - at < KEEP_MILLIS;
    }
}
