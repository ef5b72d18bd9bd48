package io.imgpipe.runtime.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmCallback;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Return;
import com.rabbitmq.client.ReturnCallback;
import com.rabbitmq.client.ShutdownListener;
import com.rabbitmq.client.ShutdownSignalException;
import io.imgpipe.contract.OutboundMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

class ConfirmingPublisherTest {

    private final Channel channel = mock(Channel.class);
    private final AtomicLong seq = new AtomicLong(1);
    private ConfirmingPublisher publisher;
    private ConfirmCallback acks;
    private ConfirmCallback nacks;
    private ReturnCallback returns;
    private ShutdownListener shutdown;
    private AMQP.BasicProperties lastProps;

    @BeforeEach
    void setUp() throws Exception {
        Connection connection = mock(Connection.class);
        when(connection.createChannel()).thenReturn(channel);
        when(channel.getNextPublishSeqNo()).thenAnswer(i -> seq.get());
        doAnswer(i -> {
            lastProps = i.getArgument(3);
            seq.incrementAndGet();
            return null;
        }).when(channel).basicPublish(anyString(), anyString(), anyBoolean(), any(AMQP.BasicProperties.class), any());
        publisher = new ConfirmingPublisher(connection);
        ArgumentCaptor<ConfirmCallback> ack = ArgumentCaptor.forClass(ConfirmCallback.class);
        ArgumentCaptor<ConfirmCallback> nack = ArgumentCaptor.forClass(ConfirmCallback.class);
        verify(channel).addConfirmListener(ack.capture(), nack.capture());
        acks = ack.getValue();
        nacks = nack.getValue();
        ArgumentCaptor<ReturnCallback> r = ArgumentCaptor.forClass(ReturnCallback.class);
        verify(channel).addReturnListener(r.capture());
        returns = r.getValue();
        ArgumentCaptor<ShutdownListener> s = ArgumentCaptor.forClass(ShutdownListener.class);
        verify(channel).addShutdownListener(s.capture());
        shutdown = s.getValue();
    }

    @Test
    void futureCompletesWhenTheBrokerConfirmsThatMessage() throws Exception {
        CompletableFuture<Void> first = publisher.publish(message());
        CompletableFuture<Void> second = publisher.publish(message());

        acks.handle(2, false);

        assertThat(second).isCompleted();
        assertThat(first).isNotDone();
        acks.handle(1, false);
        assertThat(first).isCompleted();
    }

    @Test
    void multipleAckSettlesEveryEarlierPublish() throws Exception {
        CompletableFuture<Void> first = publisher.publish(message());
        CompletableFuture<Void> second = publisher.publish(message());
        CompletableFuture<Void> third = publisher.publish(message());

        acks.handle(2, true);

        assertThat(first).isCompleted();
        assertThat(second).isCompleted();
        assertThat(third).isNotDone();
    }

    @Test
    void returnedMessageFailsAsUnroutableEvenThoughItIsAcked() throws Exception {
        CompletableFuture<Void> f = publisher.publish(message());
        returns.handle(new Return(312, "NO_ROUTE", "images", "image.submitted.png", lastProps, new byte[0]));

        acks.handle(1, false);

        assertThatThrownBy(f::get).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(UnroutableException.class);
    }

    @Test
    void nackFailsThePublish() throws Exception {
        CompletableFuture<Void> f = publisher.publish(message());

        nacks.handle(1, false);

        assertThatThrownBy(f::get).hasCauseInstanceOf(UnroutableException.class);
    }

    @Test
    void closedChannelFailsEveryPendingPublish() {
        CompletableFuture<Void> f = publisher.publish(message());

        shutdown.shutdownCompleted(new ShutdownSignalException(false, false, null, channel));

        assertThat(f).isCompletedExceptionally();
    }

    private static OutboundMessage message() {
        return new OutboundMessage("images", "image.submitted.png", new AMQP.BasicProperties.Builder().build(), new byte[]{1});
    }
}
