package io.imgpipe.gateway.http;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;

import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small helpers to read requests. */
public final class Requests {

    private Requests() {
    }

    /** Query parameters without the path parameters the router adds to them. */
    public static Map<String, List<String>> query(HttpServerExchange exchange) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Map.Entry<String, Deque<String>> e : exchange.getQueryParameters().entrySet()) {
            if (!exchange.getPathParameters().containsKey(e.getKey())) {
                out.put(e.getKey(), new ArrayList<>(e.getValue()));
            }
        }
        return out;
    }

    public static String path(HttpServerExchange exchange, String name) {
        // The router puts path parameters among the query parameters.
        Deque<String> v = exchange.getPathParameters().get(name);
        if (v == null || v.isEmpty()) {
            v = exchange.getQueryParameters().get(name);
        }
        return v == null || v.isEmpty() ? null : v.getFirst();
    }

    /** A bounded whole-seconds parameter such as {@code wait}; 400 naming it when malformed. */
    public static int seconds(String name, String raw, int max) {
        if (raw == null) {
            return 0;
        }
        try {
            int v = Integer.parseInt(raw.trim());
            if (v >= 0 && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ApiException(400, "bad_option", name + " must be an integer from 0 to " + max + " seconds");
    }

    /** The {@code wait=N} preference of RFC 7240, or 0. */
    public static int preferWait(HttpServerExchange exchange, int max) {
        HeaderValues prefer = exchange.getRequestHeaders().get("Prefer");
        for (String header : prefer == null ? List.<String>of() : prefer) {
            for (String pref : header.split(",")) {
                String p = pref.trim();
                if (p.regionMatches(true, 0, "wait=", 0, 5)) {
                    try {
                        return Math.max(0, Math.min(max, Integer.parseInt(p.substring(5).trim())));
                    } catch (NumberFormatException e) {
                        throw new ApiException(400, "bad_option", "Prefer: wait must be a number of seconds");
                    }
                }
            }
        }
        return 0;
    }

    public static boolean acceptsJsonOnly(HttpServerExchange exchange) {
        String accept = exchange.getRequestHeaders().getFirst(Headers.ACCEPT);
        return accept != null && accept.contains("application/json") && !accept.contains("image/");
    }
}
