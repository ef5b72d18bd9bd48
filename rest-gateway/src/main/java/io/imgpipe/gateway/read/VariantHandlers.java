package io.imgpipe.gateway.read;

import io.imgpipe.contract.ActivityEvent;
import io.imgpipe.contract.ImageId;
import io.imgpipe.contract.ImageMessages;
import io.imgpipe.contract.MessageHeaders;
import io.imgpipe.contract.Traceparent;
import io.imgpipe.contract.options.OptionsParser;
import io.imgpipe.contract.variants.Variant;
import io.imgpipe.contract.variants.VariantRequest;
import io.imgpipe.gateway.auth.Caller;
import io.imgpipe.gateway.auth.Perimeter;
import io.imgpipe.gateway.auth.SignedLinks;
import io.imgpipe.gateway.http.ApiException;
import io.imgpipe.gateway.http.Json;
import io.imgpipe.gateway.http.Requests;
import io.imgpipe.gateway.live.CompletionWaiters;
import io.imgpipe.gateway.read.ImageQueries.Summary;
import io.imgpipe.gateway.read.VariantQueries.Lookup;
import io.imgpipe.gateway.read.VariantQueries.Secondary;
import io.imgpipe.runtime.ServiceRuntime;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * The variants of an image: {@code GET /image/{id}/variants/{name}} (serving one, or deriving a configured preset the
 * image does not have yet from its stored original), and {@code GET /image/{id}/meta} with every variant listed.
 *
 * <p>A derivation never sends the original through the gateway: it publishes a {@code derive} command without bytes;
 * save2db, which holds the original, starts the one job (its insert-if-absent row decides which command does) and
 * publishes it to the transformers through the images exchange, persistent like an upload's job.
 */
public final class VariantHandlers {

    /** How long a derivation waits for an original that save2db has not stored yet (it may follow the results). */
    private static final Duration ORIGINAL_GRACE = Duration.ofSeconds(5);

    /** The name of a variant's WebP representation is the variant's with this suffix. */
    static final String WEBP_SUFFIX = ".webp";

    private final ImageHandlers reads;
    private final ImageQueries queries;
    private final VariantQueries variants;
    private final CompletionWaiters waiters;
    private final RecentUploads recent;
    private final OptionsParser presets;
    private final ServiceRuntime runtime;
    private final int maxWaitSeconds;
    private final int defaultWaitSeconds;

    /**
     * @param defaultWaitSeconds how long a request without {@code ?wait} waits for a variant being made, so that an
     *                           {@code <img src>} of a new size simply works
     */
    public VariantHandlers(ImageHandlers reads, ImageQueries queries, VariantQueries variants,
                           CompletionWaiters waiters, RecentUploads recent, OptionsParser presets,
                           ServiceRuntime runtime, int maxWaitSeconds, int defaultWaitSeconds) {
        this.reads = reads;
        this.queries = queries;
        this.variants = variants;
        this.waiters = waiters;
        this.recent = recent;
        this.presets = presets;
        this.runtime = runtime;
        this.maxWaitSeconds = maxWaitSeconds;
        this.defaultWaitSeconds = Math.min(defaultWaitSeconds, maxWaitSeconds);
    }

