package io.imgpipe.gateway.live;

import io.imgpipe.contract.ActivityEvent;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Whose image an event is about, for the per-owner event streams: learnt from {@code gateway.accepted} events (they
 * carry the owner, whichever gateway took the upload), else looked up once. Bounded in size.
 */
public final class OwnerIndex implements Function<String, String> {

    private static final int MAX = 50_000;

    private final Function<String, String> lookup;
    private final Map<String, String> owners = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > MAX;
        }
    };

    /** @param lookup the owner in the database, null when unknown */
    public OwnerIndex(Function<String, String> lookup) {
        this.lookup = lookup;
    }

    public void learn(ActivityEvent e) {
        Object owner = e.detail().get("owner");
        if ("gateway".equals(e.service()) && "accepted".equals(e.event()) && owner instanceof String s && !s.isEmpty()) {
            synchronized (owners) {
                owners.put(e.imageId(), s);
            }
        }
    }

    @Override
    public String apply(String imageId) {
        synchronized (owners) {
            String known = owners.get(imageId);
            if (known != null) {
                return known;
            }
        }
        String found = lookup.apply(imageId);
        if (found != null) {
            synchronized (owners) {
                owners.put(imageId, found);
            }
        }
        return found;
    }
}
