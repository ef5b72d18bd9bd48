package io.imgpipe.save2db;

import com.rabbitmq.client.AMQP;
import io.imgpipe.contract.ActivityEvent;
import io.imgpipe.contract.ImageId;
import io.imgpipe.contract.ImageMessages;
import io.imgpipe.contract.InboundMessage;
import io.imgpipe.contract.MalformedMessageException;
import io.imgpipe.contract.OutboundMessage;
import io.imgpipe.contract.format.ImageFormat;
import io.imgpipe.contract.variants.Variant;
import io.imgpipe.runtime.ServiceRuntime;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

/** save2db's handling of each kind of message, with the archive and the runtime mocked. */
class StoreConsumerTest {

    private static final ImageId ID = new ImageId("0123456789abcdef0123456789abcdef");
    private static final String TRACE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private final ImageArchive archive = mock(ImageArchive.class);
    private final VariantArchive variants = mock(VariantArchive.class);
    private final ServiceRuntime runtime = mock(ServiceRuntime.class);
    private final List<ActivityEvent> activity = new ArrayList<>();
    private StoreConsumer consumer;

    @BeforeEach
    void setUp() {
        when(runtime.registry()).thenReturn(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        when(runtime.activity(any())).thenAnswer(i -> {
            activity.add(i.getArgument(0));
            return CompletableFuture.completedFuture(null);
        });
        consumer = new StoreConsumer(archive, variants, runtime, 1);
    }

    @AfterEach
    void tearDown() {
        consumer.close();
    }

    private static InboundMessage inbound(OutboundMessage m) {
        return new InboundMessage(m.routingKey(), m.properties(), m.body(), false);
    }

    @Test
    void givenAnUpload_whenHandled_thenTheOriginalIsArchivedAndStoredAnnounced() throws Exception {
        when(archive.store(any(ImageArchive.Original.class))).thenReturn(true);

        consumer.handle(inbound(ImageMessages.submitted(ID, TRACE, Instant.ofEpochMilli(1_000), ImageFormat.PNG,
                "width=10", "a.png", "alice", new byte[] {1, 2}, null)));

        ArgumentCaptor<ImageArchive.Original> stored = ArgumentCaptor.forClass(ImageArchive.Original.class);
        verify(archive).store(stored.capture());
        ImageArchive.Original o = stored.getValue();
        assertThat(o.imageId()).isEqualTo(ID.value());
        assertThat(o.format()).isEqualTo("png");
        assertThat(o.contentType()).isEqualTo("image/png");
        assertThat(o.filename()).isEqualTo("a.png");
        assertThat(o.options()).isEqualTo("width=10");
        assertThat(o.acceptedAt()).isEqualTo(Instant.ofEpochMilli(1_000));
        assertThat(activity).singleElement().satisfies(e -> {
            assertThat(e.service()).isEqualTo("save2db");
            assertThat(e.event()).isEqualTo("stored");
            assertThat(e.detail()).containsEntry("kind", "original");
        });
    }

    @Test
    void givenAResult_whenHandled_thenItIsArchivedWithItsSizesAndTimes() throws Exception {
        consumer.handle(inbound(ImageMessages.transformed(ID, TRACE, Instant.ofEpochMilli(1_000), ImageFormat.JPEG,
                20, 10, 40, 20, Instant.ofEpochMilli(2_000), new byte[] {9})));

        ArgumentCaptor<ImageArchive.Result> stored = ArgumentCaptor.forClass(ImageArchive.Result.class);
        verify(archive).store(stored.capture());
        ImageArchive.Result r = stored.getValue();
        assertThat(List.of(r.width(), r.height(), r.sourceWidth(), r.sourceHeight())).containsExactly(20, 10, 40, 20);
        assertThat(r.contentType()).isEqualTo("image/jpeg");
        assertThat(r.startedAt()).isEqualTo(Instant.ofEpochMilli(2_000));
    }

    @Test
    void givenAResultOfASecondaryVariant_whenHandled_thenItIsArchivedAsThatVariantNotAsTheImagesResult()
            throws Exception {
        var variant = new Variant("card", "width=64");
        consumer.handle(inbound(ImageMessages.forVariant(ImageMessages.transformed(ID, TRACE,
                Instant.ofEpochMilli(1_000), ImageFormat.JPEG, 64, 40, 400, 250, Instant.ofEpochMilli(2_000),
                new byte[] {9}), variant, false)));

        ArgumentCaptor<VariantArchive.Result> stored = ArgumentCaptor.forClass(VariantArchive.Result.class);
        verify(variants).store(stored.capture());
        assertThat(stored.getValue().variant()).isEqualTo(variant);
        assertThat(List.of(stored.getValue().width(), stored.getValue().height())).containsExactly(64, 40);
        verify(archive, never()).store(any(ImageArchive.Result.class));
        assertThat(activity).singleElement().satisfies(e -> assertThat(e.detail()).containsEntry("variant", "card"));
    }

    @Test
    void givenAResultOfThePrimaryVariant_whenHandled_thenItIsTheImagesResult() throws Exception {
        consumer.handle(inbound(ImageMessages.forVariant(ImageMessages.transformed(ID, TRACE,
                Instant.ofEpochMilli(1_000), ImageFormat.JPEG, 64, 40, 400, 250, Instant.ofEpochMilli(2_000),
                new byte[] {9}), new Variant("thumbnail", "width=64"), true)));

        verify(archive).store(any(ImageArchive.Result.class));
        verify(variants, never()).store(any(VariantArchive.Result.class));
    }

    @Test
    void givenAFailure_whenHandled_thenItsReasonAndMessageAreArchived() throws Exception {
        consumer.handle(inbound(ImageMessages.failed(ID, TRACE, Instant.ofEpochMilli(1_000), "corrupt_image",
                "broken", Instant.ofEpochMilli(2_000))));

        ArgumentCaptor<ImageArchive.Failure> stored = ArgumentCaptor.forClass(ImageArchive.Failure.class);
        verify(archive).store(stored.capture());
        assertThat(stored.getValue().reason()).isEqualTo("corrupt_image");
        assertThat(stored.getValue().message()).isEqualTo("broken");
    }

    @Test
    void givenADuplicate_whenHandled_thenStoredIsAnnouncedAgainInCaseTheFirstWasLost() throws Exception {
        when(archive.store(any(ImageArchive.Failure.class))).thenReturn(false);

        consumer.handle(inbound(ImageMessages.failed(ID, TRACE, Instant.EPOCH, "poison", "gave up", Instant.EPOCH)));

        assertThat(activity).extracting(ActivityEvent::event).containsExactly("stored");
    }

    @Test
    void givenTheDatabaseIsDown_whenHandled_thenTheErrorEscapesSoTheMessageIsRequeued() throws Exception {
        when(archive.store(any(ImageArchive.Original.class))).thenThrow(new SQLException("connection refused"));

        assertThatThrownBy(() -> consumer.handle(inbound(ImageMessages.submitted(ID, TRACE, Instant.EPOCH,
                ImageFormat.PNG, "", null, null, new byte[] {1}, null)))).isInstanceOf(SQLException.class);
        assertThat(activity).isEmpty();
    }

    @Test
    void givenAnUnknownRoutingKey_whenHandled_thenNothingIsStoredOrAnnounced() throws Exception {
        OutboundMessage m = ImageMessages.submitted(ID, TRACE, Instant.EPOCH, ImageFormat.PNG, "", null, null,
                new byte[] {1}, null);

        consumer.handle(new InboundMessage("image.unheard-of", m.properties(), m.body(), false));

        verifyNoInteractions(archive);
        assertThat(activity).isEmpty();
    }

    @Test
    void givenAMessageWithoutAnImageId_whenHandled_thenItIsMalformed() {
        InboundMessage noId = new InboundMessage("image.submitted.png", new AMQP.BasicProperties(), new byte[0], false);

        assertThatThrownBy(() -> consumer.handle(noId)).isInstanceOf(MalformedMessageException.class);
        verifyNoInteractions(archive);
    }
}
