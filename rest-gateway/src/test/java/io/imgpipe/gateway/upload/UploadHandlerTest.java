package io.imgpipe.gateway.upload;

import io.imgpipe.contract.ActivityEvent;
import io.imgpipe.contract.MessageHeaders;
import io.imgpipe.contract.ImageId;
import io.imgpipe.contract.ImageMessages;
import io.imgpipe.contract.InboundMessage;
import io.imgpipe.contract.OutboundMessage;
import io.imgpipe.contract.Topology;
import io.imgpipe.runtime.amqp.ConfirmingPublisher;
import io.imgpipe.contract.options.OptionsParser;
import io.imgpipe.runtime.ServiceRuntime;
import io.imgpipe.gateway.http.ErrorMapper;
import io.imgpipe.gateway.read.ImageQueries;
import io.imgpipe.gateway.read.RecentUploads;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.Undertow;
import io.undertow.server.handlers.BlockingHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * {@code POST /image} driven over HTTP through a real Undertow on a loopback port, with the broker side (runtime,
 * publisher, queue depth, reply queues) mocked: what is published, and what the client is answered.
 */
class UploadHandlerTest {

    private final ServiceRuntime runtime = mock(ServiceRuntime.class);
    private final ConfirmingPublisher publisher = mock(ConfirmingPublisher.class);
    private final QueueDepth depth = mock(QueueDepth.class);
    private final ReplyQueues replies = mock(ReplyQueues.class);
    private final ImageQueries queries = mock(ImageQueries.class);
    private final UploadBudget budget = new UploadBudget(1 << 20);
    private final List<ActivityEvent> activity = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private Undertow server;
    private URI base;

