package io.imgpipe.logger;

import io.imgpipe.contract.ActivityEvent;
import io.imgpipe.contract.Heartbeat;
import io.imgpipe.contract.ImageId;
import io.imgpipe.contract.InboundMessage;
import io.imgpipe.contract.OutboundMessage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

/** The logger's handling of activity messages, with the table mocked. */
class ActivityConsumerTest {

    private final ActivityLog activityLog = mock(ActivityLog.class);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ActivityConsumer consumer = new ActivityConsumer(activityLog, registry, 1);

    @AfterEach
    void tearDown() {
        consumer.close();
    }

    private static InboundMessage inbound(ActivityEvent e) {
        OutboundMessage m = e.toMessage();
        return new InboundMessage(m.routingKey(), m.properties(), m.body(), false);
    }

    @Test
    void givenAnActivityEvent_whenHandled_thenItIsKeptAndCounted() throws Exception {
        ActivityEvent e = ActivityEvent.now(new ImageId("0123456789abcdef0123456789abcdef"), "transformer", "done",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", Map.of("width", 20));
        when(activityLog.keep(any())).thenReturn(true);

        consumer.handle(inbound(e));

        ArgumentCaptor<ActivityEvent> kept = ArgumentCaptor.forClass(ActivityEvent.class);
        verify(activityLog).keep(kept.capture());
        assertThat(kept.getValue()).isEqualTo(e);
        assertThat(registry.counter("imgpipe.logger.events", "type", "transformer.done").count()).isEqualTo(1.0);
    }

    @Test
    void givenABodyThatIsNotAnEvent_whenHandled_thenItIsDroppedWithoutATry() throws Exception {
        OutboundMessage m = ActivityEvent.now(new ImageId("0123456789abcdef0123456789abcdef"), "gateway", "accepted",
                "", Map.of()).toMessage();

        consumer.handle(new InboundMessage(m.routingKey(), m.properties(), "not json".getBytes(StandardCharsets.UTF_8),
                false));

        verifyNoInteractions(activityLog);
    }

    @Test
    void givenAnEventWithoutItsService_whenHandled_thenItIsDropped() throws Exception {
        OutboundMessage m = ActivityEvent.now(new ImageId("0123456789abcdef0123456789abcdef"), "gateway", "accepted",
                "", Map.of()).toMessage();

        consumer.handle(new InboundMessage(m.routingKey(), m.properties(),
                "{\"imageId\":\"0123456789abcdef0123456789abcdef\",\"event\":\"x\",\"at\":1}"
                        .getBytes(StandardCharsets.UTF_8), false));

        verifyNoInteractions(activityLog);
    }

    @Test
    void givenTheDatabaseIsDown_whenHandled_thenTheErrorEscapesSoTheEventIsRequeued() throws Exception {
        when(activityLog.keep(any())).thenThrow(new SQLException("connection refused"));
        ActivityEvent e = ActivityEvent.now(new ImageId("0123456789abcdef0123456789abcdef"), "save2db", "stored", "",
                Map.of());

        assertThatThrownBy(() -> consumer.handle(inbound(e))).isInstanceOf(SQLException.class);
    }

    @Test
    void givenAHeartbeat_whenHandled_thenItIsAcknowledgedButNeitherKeptNorCounted() throws Exception {
        OutboundMessage m = new Heartbeat("host-1a2b3c4d", "transformer", "1.0", 1_000, 6_000, 5,
                List.of("transformer"), 1, 0, 7).toMessage();

        consumer.handle(new InboundMessage(m.routingKey(), m.properties(), m.body(), false));

        verifyNoInteractions(activityLog);
        assertThat(registry.find("imgpipe.logger.events").counters()).isEmpty();
    }
}
