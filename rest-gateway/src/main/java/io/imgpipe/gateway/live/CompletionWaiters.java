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

    /** Registers interest before the caller looks the image up, so no event can slip between the two. */
    public CompletableFuture<Void> register(String imageId) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        waiting.computeIfAbsent(imageId, k -> ConcurrentHashMap.newKeySet()).add(f);
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
