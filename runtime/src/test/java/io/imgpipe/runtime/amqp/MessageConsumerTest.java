package io.imgpipe.runtime.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Consumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import io.imgpipe.contract.MessageHeaders;
import io.imgpipe.contract.InboundMessage;
import io.imgpipe.contract.MalformedMessageException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

import java.sql.SQLTransientConnectionException;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * The acknowledgement rules every service relies on, with a mocked channel: ack only after the handler returned,
 * requeue on any other failure, drop what breaks the contract. Deliveries run on the consumer's worker threads, so
 * each check waits (boundedly) for the channel call it expects.
 */
class MessageConsumerTest {

    private static final long WAIT_MS = 10_000;
    private static final String QUEUE = "test-queue";

    private final Channel channel = mock(Channel.class);
    private final BlockingQueue<InboundMessage> handled = new LinkedBlockingQueue<>();
    private Handler behaviour = m -> { };
    private Consumer delivery;
    private MessageConsumer consumer;

    interface Handler {
        void handle(InboundMessage m) throws Exception;
    }

    @BeforeEach
    void startConsumer() throws Exception {
        Connection connection = mock(Connection.class);
        when(connection.createChannel()).thenReturn(channel);
        when(channel.isOpen()).thenReturn(true);
        consumer = new MessageConsumer(QUEUE, 2) {
            @Override
            protected void handle(InboundMessage message) throws Exception {
                handled.add(message);
                behaviour.handle(message);
            }
        };
        consumer.start(connection);
        ArgumentCaptor<Consumer> captor = ArgumentCaptor.forClass(Consumer.class);
        verify(channel).basicConsume(eq(QUEUE), eq(false), anyString(), captor.capture());
        delivery = captor.getValue();
    }

    @AfterEach
    void stopConsumer() {
        consumer.close();
    }

    private void deliver(long tag, boolean redelivered) throws Exception {
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                .headers(Map.of(MessageHeaders.IMAGE_ID, "0123456789abcdef0123456789abcdef")).build();
        delivery.handleDelivery("ctag", new Envelope(tag, redelivered, "images", "image.submitted.jpeg"), props,
                new byte[] {1, 2, 3});
    }

    @Test
    void givenAHandlerThatReturns_whenAMessageArrives_thenItIsAckedOnceAndNeverRequeued() throws Exception {
        deliver(7, false);

        verify(channel, timeout(WAIT_MS)).basicAck(7, false);
        verify(channel, never()).basicNack(anyLong(), anyBoolean(), anyBoolean());
        verify(channel, never()).basicReject(anyLong(), anyBoolean());
        assertThat(handled.poll(WAIT_MS, TimeUnit.MILLISECONDS).routingKey()).isEqualTo("image.submitted.jpeg");
    }

    @Test
    void givenAHandlerThatFailsTransiently_whenAMessageArrives_thenItIsRequeuedNotAcked() throws Exception {
        behaviour = m -> {
            throw new SQLTransientConnectionException("database down");
        };

        deliver(8, false);

        verify(channel, timeout(WAIT_MS)).basicNack(8, false, true);
        verify(channel, never()).basicAck(anyLong(), anyBoolean());
    }

    @Test
    void givenAHandlerThatThrowsAnError_whenAMessageArrives_thenItIsStillRequeuedSoItIsNotLeftUnacked()
            throws Exception {
        behaviour = m -> {
            throw new StackOverflowError("deep");
        };

        deliver(9, false);

        verify(channel, timeout(WAIT_MS)).basicNack(9, false, true);
        verify(channel, never()).basicAck(anyLong(), anyBoolean());
    }

    @Test
    void givenAMessageThatBreaksTheContract_whenHandled_thenItIsAckedAwayNotRetried() throws Exception {
        behaviour = m -> {
            throw new MalformedMessageException("no image-id header");
        };

        deliver(10, false);

        verify(channel, timeout(WAIT_MS)).basicAck(10, false);
        verify(channel, never()).basicNack(anyLong(), anyBoolean(), anyBoolean());
    }

    @Test
    void givenARedelivery_whenHandled_thenTheHandlerSeesTheRedeliveredFlag() throws Exception {
        deliver(11, true);

        InboundMessage m = handled.poll(WAIT_MS, TimeUnit.MILLISECONDS);
        assertThat(m).isNotNull();
        assertThat(m.redelivered()).isTrue();
        verify(channel, timeout(WAIT_MS)).basicAck(11, false);
    }

    @Test
    void givenAChannelThatDiesBeforeTheAck_whenHandled_thenTheWorkerSurvivesForTheNextMessage() throws Exception {
        doThrow(new AlreadyClosedException(
                new ShutdownSignalException(false, false, null, null)))
                .when(channel).basicAck(12, false);

        deliver(12, false);
        verify(channel, timeout(WAIT_MS)).basicAck(12, false);
        deliver(13, false);

        verify(channel, timeout(WAIT_MS)).basicAck(13, false);
        assertThat(consumer.inFlight()).isBetween(0, 1);
    }

    @Test
    void givenConcurrency_whenStarted_thenThePrefetchBoundsMessagesInFlight() throws Exception {
        verify(channel).basicQos(2);
        assertThat(consumer.isConsuming()).isTrue();
    }
}
