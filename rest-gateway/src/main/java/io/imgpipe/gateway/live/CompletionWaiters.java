package io.imgpipe.gateway.live;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Requests waiting for an image to be finished ({@code GET /image/{id}?wait=N}), woken by its {@code save2db.stored}
 * events, not by polling; the woken request looks the image up again.
 */
public final class CompletionWaiters {

    private final Map<String, Set<CompletableFuture<Void>>> waiting = new ConcurrentHashMap<>();

    /**
     * Registers interest before the caller looks the image up, so no event can slip between the two. The add happens
     * inside the map's atomic update of the key: added outside it, a {@link #finished} between the lookup of the set
     * and the add would take the set away and leave the new waiter in it, never woken (a wait that ran to its end).
     */
    public CompletableFuture<Void> register(String imageId) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        waiting.compute(imageId, (k, set) -> {
            Set<CompletableFuture<Void>> s = set == null ? ConcurrentHashMap.newKeySet() : set;
            s.add(f);
            return s;
        });
        return f;
    }

    public void unregister(String imageId, CompletableFuture<Void> f) {
        waiting.computeIfPresent(imageId, (k, set) -> {
            set.remove(f);
            return set.isEmpty() ? null : set;
        });
    }

    public void finished(String imageId) {
        Set<CompletableFuture<Void>> set = waiting.remove(imageId);
        if (set != null) {
            set.forEach(f -> f.complete(null));
        }
    }

    public int size() {
        return waiting.size();
    }
}
