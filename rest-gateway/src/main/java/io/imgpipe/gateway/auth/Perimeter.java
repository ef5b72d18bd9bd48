package io.imgpipe.gateway.auth;

import io.imgpipe.gateway.http.ApiException;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;

/**
 * The gateway's front door. Refuses cross-site writes (CSRF) always; with keys on, answers 401 to every route but
 * {@code /health/*}, the page's static files and signed links unless a valid key is presented, and 403 to
 * {@code /metrics} and {@code /cluster} unless the key is an operator's. The caller is attached to the exchange for the routes to scope
 * what they show.
 */
public final class Perimeter implements HttpHandler {

    private static final AttachmentKey<Caller> CALLER = AttachmentKey.create(Caller.class);
    private static final HttpString SEC_FETCH_SITE = new HttpString("Sec-Fetch-Site");
    private static final HttpString WWW_AUTHENTICATE = new HttpString("WWW-Authenticate");
    /** The page's CSRF token: a cookie the page's own scripts read and echo in a header (double submit). */
    public static final String CSRF_COOKIE = "imgpipe_csrf";
    public static final HttpString CSRF_HEADER = new HttpString("X-CSRF-Token");

    private final ApiKeys keys;
    private final HttpHandler next;

    public Perimeter(ApiKeys keys, HttpHandler next) {
        this.keys = keys;
        this.next = next;
    }

    /** The caller of a request that went through the perimeter ({@link Caller#OPEN} with keys off). */
    public static Caller caller(HttpServerExchange exchange) {
        Caller c = exchange.getAttachment(CALLER);
        return c == null ? Caller.OPEN : c;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (!isSafe(exchange.getRequestMethod())) {
            refuseCrossSite(exchange);
        }
        String path = exchange.getRequestPath();
        if (isPublic(path)) {
            next.handleRequest(exchange);
            return;
        }
        Caller caller = keys.authenticate(exchange.getRequestHeaders()).orElseThrow(() -> {
            exchange.getResponseHeaders().put(WWW_AUTHENTICATE, "Bearer realm=\"imgpipe\"");
            boolean presented = exchange.getRequestHeaders().contains(Headers.AUTHORIZATION);
            return new ApiException(401, "unauthorized", presented ? "the API key is not valid"
                    : "this route needs an API key: send 'Authorization: Bearer <key>'");
        });
        if (isOperatorOnly(path) && !caller.operator()) {
            throw new ApiException(403, "forbidden", "the metrics and the cluster view need an operator key");
        }
        exchange.putAttachment(CALLER, caller);
        next.handleRequest(exchange);
    }

    /**
     * Open to anyone: health for the balancers, signed links (they carry their own proof) and the page's static
     * files, which hold no data. Everything the API answers is under these prefixes.
     */
    static boolean isPublic(String path) {
        if (path.startsWith("/health/") || path.startsWith("/s/")) {
            return true;
        }
        return !(path.equals("/image") || path.startsWith("/image/") || path.equals("/images")
                || path.equals("/events") || path.equals("/presets") || isOperatorOnly(path)
                || path.equals("/openapi.yaml"));
    }

    /** What only operators see: the metrics and the cluster view (hosts, versions, load). */
    static boolean isOperatorOnly(String path) {
        return path.equals("/metrics") || path.equals("/cluster");
    }

    private static boolean isSafe(HttpString method) {
        return method.equals(Methods.GET) || method.equals(Methods.HEAD) || method.equals(Methods.OPTIONS);
    }

    /**
     * A write a browser sends on behalf of another site is refused, whether or not keys are on: browsers say where a
     * request comes from in {@code Sec-Fetch-Site} (or at least {@code Origin}), and a page of another origin cannot
     * forge either. A write a browser marks as same-origin must also carry the page's token (the {@value CSRF_COOKIE}
     * cookie echoed in {@code X-CSRF-Token}), which only the gateway's own page can read. Clients that are not
     * browsers send neither header and are not affected.
     */
    static void refuseCrossSite(HttpServerExchange exchange) {
        String site = exchange.getRequestHeaders().getFirst(SEC_FETCH_SITE);
        String origin = exchange.getRequestHeaders().getFirst(Headers.ORIGIN);
        if (site != null) {
            String s = site.trim().toLowerCase(Locale.ROOT);
            if (!s.equals("same-origin") && !s.equals("none")) {
                throw crossSite();
            }
        } else if (origin != null) {
            checkOrigin(exchange, origin);
        }
        if (site != null || origin != null) {
            checkToken(exchange);
        }
    }

    private static void checkToken(HttpServerExchange exchange) {
        String cookie = cookie(exchange, CSRF_COOKIE);
        String header = exchange.getRequestHeaders().getFirst(CSRF_HEADER);
        if (cookie == null || header == null || cookie.isEmpty() || !MessageDigest.isEqual(
                cookie.getBytes(StandardCharsets.US_ASCII),
                header.getBytes(StandardCharsets.US_ASCII))) {
            throw new ApiException(403, "csrf_token", "writes from a browser need the page's token; reload the page");
        }
    }

    /** One cookie's value from the {@code Cookie} headers, or null. */
    public static String cookie(HttpServerExchange exchange, String name) {
        var headers = exchange.getRequestHeaders().get(Headers.COOKIE);
        if (headers == null) {
            return null;
        }
        for (String header : headers) {
            for (String pair : header.split(";")) {
                String p = pair.trim();
                if (p.startsWith(name + "=")) {
                    return p.substring(name.length() + 1);
                }
            }
        }
        return null;
    }

    private static void checkOrigin(HttpServerExchange exchange, String origin) {
        String host = exchange.getRequestHeaders().getFirst(Headers.HOST);
        String originHost;
        try {
            URI o = URI.create(origin.trim());
            originHost = o.getPort() < 0 ? o.getHost() : o.getHost() + ":" + o.getPort();
        } catch (IllegalArgumentException e) {
            throw crossSite();
        }
        if (host == null || originHost == null || !originHost.equalsIgnoreCase(host.trim())) {
            throw crossSite();
        }
    }

    private static ApiException crossSite() {
        return new ApiException(403, "cross_site", "writes from pages of another site are refused");
    }
}