    @BeforeEach
    void startServer() {
        when(runtime.registry()).thenReturn(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        when(runtime.publisher()).thenReturn(publisher);
        when(runtime.activity(any())).thenAnswer(i -> {
            activity.add(i.getArgument(0));
            return CompletableFuture.completedFuture(null);
        });
        when(publisher.publish(any())).thenReturn(CompletableFuture.completedFuture(null));
        UploadHandler handler = new UploadHandler(runtime, new UploadReader(1 << 20), budget, OptionsParser.withPresets(null),
                depth, replies, new RecentUploads(), new UploadAuth(Set.of()), new IdempotentIds(null), queries, 5);
        server = Undertow.builder().addHttpListener(0, "127.0.0.1")
                .setHandler(new BlockingHandler(new ErrorMapper(handler))).build();
        server.start();
        int port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
        base = URI.create("http://127.0.0.1:" + port + "/image");
    }

    @AfterEach
    void stopServer() {
        server.stop();
    }

    private static byte[] png() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB), "png", out);
        return out.toByteArray();
    }

    private HttpResponse<String> post(String query, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + query))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private OutboundMessage published() {
        ArgumentCaptor<OutboundMessage> captor = ArgumentCaptor.forClass(OutboundMessage.class);
        verify(publisher).publish(captor.capture());
        return captor.getValue();
    }

    @Test
    void givenAPng_whenUploaded_thenItIsPublishedWithCanonicalOptionsAndAnswered202() throws Exception {
        HttpResponse<String> answer = post("?format=jpeg&width=20", png(), "X-Filename", "a%20b.png");

        assertThat(answer.statusCode()).isEqualTo(202);
        OutboundMessage m = published();
        String id = (String) m.properties().getHeaders().get(MessageHeaders.IMAGE_ID);
        assertThat(answer.headers().firstValue("Location")).contains("/image/" + id);
        assertThat(answer.body()).contains("\"status\":\"queued\"");
        assertThat(m.exchange()).isEqualTo(Topology.IMAGES_EXCHANGE);
        assertThat(m.routingKey()).isEqualTo(Topology.submittedKey("png"));
        assertThat(m.properties().getHeaders()).containsEntry(MessageHeaders.OPTIONS, "width=20&format=jpeg")
                .containsEntry(MessageHeaders.FILENAME, "a b.png");
        assertThat(activity).singleElement().satisfies(e -> assertThat(e.event()).isEqualTo("accepted"));
    }

    @Test
    void givenABadOption_whenUploaded_thenItIs400AndNothingIsPublished() throws Exception {
        HttpResponse<String> answer = post("?width=0", png());

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.body()).contains("bad_option").contains("width must be an integer from 1 to 16384");
        verify(publisher, never()).publish(any());
    }

    @Test
    void givenAFullQueue_whenUploaded_thenItIs503WithRetryAfterAndNothingIsPublished() throws Exception {
        when(depth.overloaded()).thenReturn(true);

        HttpResponse<String> answer = post("", png());

        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(answer.headers().firstValue("Retry-After")).contains("5");
        verify(publisher, never()).publish(any());
    }

    @Test
    void givenTheUploadBudgetHeldByOthers_whenUploaded_thenItIs503BeforeTheBodyAndNothingIsPublished() throws Exception {
        try (UploadBudget.Reservation others = budget.reserve(1 << 20)) {
            HttpResponse<String> answer = post("", png());

            assertThat(answer.statusCode()).isEqualTo(503);
            assertThat(answer.body()).contains("overloaded");
            assertThat(answer.headers().firstValue("Retry-After")).contains("1");
            verify(publisher, never()).publish(any());
        }
    }

    @Test
    void givenAnAcceptedOrRefusedUpload_whenAnswered_thenItsBudgetIsGivenBack() throws Exception {
        assertThat(post("", png()).statusCode()).isEqualTo(202);
        assertThat(post("", "hello".getBytes()).statusCode()).isEqualTo(415);

        assertThat(budget.reserved()).isZero();
    }

    @Test
    void givenBytesThatAreNoImage_whenUploaded_thenItIs415() throws Exception {
        HttpResponse<String> answer = post("", "hello".getBytes());

        assertThat(answer.statusCode()).isEqualTo(415);
        verify(publisher, never()).publish(any());
    }

    @Test
    void givenTheBrokerRefusesTheUpload_whenUploaded_thenItIs503NotAccepted() throws Exception {
        when(publisher.publish(any())).thenReturn(CompletableFuture.failedFuture(new IOException("nack")));

        HttpResponse<String> answer = post("", png());

        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(answer.body()).contains("unavailable");
        assertThat(activity).isEmpty();
    }

    @Test
    void givenAnIdempotencyKey_whenUploadedTwice_thenBothNameTheSameImage() throws Exception {
        String key = "6f1d6a4e-2c0b-4d8e-9a55-2b1e1f0c9a77";

        HttpResponse<String> first = post("", png(), "Idempotency-Key", key);
        HttpResponse<String> second = post("", png(), "Idempotency-Key", key);

        assertThat(first.headers().firstValue("Location"))
                .contains("/image/" + ImageId.fromIdempotencyKey(key).value())
                .isEqualTo(second.headers().firstValue("Location"));
    }

    @Test
    void givenPreferWaitAndAFailedTransform_whenUploaded_thenTheAnswerIs422WithTheReason() throws Exception {
        ReplyQueues.Reply reply = mock(ReplyQueues.Reply.class);
        when(replies.open()).thenReturn(reply);
        when(reply.queue()).thenReturn("amq.gen-test");
        OutboundMessage failed = ImageMessages.failed(new ImageId("0123456789abcdef0123456789abcdef"), "",
                Instant.EPOCH, "corrupt_image", "broken", Instant.EPOCH);
        when(reply.future()).thenReturn(CompletableFuture.completedFuture(
                new InboundMessage(failed.routingKey(), failed.properties(), failed.body(), false)));

        HttpResponse<String> answer = post("", png(), "Prefer", "wait=5");

        assertThat(answer.statusCode()).isEqualTo(422);
        assertThat(answer.body()).contains("corrupt_image").contains("broken");
        assertThat(published().properties().getReplyTo()).isEqualTo("amq.gen-test");
        verify(publisher, never()).publish(any(), anyBoolean());
    }
}
