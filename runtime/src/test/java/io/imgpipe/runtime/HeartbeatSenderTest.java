package io.imgpipe.runtime;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.imgpipe.contract.Heartbeat;
import io.imgpipe.contract.InboundMessage;
import io.imgpipe.runtime.amqp.MessageConsumer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/** What a service's heartbeat says about it (publishing is the confirming publisher's, tested there). */
class HeartbeatSenderTest {

    private static final class Idle extends MessageConsumer {
        Idle() {
            super("transformer", 2);
        }

        @Override
        protected void handle(InboundMessage message) {
        }
    }

    @Test
    void givenNoConsumers_whenAskedForABeat_thenItNamesTheServiceWithNothingToCount() {
        HeartbeatSender sender = new HeartbeatSender("gateway", 5, null);

        Heartbeat beat = sender.current();

        assertThat(beat.service()).isEqualTo("gateway");
        assertThat(beat.instance()).isEqualTo(sender.instance()).isNotBlank();
        assertThat(beat.version()).isEqualTo("dev");
        assertThat(beat.intervalSeconds()).isEqualTo(5);
        assertThat(beat.queues()).isEmpty();
        assertThat(beat.consumers()).isZero();
        assertThat(beat.at()).isGreaterThanOrEqualTo(beat.startedAt());
    }

    @Test
    void givenAStartedConsumer_whenAskedForABeat_thenItCountsItsQueueAndConsumer() throws Exception {
        Connection connection = mock(Connection.class);
        Channel channel = mock(Channel.class);
        when(connection.createChannel()).thenReturn(channel);
        when(channel.isOpen()).thenReturn(true);
        HeartbeatSender sender = new HeartbeatSender("transformer", 1, null);
        try (Idle consumer = new Idle()) {
            consumer.start(connection);
            sender.watch(consumer);

            Heartbeat beat = sender.current();

            assertThat(beat.queues()).containsExactly("transformer");
            assertThat(beat.consumers()).isEqualTo(1);
            assertThat(beat.inFlight()).isZero();
            assertThat(beat.handled()).isZero();
        }
    }

    @Test
    void givenTwoRuntimesInOneJvm_whenBuilt_thenEachIsItsOwnInstance() {
        assertThat(new HeartbeatSender("save2db", 5, null).instance())
                .isNotEqualTo(new HeartbeatSender("save2db", 5, null).instance());
    }
}
