package io.imgpipe.transformer.worker;

import com.rabbitmq.client.AMQP;
import io.imgpipe.contract.ActivityEvent;
import io.imgpipe.contract.MessageHeaders;
import io.imgpipe.contract.ImageId;
import io.imgpipe.contract.ImageMessages;
import io.imgpipe.contract.InboundMessage;
import io.imgpipe.contract.MalformedMessageException;
import io.imgpipe.contract.OutboundMessage;
import io.imgpipe.contract.Topology;
import io.imgpipe.runtime.amqp.ConfirmingPublisher;
import io.imgpipe.contract.format.ImageFormat;
import io.imgpipe.contract.options.TransformOptions;
import io.imgpipe.runtime.ServiceRuntime;
import io.imgpipe.transformer.engine.ImageEngine;
import io.imgpipe.transformer.engine.ImageRejectedException;
import io.imgpipe.transformer.engine.TransformResult;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

/** The transformer's job handling with the engine, the publisher and the runtime mocked. */
class TransformJobConsumerTest {

    private static final ImageId ID = new ImageId("0123456789abcdef0123456789abcdef");
    private static final int MAX_ATTEMPTS = 3;

    private final ImageEngine engine = mock(ImageEngine.class);
    private final ServiceRuntime runtime = mock(ServiceRuntime.class);
    private final ConfirmingPublisher publisher = mock(ConfirmingPublisher.class);
    private final List<ActivityEvent> activity = new ArrayList<>();
    private TransformJobConsumer consumer;

