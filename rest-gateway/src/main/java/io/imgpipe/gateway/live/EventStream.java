package io.imgpipe.gateway.live;

import io.imgpipe.contract.ActivityEvent;
import io.undertow.server.handlers.sse.ServerSentEventConnection;
import io.undertow.server.handlers.sse.ServerSentEventHandler;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** {@code GET /events}: every activity event pushed to browsers as Server-Sent Events ({@code event: activity}). */
public final class EventStream {

    private final ServerSentEventHandler handler = new ServerSentEventHandler((connection, lastEventId) -> {
        connection.setKeepAliveTime(TimeUnit.SECONDS.toMillis(20));
        connection.send("connected", "hello", null, null);
    });

    public ServerSentEventHandler handler() {
        return handler;
    }

    public void publish(ActivityEvent event) {
        String data = new String(event.toJson(), StandardCharsets.UTF_8);
        for (ServerSentEventConnection c : handler.getConnections()) {
            c.send(data, "activity", null, null);
        }
    }

    public int connections() {
        return handler.getConnections().size();
    }
}
