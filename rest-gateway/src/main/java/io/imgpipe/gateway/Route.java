package io.imgpipe.gateway;

import io.undertow.Handlers;
import io.undertow.server.HttpHandler;
import io.undertow.server.RoutingHandler;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every HTTP route the gateway serves, defined once: {@link Gateway} gives each a handler and builds its
 * {@link RoutingHandler} from this list, and the OpenAPI test checks the document against the same list.
 */
public enum Route {
    UPLOAD("post", "/image"),
    IMAGE("get", "/image/{id}"),
    ORIGINAL("get", "/image/{id}/original"),
    META("get", "/image/{id}/meta"),
    /** One named variant of an image; a configured preset it lacks is derived from the stored original. */
    VARIANT("get", "/image/{id}/variants/{name}"),
    IMAGE_EVENTS("get", "/image/{id}/events"),
    DELETE("delete", "/image/{id}"),
    CREATE_LINK("post", "/image/{id}/links"),
    SIGNED("get", "/s/{id}"),
    SIGNED_ORIGINAL("get", "/s/{id}/original"),
    SIGNED_VARIANT("get", "/s/{id}/variants/{name}"),
    IMAGES("get", "/images"),
    PRESETS("get", "/presets"),
    OPTIONS("get", "/options"),
    OPENAPI("get", "/openapi.yaml"),
    LIVE("get", "/health/live"),
    READY("get", "/health/ready"),
    METRICS("get", "/metrics"),
    CLUSTER("get", "/cluster"),
    /** Server-sent events: mounted beside the routing handler, outside its blocking dispatch and error mapping. */
    EVENT_STREAM("get", "/events");

    private final String method;
    private final String path;

    Route(String method, String path) {
        this.method = method;
        this.path = path;
    }

    /** The HTTP method, lowercase as OpenAPI writes it. */
    public String method() {
        return method;
    }

    public String path() {
        return path;
    }

    /** The routes served through the routing handler: all but {@link #EVENT_STREAM}. */
    public static List<Route> routed() {
        return Arrays.stream(values()).filter(r -> r != EVENT_STREAM).toList();
    }

    /**
     * A routing handler with a handler for every {@link #routed()} route. A route without a handler (or a handler for
     * {@link #EVENT_STREAM}) is a wiring mistake and fails at startup.
     */
    public static RoutingHandler routing(Map<Route, HttpHandler> handlers) {
        EnumMap<Route, HttpHandler> byRoute = new EnumMap<>(handlers);
        if (byRoute.containsKey(EVENT_STREAM)) {
            throw new IllegalArgumentException(EVENT_STREAM.path + " is mounted outside the routing handler");
        }
        RoutingHandler routing = Handlers.routing();
        for (Route route : routed()) {
            HttpHandler handler = byRoute.get(route);
            if (handler == null) {
                throw new IllegalStateException("no handler for " + route.method + " " + route.path);
            }
            routing.add(route.method.toUpperCase(Locale.ROOT), route.path, handler);
        }
        return routing;
    }
}
