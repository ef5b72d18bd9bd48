package io.imgpipe.launcher.fault;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A bounded client loop: a fixed number of uploads per second, round-robin over the live gateways, each one
 * asynchronous so that a slow or dead gateway does not slow the rate. Only an upload answered 2xx is "accepted";
 * 503s, connection errors and timeouts are counted apart, since the client was told (or saw) that it failed.
 */
public final class UploadLoad implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "upload-load");
        t.setDaemon(true);
        return t;
    });
    private final Supplier<List<URI>> gateways;
    private final byte[] image;
    private final String query;
    private final Set<String> accepted = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> refused = new ConcurrentHashMap<>();
    private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicInteger sent = new AtomicInteger();

    public UploadLoad(Supplier<List<URI>> gateways, byte[] image, String query) {
        this.gateways = gateways;
        this.image = image;
        this.query = query;
    }

    public UploadLoad start(int perSecond) {
        timer.scheduleAtFixedRate(this::sendOne, 0, 1000 / perSecond, TimeUnit.MILLISECONDS);
        return this;
    }

    private void sendOne() {
        List<URI> live = gateways.get();
        if (live.isEmpty()) {
            refused("no_gateway");
            return;
        }
        URI gateway = live.get(sent.getAndIncrement() % live.size());
        HttpRequest request = HttpRequest.newBuilder(gateway.resolve("/image?" + query))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "image/jpeg")
                .POST(HttpRequest.BodyPublishers.ofByteArray(image)).build();
        CompletableFuture<?> f = client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                .handle((response, error) -> {
                    if (error != null) {
                        refused("connection_error");
                    } else if (response.statusCode() / 100 == 2) {
                        try {
                            accepted.add(JSON.readTree(response.body()).get("id").asText());
                        } catch (IOException | RuntimeException e) {
                            refused("unreadable_2xx");
                        }
                    } else {
                        refused("status_" + response.statusCode());
                    }
                    return null;
                });
        inFlight.add(f);
        f.whenComplete((v, e) -> inFlight.remove(f));
    }

    private void refused(String why) {
        refused.computeIfAbsent(why, k -> new AtomicInteger()).incrementAndGet();
    }

    /** Adds an upload the test made itself to the ledger. */
    public void accepted(String id) {
        accepted.add(id);
    }

    /** Stops sending and waits (bounded) for the answers of requests in flight. */
    public void stop() {
        timer.shutdownNow();
        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new))
                .completeOnTimeout(null, 30, TimeUnit.SECONDS).join();
    }

    public Set<String> acceptedIds() {
        return Set.copyOf(accepted);
    }

    public int sent() {
        return sent.get();
    }

    /** Not accepted, by why: status_503, connection_error, … */
    public Map<String, Integer> refusedByReason() {
        Map<String, Integer> out = new TreeMap<>();
        refused.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    @Override
    public void close() {
        stop();
    }
}