    @BeforeEach
    void setUp() {
        when(runtime.registry()).thenReturn(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        when(runtime.publisher()).thenReturn(publisher);
        when(runtime.activity(any())).thenAnswer(i -> {
            activity.add(i.getArgument(0));
            return CompletableFuture.completedFuture(null);
        });
        when(publisher.publish(any())).thenReturn(CompletableFuture.completedFuture(null));
        when(publisher.publish(any(), anyBoolean())).thenReturn(CompletableFuture.completedFuture(null));
        consumer = new TransformJobConsumer(engine, runtime, 1, MAX_ATTEMPTS);
    }

    @AfterEach
    void tearDown() {
        consumer.close();
    }

    private static InboundMessage job(String options, boolean redelivered, Integer attempt, String replyTo) {
        OutboundMessage submitted = ImageMessages.submitted(ID, "", Instant.ofEpochMilli(1_000), ImageFormat.PNG,
                options, "a.png", null, new byte[] {1, 2, 3}, replyTo);
        AMQP.BasicProperties props = submitted.properties();
        if (attempt != null) {
            Map<String, Object> headers = new HashMap<>(props.getHeaders());
            headers.put(MessageHeaders.ATTEMPT, attempt);
            props = props.builder().headers(headers).build();
        }
        return new InboundMessage(submitted.routingKey(), props, submitted.body(), redelivered);
    }

    private List<OutboundMessage> published() {
        ArgumentCaptor<OutboundMessage> captor = ArgumentCaptor.forClass(OutboundMessage.class);
        verify(publisher, atLeastOnce()).publish(captor.capture());
        return captor.getAllValues();
    }

    @Test
    void givenAJob_whenTheEngineSucceeds_thenTheResultIsPublishedAndDoneAnnounced() throws Exception {
        when(engine.transform(any(), any())).thenReturn(new TransformResult(new byte[] {9}, ImageFormat.JPEG, 20, 10,
                ImageFormat.PNG, 40, 20));

        consumer.handle(job("width=20&format=jpeg", false, null, null));

        ArgumentCaptor<TransformOptions> options = ArgumentCaptor.forClass(TransformOptions.class);
        verify(engine).transform(any(), options.capture());
        assertThat(options.getValue().toQuery()).isEqualTo("width=20&format=jpeg");
        OutboundMessage out = published().get(0);
        assertThat(out.routingKey()).isEqualTo(Topology.transformedKey("jpeg"));
        assertThat(out.properties().getHeaders()).containsEntry(MessageHeaders.WIDTH, 20).containsEntry(MessageHeaders.SOURCE_WIDTH, 40);
        assertThat(activity).extracting(ActivityEvent::event).containsExactly("started", "done");
    }

    @Test
    void givenAWaitingGateway_whenTheJobIsDone_thenItIsAlsoRepliedToNotMandatory() throws Exception {
        when(engine.transform(any(), any())).thenReturn(new TransformResult(new byte[] {9}, ImageFormat.PNG, 1, 1,
                ImageFormat.PNG, 1, 1));

        consumer.handle(job("", false, null, "amq.gen-reply"));

        ArgumentCaptor<OutboundMessage> reply = ArgumentCaptor.forClass(OutboundMessage.class);
        verify(publisher).publish(reply.capture(), eq(false));
        assertThat(reply.getValue().routingKey()).isEqualTo("amq.gen-reply");
        assertThat(reply.getValue().exchange()).isEmpty();
    }

    @Test
    void givenAnImageTheEngineRejects_whenHandled_thenAFailureIsRecordedAndTheJobReturnsNormally() throws Exception {
        when(engine.transform(any(), any())).thenThrow(new ImageRejectedException("corrupt_image", "broken"));

        consumer.handle(job("", false, null, null));

        OutboundMessage out = published().get(0);
        assertThat(out.routingKey()).isEqualTo(Topology.failedKey("corrupt_image"));
        assertThat(activity).extracting(ActivityEvent::event).containsExactly("started", "failed");
    }

    @Test
    void givenOptionsTheParserRejects_whenHandled_thenTheFailureReasonIsBadOption() throws Exception {
        consumer.handle(job("width=0", false, null, null));

        assertThat(published().get(0).routingKey()).isEqualTo(Topology.failedKey("bad_option"));
        verifyNoInteractions(engine);
    }

    @Test
    void givenARedeliveredJob_whenHandled_thenItIsRequeuedWithTheNextAttemptInsteadOfTransformed() throws Exception {
        consumer.handle(job("", true, 1, null));

        OutboundMessage retry = published().get(0);
        assertThat(retry.exchange()).isEmpty();
        assertThat(retry.routingKey()).isEqualTo(Topology.TRANSFORMER_QUEUE);
        assertThat(retry.properties().getHeaders()).containsEntry(MessageHeaders.ATTEMPT, 2);
        verifyNoInteractions(engine);
    }

    @Test
    void givenAJobRedeliveredAtTheLastAttempt_whenHandled_thenItIsFailedAsPoison() throws Exception {
        consumer.handle(job("", true, MAX_ATTEMPTS, null));

        assertThat(published().get(0).routingKey()).isEqualTo(Topology.failedKey("poison"));
        assertThat(activity).extracting(ActivityEvent::event).containsExactly("failed");
        verifyNoInteractions(engine);
    }

    @Test
    void givenAConfirmThatFails_whenHandled_thenTheExceptionEscapesSoTheBaseRequeues() throws Exception {
        when(engine.transform(any(), any())).thenReturn(new TransformResult(new byte[] {9}, ImageFormat.PNG, 1, 1,
                ImageFormat.PNG, 1, 1));
        when(publisher.publish(any())).thenReturn(CompletableFuture.failedFuture(new IOException("nack")));

        assertThatThrownBy(() -> consumer.handle(job("", false, null, null)))
                .hasRootCauseInstanceOf(IOException.class);
    }

    @Test
    void givenAJobWithoutAnImageId_whenHandled_thenItIsMalformed() {
        InboundMessage noId = new InboundMessage("image.submitted.png", new AMQP.BasicProperties(), new byte[0], false);

        assertThatThrownBy(() -> consumer.handle(noId)).isInstanceOf(MalformedMessageException.class);
        verify(publisher, never()).publish(any());
    }
}
