package io.imgpipe.gateway.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that turns exceptions into answers: an {@link ApiException} becomes its JSON error, anything else a
 * 500 {@code internal_error} with nothing internal leaked. Also sets the headers every answer carries.
 */
public final class ErrorMapper implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);
    private static final HttpString NOSNIFF = new HttpString("X-Content-Type-Options");
    private static final HttpString RETRY_AFTER = new HttpString("Retry-After");

    private final HttpHandler next;

    public ErrorMapper(HttpHandler next) {
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        exchange.getResponseHeaders().put(NOSNIFF, "nosniff");
        try {
            next.handleRequest(exchange);
        } catch (ApiException e) {
            answer(exchange, e);
        } catch (Exception e) {
            LOG.error("event=internal_error method={} path={} error=\"{}\"", exchange.getRequestMethod(),
                    exchange.getRequestPath(), e.toString(), e);
            answer(exchange, new ApiException(500, "internal_error", "the server failed to answer; try again"));
        }
    }

    public static void answer(HttpServerExchange exchange, ApiException e) {
        if (exchange.isResponseStarted()) {
            exchange.endExchange();
            return;
        }
        exchange.getResponseHeaders().remove(Headers.LOCATION);
        exchange.getResponseHeaders().remove(Headers.ETAG);
        exchange.getResponseHeaders().remove(Headers.CACHE_CONTROL);
        exchange.getResponseHeaders().remove("Preference-Applied");
        if (e.retryAfterSeconds() > 0) {
            exchange.getResponseHeaders().put(RETRY_AFTER, Integer.toString(e.retryAfterSeconds()));
        }
        Json.error(exchange, e.status(), e.error(), e.getMessage());
    }
}
