package io.imgpipe.gateway.read;

import io.imgpipe.contract.ImageId;
import io.imgpipe.contract.options.OptionsParser;
import io.imgpipe.contract.variants.Variant;
import io.imgpipe.gateway.auth.Caller;
import io.imgpipe.gateway.auth.Perimeter;
import io.imgpipe.gateway.auth.SignedLinks;
import io.imgpipe.gateway.http.ApiException;
import io.imgpipe.gateway.http.Json;
import io.imgpipe.gateway.http.Requests;
import io.imgpipe.gateway.live.CompletionWaiters;
import io.imgpipe.gateway.read.ImageQueries.Status;
import io.imgpipe.gateway.read.ImageQueries.Summary;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;

import java.io.IOException;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/** The read side of the API: an image, its original, its metadata, its events, the listing. */
public final class ImageHandlers {

    private static final int UNKNOWN_GRACE_SECONDS = 2;

    private final ImageQueries queries;
    private final CompletionWaiters waiters;
    private final RecentUploads recent;
    private final int maxWaitSeconds;
    private final ImageBytes bytes;

    public ImageHandlers(ImageQueries queries, CompletionWaiters waiters, RecentUploads recent, int maxWaitSeconds) {
        this(queries, waiters, recent, maxWaitSeconds, ImageBytes.inPostgres());
    }

    public ImageHandlers(ImageQueries queries, CompletionWaiters waiters, RecentUploads recent, int maxWaitSeconds,
                         ImageBytes bytes) {
        this.bytes = bytes;
        this.queries = queries;
        this.waiters = waiters;
        this.recent = recent;
        this.maxWaitSeconds = maxWaitSeconds;
    }

    /** {@code GET /image/{id}}, optionally {@code ?wait=N}. */
    public HttpHandler image() {
        return exchange -> {
            String id = id(exchange);
            Caller caller = Perimeter.caller(exchange);
            int wait = Requests.seconds("wait", exchange.getQueryParameters().containsKey("wait")
                    ? exchange.getQueryParameters().get("wait").getFirst() : null, maxWaitSeconds);
            // An upload through another gateway may not be stored yet: who owns it is known once it is.
            boolean visible = visible(caller, id);
            if (!visible && wait > 0) {
                awaitFinished(id, wait);
                visible = visible(caller, id);
            }
            if (!visible) {
                throw notFound(id);
            }
            // Most reads are of finished images: one primary-key lookup answers them.
            Optional<ImageQueries.Stored> done = queries.result(id);
            if (done.isPresent()) {
                sendBytes(exchange, ImageLinks.etag(id), done.get(), id);
                return;
            }
            Optional<Summary> summary = wait > 0 ? awaitFinished(id, wait) : queries.summary(id);
            Status status = summary.map(Summary::status).orElse(recent.contains(id) ? Status.QUEUED : Status.UNKNOWN);
            switch (status) {
                case DONE -> sendResult(exchange, id);
                case FAILED -> Json.send(exchange, 422, failedBody(summary.get()));
                case QUEUED, PROCESSING -> {
                    exchange.getResponseHeaders().put(new HttpString("Retry-After"), "1");
                    exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
                    Json.send(exchange, 202, Json.object("id", id, "status", lower(status), "links", ImageLinks.of(id)));
                }
                case UNKNOWN -> throw notFound(id);
            }
        };
    }

    /** {@code GET /image/{id}/original}: the exact bytes uploaded. */
    public HttpHandler original() {
        return exchange -> {
            String id = visibleId(exchange);
            ImageQueries.Stored stored = queries.original(id).orElseThrow(() -> recent.contains(id)
                    ? new ApiException(404, "not_stored_yet", "the original is being stored; retry in a moment")
                    : notFound(id));
            sendBytes(exchange, ImageLinks.originalEtag(id), stored, "original-" + id);
        };
    }

    /** {@code GET /image/{id}/meta}. */
    public HttpHandler meta() {
        return exchange -> {
            String id = visibleId(exchange);
            Summary s = queries.summary(id).orElseThrow(() -> notFound(id));
            exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-cache");
            Json.send(exchange, 200, describe(s));
        };
    }

