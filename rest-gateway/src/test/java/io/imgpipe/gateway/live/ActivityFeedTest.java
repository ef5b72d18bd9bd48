package io.imgpipe.gateway.live;

import io.imgpipe.contract.ActivityEvent;
import io.imgpipe.contract.Heartbeat;
import io.imgpipe.contract.ImageId;
import io.imgpipe.contract.OutboundMessage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The feed's split: heartbeats reach the cluster view only, image events the event listeners only. */
class ActivityFeedTest {

    private final ActivityFeed feed = new ActivityFeed();
    private final List<ActivityEvent> events = new ArrayList<>();
    private final List<Heartbeat> beats = new ArrayList<>();

    ActivityFeedTest() {
        feed.addListener(events::add);
        feed.addHeartbeatListener(beats::add);
    }

    @Test
    void givenAHeartbeat_whenDelivered_thenOnlyTheHeartbeatListenersHearIt() {
        OutboundMessage m = new Heartbeat("h-1", "gateway", "dev", 1, 2, 5, List.of(), 0, 0, 0).toMessage();

        feed.deliver(m.routingKey(), m.body());

        assertThat(beats).extracting(Heartbeat::instance).containsExactly("h-1");
        assertThat(events).isEmpty();
    }

    @Test
    void givenAnImageEvent_whenDelivered_thenOnlyTheEventListenersHearIt() {
        OutboundMessage m = ActivityEvent.now(new ImageId("0123456789abcdef0123456789abcdef"), "save2db", "stored", "",
                Map.of()).toMessage();

        feed.deliver(m.routingKey(), m.body());

        assertThat(events).extracting(ActivityEvent::event).containsExactly("stored");
        assertThat(beats).isEmpty();
    }

    @Test
    void givenABrokenHeartbeat_whenDelivered_thenNobodyHearsIt() {
        feed.deliver("gateway.heartbeat", "{}".getBytes());

        assertThat(beats).isEmpty();
        assertThat(events).isEmpty();
    }
}
