package io.imgpipe.gateway.live;

import io.imgpipe.contract.ActivityEvent;
import io.imgpipe.gateway.auth.ApiKeys;
import io.imgpipe.gateway.auth.Caller;
import io.imgpipe.gateway.http.ApiException;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.sse.ServerSentEventConnection;
import io.undertow.server.handlers.sse.ServerSentEventHandler;
import io.undertow.util.AttachmentKey;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * {@code GET /events}: activity events pushed to browsers as Server-Sent Events ({@code event: activity}). With keys
 * off every event goes to every stream; with keys on a stream gets only its owner's images' events, and an owner may
 * hold at most a few streams at once.
 */
public final class EventStream {

    private static final AttachmentKey<Caller> CALLER = AttachmentKey.create(Caller.class);

    private final ApiKeys keys;
    private final Function<String, String> ownerOf;
    private final int streamsPerOwner;
    private final Map<String, AtomicInteger> streams = new ConcurrentHashMap<>();
    private final ServerSentEventHandler handler;

    /**
     * @param ownerOf the owner of an image id (null when unknown); asked only with keys on
     */
    public EventStream(ApiKeys keys, Function<String, String> ownerOf, int streamsPerOwner) {
        this.keys = keys;
        this.ownerOf = ownerOf;
        this.streamsPerOwner = streamsPerOwner;
        this.handler = new ServerSentEventHandler((connection, lastEventId) -> {
            // The perimeter checked the key already; the connection keeps whose stream it is.
            Caller caller = keys.authenticate(connection.getRequestHeaders()).orElse(null);
            if (caller == null) {
                closeQuietly(connection);
                return;
            }
            connection.putAttachment(CALLER, caller);
            if (caller.restricted()) {
                AtomicInteger n = streams.computeIfAbsent(caller.owner(), k -> new AtomicInteger());
                n.incrementAndGet();
                connection.addCloseTask(c -> n.decrementAndGet());
            }
            connection.setKeepAliveTime(TimeUnit.SECONDS.toMillis(20));
            connection.send("connected", "hello", null, null);
        });
    }

    /** The SSE handler behind the per-owner cap (429 when the owner already holds its streams). */
    public HttpHandler handler() {
        return new HttpHandler() {
            @Override
            public void handleRequest(HttpServerExchange exchange) throws Exception {
                Caller caller = keys.authenticate(exchange.getRequestHeaders()).orElse(Caller.OPEN);
                if (caller.restricted()) {
                    AtomicInteger n = streams.get(caller.owner());
                    if (n != null && n.get() >= streamsPerOwner) {
                        throw new ApiException(429, "too_many_streams", "this key already holds " + streamsPerOwner
                                + " event streams; close one first", 5);
                    }
                }
                handler.handleRequest(exchange);
            }
        };
    }

    public void publish(ActivityEvent event) {
        String data = new String(event.toJson(), StandardCharsets.UTF_8);
        String owner = null;
        boolean ownerKnown = false;
        for (ServerSentEventConnection c : handler.getConnections()) {
            Caller caller = c.getAttachment(CALLER);
            if (caller == null) {
                continue;
            }
            if (caller.restricted()) {
                if (!ownerKnown) {
                    owner = ownerOf.apply(event.imageId());
                    ownerKnown = true;
                }
                if (!caller.sees(owner)) {
                    continue;
                }
            }
            c.send(data, "activity", null, null);
        }
    }

    public int connections() {
        return handler.getConnections().size();
    }

    private static void closeQuietly(ServerSentEventConnection c) {
        try {
            c.close();
        } catch (IOException e) {
            // already gone
        }
    }
}
