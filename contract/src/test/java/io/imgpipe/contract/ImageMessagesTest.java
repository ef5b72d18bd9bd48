package io.imgpipe.contract;

import com.rabbitmq.client.AMQP;
import io.imgpipe.contract.format.ImageFormat;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageMessagesTest {

    private static final ImageId ID = ImageId.random();
    private static final String TRACE = Traceparent.continueOrStart(null);
    private static final Instant CREATED = Instant.ofEpochMilli(1_700_000_000_123L);

    @Test
    void submittedMessageRoutesByFormatAndCarriesIdTraceAndCreationTime() {
        OutboundMessage m = ImageMessages.submitted(ID, TRACE, CREATED, ImageFormat.PNG, "width=10", "cat.png", null,
                new byte[]{1, 2, 3}, null);

        assertThat(m.exchange()).isEqualTo(Topology.IMAGES_EXCHANGE);
        assertThat(m.routingKey()).isEqualTo("image.submitted.png");
        assertThat(m.properties().getDeliveryMode()).isEqualTo(2);
        assertThat(m.properties().getReplyTo()).isNull();
        InboundMessage in = received(m);
        assertThat(in.imageId()).isEqualTo(ID);
        assertThat(in.traceparent()).isEqualTo(TRACE);
        assertThat(in.createdAt()).isEqualTo(CREATED);
        assertThat(in.string(MessageHeaders.OPTIONS)).hasValue("width=10");
        assertThat(in.string(MessageHeaders.FILENAME)).hasValue("cat.png");
        assertThat(in.body()).containsExactly(1, 2, 3);
    }

    @Test
    void submittedMessageOfAWaitingRequestNamesItsReplyQueueAndCorrelatesById() {
        OutboundMessage m = ImageMessages.submitted(ID, TRACE, CREATED, ImageFormat.JPEG, "", null, null, new byte[0], "amq.gen-1");

        assertThat(m.properties().getReplyTo()).isEqualTo("amq.gen-1");
        assertThat(m.properties().getCorrelationId()).isEqualTo(ID.value());
        assertThat(received(m).string(MessageHeaders.FILENAME)).isEmpty();
    }

    @Test
    void transformedMessageCarriesDimensionsAndTimes() {
        Instant started = CREATED.plusMillis(50);
        OutboundMessage m = ImageMessages.transformed(ID, TRACE, CREATED, ImageFormat.WEBP, 800, 600, 4000, 3000,
                started, new byte[]{9});

        InboundMessage in = received(m);
        assertThat(m.routingKey()).isEqualTo("image.transformed.webp");
        assertThat(m.properties().getContentType()).isEqualTo("image/webp");
        assertThat(in.integer(MessageHeaders.WIDTH)).isEqualTo(800);
        assertThat(in.integer(MessageHeaders.HEIGHT)).isEqualTo(600);
        assertThat(in.integer(MessageHeaders.SOURCE_WIDTH)).isEqualTo(4000);
        assertThat(in.instant(MessageHeaders.STARTED_AT)).hasValue(started);
        assertThat(in.instant(MessageHeaders.FINISHED_AT)).isPresent();
    }

    @Test
    void failedMessageRoutesByReasonWithTheMessageAsBody() {
        OutboundMessage m = ImageMessages.failed(ID, TRACE, CREATED, "image_too_large", "50000 × 50000 is too large",
                CREATED);

        InboundMessage in = received(m);
        assertThat(m.routingKey()).isEqualTo("image.failed.image_too_large");
        assertThat(in.string(MessageHeaders.REASON)).hasValue("image_too_large");
        assertThat(in.bodyText()).isEqualTo("50000 × 50000 is too large");
    }

    @Test
    void replyGoesThroughTheDefaultExchangeToTheQueueAndIsNotPersistent() {
        OutboundMessage transformed = ImageMessages.transformed(ID, TRACE, CREATED, ImageFormat.PNG, 1, 1, 1, 1,
                CREATED, new byte[]{7});

        OutboundMessage reply = ImageMessages.replyTo("amq.gen-2", transformed);

        assertThat(reply.exchange()).isEmpty();
        assertThat(reply.routingKey()).isEqualTo("amq.gen-2");
        assertThat(reply.properties().getDeliveryMode()).isEqualTo(1);
        assertThat(received(reply).imageId()).isEqualTo(ID);
    }

    @Test
    void retryCopyCountsTheAttemptAndGoesStraightToTheQueue() {
        OutboundMessage m = ImageMessages.submitted(ID, TRACE, CREATED, ImageFormat.GIF, "", null, null, new byte[]{5}, null);

        OutboundMessage retry = ImageMessages.retry(Topology.TRANSFORMER_QUEUE, m.properties(), m.body(), 2);

        assertThat(retry.exchange()).isEmpty();
        assertThat(retry.routingKey()).isEqualTo("transformer");
        assertThat(received(retry).attempt()).isEqualTo(2);
        assertThat(received(m).attempt()).isEqualTo(1);
    }

    @Test
    void activityEventRoundTripsThroughJsonAndRoutesByServiceAndEvent() {
        ActivityEvent e = ActivityEvent.now(ID, "save2db", "stored", TRACE, Map.of("kind", "result"));

        OutboundMessage m = e.toMessage();
        ActivityEvent back = ActivityEvent.fromJson(m.body());

        assertThat(m.exchange()).isEqualTo(Topology.ACTIVITY_EXCHANGE);
        assertThat(m.routingKey()).isEqualTo("save2db.stored");
        assertThat(back).isEqualTo(e);
    }

    @Test
    void aMessageWithoutAValidImageIdIsMalformedNotRetryable() {
        AMQP.BasicProperties none = new AMQP.BasicProperties.Builder().build();
        AMQP.BasicProperties bad = new AMQP.BasicProperties.Builder()
                .headers(Map.of(MessageHeaders.IMAGE_ID, "../../etc/passwd")).build();

        assertThatThrownBy(() -> new InboundMessage("k", none, new byte[0], false).imageId())
                .isInstanceOf(MalformedMessageException.class);
        assertThatThrownBy(() -> new InboundMessage("k", bad, new byte[0], false).imageId())
                .isInstanceOf(MalformedMessageException.class);
    }

    private static InboundMessage received(OutboundMessage m) {
        AMQP.BasicProperties props = m.properties();
        return new InboundMessage(m.routingKey(), props, m.body(), false);
    }
}
