package io.imgpipe.contract;

import com.rabbitmq.client.Channel;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

class QueueArgumentsTest {

    @Test
    void portableQueuesHaveNoBrokerSpecificArguments() throws Exception {
        Channel channel = mock(Channel.class);

        Topology.declare(channel, QueueArguments.parse(null, 5));

        verify(channel).queueDeclare(eq("transformer"), eq(true), eq(false), eq(false), isNull());
        verify(channel).queueDeclare(eq("save2db"), eq(true), eq(false), eq(false), isNull());
        verify(channel).queueBind("transformer", "images", "image.submitted.*");
        verify(channel).queueBind("save2db", "images", "image.failed.*");
        verify(channel).queueBind("logger", "activity", "#");
    }

    @Test
    void quorumQueuesCarryTheirTypeAndDeliveryLimit() throws Exception {
        Channel channel = mock(Channel.class);

        Topology.declare(channel, QueueArguments.parse("quorum", 7));

        verify(channel).queueDeclare(eq("transformer"), eq(true), eq(false), eq(false),
                eq(Map.of("x-queue-type", "quorum", "x-delivery-limit", 7)));
    }

    @Test
    void unknownQueueTypeIsAConfigurationError() {
        assertThatThrownBy(() -> QueueArguments.parse("stream", 1)).hasMessageContaining("classic or quorum");
        assertThat(QueueArguments.parse("CLASSIC", 1)).isEqualTo(QueueArguments.PORTABLE);
    }
}