    /** {@code GET /image/{id}/events}: the activity timeline kept by the logger. */
    public HttpHandler events() {
        return exchange -> {
            String id = visibleId(exchange);
            List<ImageQueries.Event> events = queries.events(id);
            if (events.isEmpty() && queries.summary(id).isEmpty()) {
                throw notFound(id);
            }
            exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-cache");
            Json.send(exchange, 200, Json.object("id", id, "events", events));
        };
    }

    /** {@code GET /images?status=&limit=&before=}: newest first, keyset-paged. */
    public HttpHandler list() {
        return exchange -> {
            Map<String, List<String>> q = Requests.query(exchange);
            String status = first(q, "status", "all");
            if (!List.of("all", "done", "failed", "pending").contains(status)) {
                throw new ApiException(400, "bad_option", "status must be one of all, done, failed, pending");
            }
            int limit;
            try {
                limit = Integer.parseInt(first(q, "limit", "20"));
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > 100) {
                throw new ApiException(400, "bad_option", "limit must be an integer from 1 to 100");
            }
            ImageQueries.Page page;
            try {
                page = queries.list(Perimeter.caller(exchange).owner(), status, limit, first(q, "before", null));
            } catch (IllegalArgumentException e) {
                throw new ApiException(400, "bad_option", e.getMessage());
            }
            exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-cache");
            Json.send(exchange, 200, Json.object("items", page.items().stream().map(ImageHandlers::describe).toList(),
                    "next", page.next()));
        };
    }

