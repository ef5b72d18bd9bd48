package io.imgpipe.contract;

import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HeartbeatTest {

    private final Heartbeat beat = new Heartbeat("host-1a2b3c4d", "save2db", "1.2.0", 1_000, 6_000, 5,
            List.of("save2db"), 1, 2, 42);

    @Test
    void givenAHeartbeat_whenEncodedAndDecoded_thenItIsTheSame() {
        assertThat(Heartbeat.fromJson(beat.toJson())).isEqualTo(beat);
    }

    @Test
    void givenAHeartbeat_whenMadeAMessage_thenItGoesToTheActivityExchangeAsTransientWithoutAnExpiration() {
        OutboundMessage m = beat.toMessage();

        assertThat(m.exchange()).isEqualTo(Topology.ACTIVITY_EXCHANGE);
        assertThat(m.routingKey()).isEqualTo("save2db.heartbeat");
        assertThat(m.properties().getDeliveryMode()).isEqualTo(1);
        // Qpid reads expiration as an absolute time, RabbitMQ as a TTL: a value would drop every beat on one of them.
        assertThat(m.properties().getExpiration()).isNull();
    }

    @Test
    void givenRoutingKeys_whenAskedIfHeartbeat_thenOnlyHeartbeatsAre() {
        assertThat(Topology.isHeartbeat(beat.routingKey())).isTrue();
        assertThat(Topology.isHeartbeat(Topology.activityKey("save2db", "stored"))).isFalse();
        assertThat(Topology.isHeartbeat(null)).isFalse();
    }

    @Test
    void givenNoVersionAndNoQueues_whenBuilt_thenDevAndEmpty() {
        Heartbeat b = new Heartbeat("h-1", "gateway", null, 1, 2, 5, null, 0, 0, 0);

        assertThat(b.version()).isEqualTo("dev");
        assertThat(b.queues()).isEmpty();
    }

    @Test
    void givenAnActivityEventBody_whenDecodedAsHeartbeat_thenItIsRefused() {
        byte[] event = ActivityEvent.now(new ImageId("0123456789abcdef0123456789abcdef"), "gateway", "accepted", "",
                Map.of()).toJson();

        assertThatThrownBy(() -> Heartbeat.fromJson(event)).isInstanceOf(UncheckedIOException.class);
        assertThatThrownBy(() -> Heartbeat.fromJson("nope".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(UncheckedIOException.class);
    }
}
