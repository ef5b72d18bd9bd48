package io.imgpipe.transformer.worker;

import io.imgpipe.blob.BlobStore;
import io.imgpipe.blob.BlobStoreException;
import io.imgpipe.contract.BlobRef;
import io.imgpipe.contract.ImageId;
import io.imgpipe.contract.ImageMessages;
import io.imgpipe.contract.InboundMessage;
import io.imgpipe.contract.MessageHeaders;
import io.imgpipe.contract.OutboundMessage;
import io.imgpipe.contract.Topology;
import io.imgpipe.contract.format.ImageFormat;
import io.imgpipe.runtime.ServiceRuntime;
import io.imgpipe.runtime.amqp.ConfirmingPublisher;
import io.imgpipe.transformer.engine.ImageEngine;
import io.imgpipe.transformer.engine.TransformResult;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** The transformer's side of the claim check (issue 17), with the store, engine and publisher mocked. */
class ClaimCheckJobTest {

    private static final ImageId ID = new ImageId("0123456789abcdef0123456789abcdef");
    private static final byte[] ORIGINAL = {1, 2, 3, 4, 5, 6, 7, 8};

    private final ImageEngine engine = mock(ImageEngine.class);
    private final BlobStore store = mock(BlobStore.class);
    private final ServiceRuntime runtime = mock(ServiceRuntime.class);
    private final ConfirmingPublisher publisher = mock(ConfirmingPublisher.class);
    private TransformJobConsumer consumer;

    @BeforeEach
    void setUp() {
        when(runtime.registry()).thenReturn(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        when(runtime.publisher()).thenReturn(publisher);
        when(runtime.activity(any())).thenReturn(CompletableFuture.completedFuture(null));
        when(publisher.publish(any())).thenReturn(CompletableFuture.completedFuture(null));
        when(publisher.publish(any(), anyBoolean())).thenReturn(CompletableFuture.completedFuture(null));
        consumer = new TransformJobConsumer(engine, runtime, 1, 3, new JobBytes(store, 4));
    }

    @AfterEach
    void tearDown() {
        consumer.close();
    }

    private static InboundMessage claimCheckJob() {
        OutboundMessage submitted = ImageMessages.byReference(ImageMessages.submitted(ID, "", Instant.ofEpochMilli(1_000),
                ImageFormat.PNG, "", "a.png", null, ORIGINAL, null), BlobRef.of(ORIGINAL));
        return new InboundMessage(submitted.routingKey(), submitted.properties(), submitted.body(), false);
    }

    @Test
    void readsTheOriginalFromTheStoreAndPutsALargeResultThere() throws Exception {
        byte[] result = {9, 9, 9, 9, 9, 9};
        when(store.get(BlobRef.of(ORIGINAL))).thenReturn(ORIGINAL);
        when(store.put(result)).thenReturn(BlobRef.of(result));
        when(engine.transform(any(), any())).thenReturn(new TransformResult(result, ImageFormat.JPEG, 2, 1,
                ImageFormat.PNG, 4, 2));

        consumer.handle(claimCheckJob());

        verify(engine).transform(eq(ORIGINAL), any());
        ArgumentCaptor<OutboundMessage> out = ArgumentCaptor.forClass(OutboundMessage.class);
        verify(publisher).publish(out.capture());
        assertThat(out.getValue().routingKey()).isEqualTo(Topology.transformedKey("jpeg"));
        assertThat(out.getValue().body()).isEmpty();
        assertThat(out.getValue().properties().getHeaders())
                .containsEntry(MessageHeaders.BLOB_KEY, BlobRef.of(result).key())
                .containsEntry(MessageHeaders.BLOB_SIZE, 6L);
    }

    @Test
    void aStoreOutageQueuesTheJobAgainWithoutCountingAnAttempt() throws Exception {
        when(store.get(any())).thenThrow(new BlobStoreException("connection refused", null));

        consumer.handle(claimCheckJob());

        verify(engine, never()).transform(any(), any());
        ArgumentCaptor<OutboundMessage> out = ArgumentCaptor.forClass(OutboundMessage.class);
        verify(publisher).publish(out.capture());
        assertThat(out.getValue().exchange()).isEmpty();
        assertThat(out.getValue().routingKey()).isEqualTo(Topology.TRANSFORMER_QUEUE);
        assertThat(out.getValue().properties().getHeaders()).containsEntry(MessageHeaders.ATTEMPT, 1)
                .containsEntry(MessageHeaders.BLOB_KEY, BlobRef.of(ORIGINAL).key());
    }
}