    /**
     * Answers as soon as the image is done or failed, woken by its {@code save2db.stored} events, never by polling.
     * An id nobody has heard of yet gets a short grace (its original may be in flight through another gateway).
     */
    private Optional<Summary> awaitFinished(String id, int wait) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(wait);
        long unknownDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.min(wait, UNKNOWN_GRACE_SECONDS));
        while (true) {
            CompletableFuture<Void> stored = waiters.register(id);
            try {
                Optional<Summary> now = queries.summary(id);
                if (now.isPresent() && (now.get().status() == Status.DONE || now.get().status() == Status.FAILED)) {
                    return now;
                }
                boolean known = now.isPresent() || recent.contains(id);
                long until = known ? deadline : unknownDeadline;
                long remaining = until - System.nanoTime();
                if (remaining <= 0) {
                    return now;
                }
                try {
                    stored.get(remaining, TimeUnit.NANOSECONDS);
                } catch (TimeoutException | ExecutionException e) {
                    return queries.summary(id);
                }
            } finally {
                waiters.unregister(id, stored);
            }
        }
    }

    private void sendResult(HttpServerExchange exchange, String id) throws SQLException, IOException {
        ImageQueries.Stored stored = queries.result(id).orElseThrow(() -> notFound(id));
        sendBytes(exchange, ImageLinks.etag(id), stored, id);
    }

    /** {@code GET /s/{id}} and {@code /s/{id}/original}: what a signed link shares, until it expires. */
    public HttpHandler signed(SignedLinks links, boolean original) {
        return exchange -> {
            String id = id(exchange);
            long expires = links.verify(exchange.getRequestPath(), first(Requests.query(exchange), "expires", null),
                    first(Requests.query(exchange), "sig", null));
            ImageQueries.Stored stored = (original ? queries.original(id) : queries.result(id))
                    .orElseThrow(() -> notFound(id));
            long left = Math.max(0, expires - System.currentTimeMillis() / 1000);
            sendBytes(exchange, original ? ImageLinks.originalEtag(id) : ImageLinks.etag(id), stored,
                    original ? "original-" + id : id, "public, max-age=" + left);
        };
    }

    /** {@code POST /image/{id}/links?ttl=&variant=}: a link that shares the image without a key until it expires. */
    public HttpHandler createLink(SignedLinks links) {
        return exchange -> {
            String id = visibleId(exchange);
            if (!links.enabled()) {
                throw new ApiException(501, "links_disabled", "signed links need IMGPIPE_URL_SIGNING_KEY to be set");
            }
            Map<String, List<String>> q = Requests.query(exchange);
            String variant = first(q, "variant", "result");
            if (!variant.equals("result") && !variant.equals("original") && !Variant.isWellFormedName(variant)) {
                throw new ApiException(400, "bad_option", "variant must be result, original or a variant's name");
            }
            int ttl = Requests.seconds("ttl", first(q, "ttl", "3600"), SignedLinks.MAX_TTL_SECONDS);
            if (ttl < 1) {
                throw new ApiException(400, "bad_option", "ttl must be at least 1 second");
            }
            // save2db stores an original and its result in either order: an upload this gateway accepted is known
            // before its original's row exists, as visible() knows it too.
            boolean known = queries.ownership(id).map(o -> !o.deleted()).orElseGet(() -> recent.contains(id));
            if (!known) {
                throw notFound(id);
            }
            long expires = System.currentTimeMillis() / 1000 + ttl;
            String path = "/s/" + id + (variant.equals("original") ? "/original"
                    : variant.equals("result") ? "" : "/variants/" + variant);
            exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
            Json.send(exchange, 201, Json.object("url", links.sign(path, expires), "expiresAt", expires * 1000,
                    "variant", variant));
        };
    }

    /**
     * True when the caller may see the image: with keys off always; with keys on only when its original (or, before
     * save2db stored that, this gateway's own record of the upload) names the caller as owner. Anything else is
     * answered exactly like an id nobody ever used.
     */
    boolean visible(Caller caller, String id) throws SQLException {
        if (!caller.restricted()) {
            return true;
        }
        Optional<ImageQueries.Ownership> o = queries.ownership(id);
        if (o.isPresent()) {
            return !o.get().deleted() && caller.sees(o.get().owner());
        }
        return recent.get(id).map(a -> caller.sees(a.owner())).orElse(false);
    }

    private String visibleId(HttpServerExchange exchange) throws SQLException {
        String id = id(exchange);
        if (!visible(Perimeter.caller(exchange), id)) {
            throw notFound(id);
        }
        return id;
    }

    void sendBytes(HttpServerExchange exchange, String etag, ImageQueries.Stored stored, String name)
            throws IOException {
        bytes.send(exchange, etag, stored, name, ImageLinks.IMMUTABLE);
    }

    void sendBytes(HttpServerExchange exchange, String etag, ImageQueries.Stored stored, String name,
                           String cacheControl) throws IOException {
        bytes.send(exchange, etag, stored, name, cacheControl);
    }

    static Map<String, Object> describe(Summary s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("status", lower(s.status()));
        m.put("createdAt", s.timestamps().accepted());
        m.put("filename", s.filename());
        m.put("options", s.options() == null ? Map.of()
                : OptionsParser.parseQuery(s.options()).entrySet().stream().collect(
                Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get(0), (a, b) -> a,
                        LinkedHashMap::new)));
        m.put("original", part(s.original()));
        m.put("result", part(s.result()));
        m.put("failure", s.failureReason() == null ? null
                : Json.object("reason", s.failureReason(), "message", s.failureMessage()));
        m.put("timestamps", s.timestamps());
        m.put("links", ImageLinks.of(s.id()));
        return m;
    }

    static Map<String, Object> part(ImageQueries.Part p) {
        return p == null ? null : Json.object("format", p.format(), "contentType", p.contentType(),
                "width", p.width(), "height", p.height(), "bytes", p.bytes());
    }

    private static Map<String, Object> failedBody(Summary s) {
        return Json.object("id", s.id(), "status", "failed", "error", s.failureReason(), "message", s.failureMessage(),
                "links", ImageLinks.of(s.id()));
    }

    static String id(HttpServerExchange exchange) {
        String id = Requests.path(exchange, "id");
        if (!ImageId.isWellFormed(id)) {
            throw new ApiException(400, "bad_id", "an image id is 32 lowercase hex digits");
        }
        return id;
    }

    static ApiException notFound(String id) {
        return new ApiException(404, "not_found", "no image with id " + id);
    }

    private static String first(Map<String, List<String>> q, String name, String fallback) {
        List<String> v = q.get(name);
        return v == null || v.isEmpty() ? fallback : v.get(0);
    }

    static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