    /** {@code GET /image/{id}/variants/{name}}, optionally {@code ?wait=N}. */
    public HttpHandler variant() {
        return exchange -> {
            String id = ImageHandlers.id(exchange);
            String name = Requests.path(exchange, "name");
            if (!Variant.isWellFormedName(name)) {
                throw new ApiException(400, "bad_variant", "a variant name is a preset's name (GET /presets)");
            }
            Caller caller = Perimeter.caller(exchange);
            if (!reads.visible(caller, id)) {
                throw ImageHandlers.notFound(id);
            }
            var waitParam = exchange.getQueryParameters().get("wait");
            int explicitWait = waitParam == null ? 0 : Requests.seconds("wait", waitParam.getFirst(), maxWaitSeconds);
            int wait = waitParam == null ? defaultWaitSeconds : explicitWait;
            Lookup first = variants.lookup(id, name);
            if (name.equals(first.primaryName())) {
                primary(exchange, id, name, caller, explicitWait);
                return;
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(wait);
            // save2db stores an upload's original and its results in either order: a GET right after the upload's
            // answer may find the image known but its original not stored yet, and then waits for it (woken by its
            // stored event) this long at most, so that the derivation is asked for whatever ?wait says
            long originalDeadline = System.nanoTime() + ORIGINAL_GRACE.toNanos();
            boolean asked = false;
            while (true) {
                CompletableFuture<Void> stored = waiters.register(id);
                try {
                    Lookup now = variants.lookup(id, name);
                    if (name.equals(now.primaryName())) {
                        // an upload's first variant, known once save2db stored what the upload asked for
                        primary(exchange, id, name, caller, explicitWait);
                        return;
                    }
                    Optional<Secondary> v = now.secondary();
                    if (v.isPresent() && v.get().status() == VariantQueries.Status.DONE) {
                        ImageQueries.Stored bytes = variants.result(id, name)
                                .orElseThrow(() -> ImageHandlers.notFound(id));
                        if (!negotiated(exchange, id, name, v.get().options(), bytes, caller, explicitWait)) {
                            reads.sendBytes(exchange, etag(id, name), bytes, id + "-" + name);
                        }
                        return;
                    }
                    if (v.isPresent() && v.get().status() == VariantQueries.Status.FAILED) {
                        Json.send(exchange, 422, Json.object("id", id, "variant", name, "status", "failed",
                                "error", v.get().reason(), "message", v.get().message(),
                                "links", links(id, name)));
                        return;
                    }
                    if (v.isEmpty() && !asked) {
                        if (!presets.presetNames().contains(name)) {
                            throw new ApiException(404, "unknown_variant", "image " + id + " has no variant '" + name
                                    + "', and only configured presets can be derived: "
                                    + String.join(", ", presets.presetNames()));
                        }
                        if (now.originalStored()) {
                            derive(exchange, id, VariantRequest.preset(presets, name), caller);
                            asked = true;
                        } else if (!recent.contains(id) && queries.summary(id).isEmpty()) {
                            throw ImageHandlers.notFound(id);
                        }
                    }
                    boolean awaitingOriginal = v.isEmpty() && !asked;
                    long remaining = (awaitingOriginal ? Math.max(deadline, originalDeadline) : deadline)
                            - System.nanoTime();
                    if (remaining <= 0) {
                        exchange.getResponseHeaders().put(new HttpString("Retry-After"), "1");
                        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
                        Json.send(exchange, 202, Json.object("id", id, "variant", name,
                                "status", v.isPresent() || asked ? "processing" : "queued", "links", links(id, name)));
                        return;
                    }
                    try {
                        stored.get(remaining, TimeUnit.NANOSECONDS);
                    } catch (TimeoutException | ExecutionException e) {
                        // looked up once more at the top, then answered 202 if still not there
                    }
                } finally {
                    waiters.unregister(id, stored);
                }
            }
        };
    }

    /**
     * {@code GET /s/{id}/variants/{name}}: a variant shared by a signed link ({@code POST /image/{id}/links?variant=
     * NAME}), until it expires. A link starts no work: a variant not stored yet is 404 here.
     */
    public HttpHandler signed(SignedLinks links) {
        return exchange -> {
            String id = ImageHandlers.id(exchange);
            String name = Requests.path(exchange, "name");
            Map<String, List<String>> q = Requests.query(exchange);
            long expires = links.verify(exchange.getRequestPath(), first(q, "expires"), first(q, "sig"));
            if (!Variant.isWellFormedName(name)) {
                throw ImageHandlers.notFound(id);
            }
            Lookup lookup = variants.lookup(id, name);
            Optional<ImageQueries.Stored> stored = name.equals(lookup.primaryName()) ? queries.result(id)
                    : variants.result(id, name);
            long left = Math.max(0, expires - System.currentTimeMillis() / 1000);
            reads.sendBytes(exchange, etag(id, name), stored.orElseThrow(() -> ImageHandlers.notFound(id)),
                    id + "-" + name, "public, max-age=" + left);
        };
    }

    private static String first(Map<String, List<String>> q, String name) {
        List<String> v = q.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** {@code GET /image/{id}/meta}: the image as before, plus every variant. */
    public HttpHandler meta() {
        return exchange -> {
            String id = ImageHandlers.id(exchange);
            if (!reads.visible(Perimeter.caller(exchange), id)) {
                throw ImageHandlers.notFound(id);
            }
            Summary s = queries.summary(id).orElseThrow(() -> ImageHandlers.notFound(id));
            exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-cache");
            Json.send(exchange, 200, describe(s));
        };
    }

    /** The JSON description of an image with its variants (the meta answer, and a waited multi-variant upload's). */
    public Map<String, Object> describe(Summary s) throws SQLException {
        Map<String, Object> m = ImageHandlers.describe(s);
        m.put("variants", list(s));
        return m;
    }

    /**
     * Waits until every variant of a fresh upload is done or failed, woken by save2db's events, at most
     * {@code wait} seconds; the description then, or empty when time ran out first.
     */
    public Optional<Map<String, Object>> awaitAll(String id, Collection<String> names, int wait)
            throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(wait);
        while (true) {
            CompletableFuture<Void> stored = waiters.register(id);
            try {
                Optional<Summary> s = queries.summary(id);
                if (s.isPresent()) {
                    List<Map<String, Object>> all = list(s.get());
                    long finished = all.stream().filter(v -> names.contains((String) v.get("name")))
                            .filter(v -> !"queued".equals(v.get("status")) && !"processing".equals(v.get("status")))
                            .count();
                    if (finished == names.size()) {
                        Map<String, Object> m = ImageHandlers.describe(s.get());
                        m.put("variants", all);
                        return Optional.of(m);
                    }
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return Optional.empty();
                }
                try {
                    stored.get(remaining, TimeUnit.NANOSECONDS);
                } catch (TimeoutException | ExecutionException e) {
                    // checked once more at the top
                }
            } finally {
                waiters.unregister(id, stored);
            }
        }
    }

    private List<Map<String, Object>> list(Summary s) throws SQLException {
        List<Map<String, Object>> out = new ArrayList<>();
        Lookup primary = variants.lookup(s.id(), "");
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("name", primary.primaryName());
        p.put("primary", true);
        p.put("derived", false);
        p.put("status", ImageHandlers.lower(s.status()));
        p.put("options", options(s.options()));
        p.putAll(part(s.result()));
        p.put("error", s.failureReason() == null ? null
                : Json.object("reason", s.failureReason(), "message", s.failureMessage()));
        p.put("timestamps", Json.object("requested", s.timestamps().accepted(),
                "started", s.timestamps().transformStarted(), "transformed", s.timestamps().transformed(),
                "stored", s.timestamps().resultStored(), "failed", s.timestamps().failed()));
        p.put("links", links(s.id(), primary.primaryName()));
        out.add(p);
        for (Secondary v : variants.secondaries(s.id())) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", v.name());
            m.put("primary", false);
            m.put("derived", v.derived());
            m.put("status", ImageHandlers.lower(v.status()));
            m.put("options", options(v.options()));
            m.put("format", v.format());
            m.put("contentType", v.contentType());
            m.put("width", v.width());
            m.put("height", v.height());
            m.put("bytes", v.bytes());
            m.put("error", v.reason() == null ? null : Json.object("reason", v.reason(), "message", v.message()));
            m.put("timestamps", Json.object("requested", v.requested(), "started", v.started(),
                    "transformed", v.transformed(), "stored", v.stored(), "failed", v.failed()));
            m.put("links", links(s.id(), v.name()));
            out.add(m);
        }
        return out;
    }

