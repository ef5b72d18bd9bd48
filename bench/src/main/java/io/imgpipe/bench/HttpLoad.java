package io.imgpipe.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A closed-loop HTTP load: {@code concurrency} lanes, each sending its next upload as soon as the previous one is
 * finished, on the JDK's non-blocking client. Bounded by a count and a window; a request never waits more than
 * {@link #WAIT_SECONDS} on the server plus a margin.
 */
final class HttpLoad {

    /** What "finished" means for one upload. */
    enum Mode {
        /** {@code POST /image} with {@code Prefer: wait=60}: done when the 201 with the result arrives. */
        WAIT,
        /** {@code POST /image} (202), then {@code GET /image/{id}?wait=60}: done when the result is stored. */
        FIRE_THEN_GET,
        /** {@code POST /image}: done when the broker confirmed the upload (202). */
        ACCEPT
    }

    static final int WAIT_SECONDS = 60;
    /** curl sends {@code Expect: 100-continue} for bodies over 1 MiB; so do these clients. */
    static final int EXPECT_CONTINUE_OVER = 1024 * 1024;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(WAIT_SECONDS + 15);

    private final HttpClient client;
    private final URI base;
    private final String query;
    private final Executor callbacks;

    HttpLoad(HttpClient client, URI base, String query, Executor callbacks) {
        this.client = client;
        this.base = base;
        this.query = query;
        this.callbacks = callbacks;
    }

    Throughput run(Mode mode, int concurrency, List<Image> images, Duration window, int max)
            throws InterruptedException {
        Tally tally = new Tally(window.toNanos(), max);
        CompletableFuture<?>[] lanes = new CompletableFuture<?>[concurrency];
        for (int i = 0; i < concurrency; i++) {
            CompletableFuture<Void> lane = new CompletableFuture<>();
            lanes[i] = lane;
            next(lane, tally, mode, images);
        }
        try {
            CompletableFuture.allOf(lanes).get(window.toNanos() + REQUEST_TIMEOUT.toNanos() * 2 + 1_000_000_000L,
                    TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            tally.failure("run_timeout");
        } catch (ExecutionException e) {
            tally.failure("lane_crash: " + e.getCause());
        }
        return tally.result();
    }

    private void next(CompletableFuture<Void> lane, Tally tally, Mode mode, List<Image> images) {
        int n = tally.next();
        if (n < 0) {
            lane.complete(null);
            return;
        }
        Image image = images.get(n % images.size());
        long t0 = System.nanoTime();
        CompletableFuture<String> one;
        try {
            one = send(mode, image);
        } catch (RuntimeException e) {
            one = CompletableFuture.failedFuture(e);
        }
        // Async: a lane never grows the stack, whichever thread completed the request.
        one.whenCompleteAsync((problem, error) -> {
            long took = System.nanoTime() - t0;
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                tally.failure(cause.getClass().getSimpleName());
            } else if (problem != null) {
                tally.failure(problem);
            } else {
                tally.success(took);
            }
            next(lane, tally, mode, images);
        }, callbacks);
    }

    /** Completes with null when the upload finished as the mode expects, else with what went wrong. */
    private CompletableFuture<String> send(Mode mode, Image image) {
        HttpRequest.Builder post = HttpRequest.newBuilder(base.resolve("/image?" + query))
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "image/jpeg")
                .expectContinue(image.bytes().length > EXPECT_CONTINUE_OVER)
                .POST(HttpRequest.BodyPublishers.ofByteArray(image.bytes()));
        return switch (mode) {
            case WAIT -> client.sendAsync(post.header("Prefer", "wait=" + WAIT_SECONDS).build(),
                            HttpResponse.BodyHandlers.ofByteArray())
                    .thenApply(r -> r.statusCode() == 201 && Image.isJpeg(r.body()) ? null : "post_wait_" + r.statusCode());
            case ACCEPT -> client.sendAsync(post.build(), HttpResponse.BodyHandlers.discarding())
                    .thenApply(r -> r.statusCode() == 202 ? null : "post_" + r.statusCode());
            case FIRE_THEN_GET -> client.sendAsync(post.build(), HttpResponse.BodyHandlers.discarding())
                    .thenCompose(r -> {
                        String location = r.headers().firstValue("Location").orElse(null);
                        if (r.statusCode() != 202 || location == null) {
                            return CompletableFuture.completedFuture("post_" + r.statusCode());
                        }
                        HttpRequest get = HttpRequest.newBuilder(base.resolve(location + "?wait=" + WAIT_SECONDS))
                                .timeout(REQUEST_TIMEOUT).GET().build();
                        return client.sendAsync(get, HttpResponse.BodyHandlers.ofByteArray())
                                .thenApply(g -> g.statusCode() == 200 && Image.isJpeg(g.body()) ? null
                                        : "get_wait_" + g.statusCode());
                    });
        };
    }
}