    private static Map<String, Object> part(ImageQueries.Part result) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", result == null ? null : result.format());
        m.put("contentType", result == null ? null : result.contentType());
        m.put("width", result == null ? null : result.width());
        m.put("height", result == null ? null : result.height());
        m.put("bytes", result == null ? null : result.bytes());
        return m;
    }

    private static Map<String, String> options(String query) {
        return query == null ? Map.of() : OptionsParser.parseQuery(query).entrySet().stream().collect(
                Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get(0), (a, b) -> a, LinkedHashMap::new));
    }

    /** The primary variant: {@code GET /image/{id}} unless a WebP representation of it is asked for. */
    private void primary(HttpServerExchange exchange, String id, String name, Caller caller, int explicitWait)
            throws Exception {
        Optional<ImageQueries.Stored> stored = queries.result(id);
        if (stored.isPresent()) {
            Optional<Summary> s = queries.summary(id);
            if (s.isPresent() && negotiated(exchange, id, name, s.get().options(), stored.get(), caller,
                    explicitWait)) {
                return;
            }
        }
        reads.image().handleRequest(exchange); // the image's own result, exactly as GET /image/{id}
    }

    /**
     * {@code format=auto} per request: a variant whose options name no format is served as WebP to a client whose
     * {@code Accept} lists {@code image/webp}, otherwise in the format it was made in (the input's), with
     * {@code Vary: Accept} and an ETag per representation. The WebP representation is a variant of its own,
     * {@code <name>.webp}, derived once from the kept original like any other; until it exists (or for
     * {@code ?wait=N} seconds) the stored representation is served with {@code no-cache}, so that the browser asks
     * again (revalidating its ETag) and gets the WebP next time.
     *
     * @return true when the answer was sent
     */
    private boolean negotiated(HttpServerExchange exchange, String id, String name, String options,
                               ImageQueries.Stored stored, Caller caller, int explicitWait) throws Exception {
        Map<String, List<String>> query = OptionsParser.parseQuery(options);
        if (query.containsKey("format") || name.endsWith(WEBP_SUFFIX)) {
            return false; // one representation only
        }
        exchange.getResponseHeaders().put(Headers.VARY, "Accept");
        String accept = exchange.getRequestHeaders().getFirst(Headers.ACCEPT);
        if (accept == null || !accept.contains("image/webp") || "webp".equals(stored.format())) {
            return false;
        }
        query.put("format", List.of("webp"));
        Variant webp = new Variant(name + WEBP_SUFFIX, query.size() == 1 && query.containsKey("format")
                ? "format=webp" : presets.parse(query).toQuery());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(explicitWait);
        boolean asked = false;
        while (true) {
            CompletableFuture<Void> finished = waiters.register(id);
            try {
                Optional<Secondary> rep = variants.lookup(id, webp.name()).secondary();
                if (rep.isPresent() && rep.get().status() == VariantQueries.Status.DONE) {
                    Optional<ImageQueries.Stored> bytes = variants.result(id, webp.name());
                    if (bytes.isPresent()) {
                        reads.sendBytes(exchange, etag(id, webp.name()), bytes.get(), id + "-" + webp.name());
                        return true;
                    }
                }
                if (rep.isPresent() && rep.get().status() == VariantQueries.Status.FAILED) {
                    return false; // it cannot be made: the stored representation is the answer for good
                }
                if (rep.isEmpty() && !asked) {
                    derive(exchange, id, webp, caller);
                    asked = true;
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    reads.sendBytes(exchange, etag(id, name), stored, id + "-" + name, "private, no-cache");
                    return true;
                }
                try {
                    finished.get(remaining, TimeUnit.NANOSECONDS);
                } catch (TimeoutException | ExecutionException e) {
                    // looked up once more at the top
                }
            } finally {
                waiters.unregister(id, finished);
            }
        }
    }

    /** Publishes the command to derive {@code variant}; save2db decides whether it starts a job (at most one does). */
    private void derive(HttpServerExchange exchange, String id, Variant variant, Caller caller) {
        ImageId image = new ImageId(id);
        String name = variant.name();
        String trace = Traceparent.continueOrStart(exchange.getRequestHeaders().getFirst(MessageHeaders.TRACEPARENT));
        try {
            runtime.publisher().publish(ImageMessages.derive(image, trace, variant, caller.owner()))
                    .get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new ApiException(503, "unavailable", "the derivation could not be handed to the broker; retry", 2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "unavailable", "the gateway is shutting down; retry", 2);
        }
        runtime.activity(ActivityEvent.now(image, "gateway", "derive", trace, Map.of("variant", name,
                "options", variant.options())));
    }

    /** A stored variant never changes: the id and the name make a strong validator. */
    static String etag(String id, String name) {
        return "\"" + id + "-v-" + name + "\"";
    }

    static Map<String, String> links(String id, String name) {
        Map<String, String> links = new LinkedHashMap<>(ImageLinks.of(id));
        links.put("variant", ImageLinks.self(id) + "/variants/" + name);
        return links;
    }
}
