package io.imgpipe.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgpipe.testsupport.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #15, the cluster view: every service beats on the activity exchange, the gateway lists the live instances
 * and the work queues' depths at {@code GET /cluster}, and no heartbeat becomes part of an image's story. Always on
 * embedded infrastructure: a shared broker would carry other runs' heartbeats.
 */
class ClusterViewIT {

    private static final Duration PATIENCE = Duration.ofSeconds(15);
    private static Pipeline pipeline;
    private static Http http;
    private static byte[] jpeg;

    @BeforeAll
    static void start() throws Exception {
        pipeline = TestPipeline.ownEmbedded(Map.of("IMGPIPE_HEARTBEAT_SECONDS", "1"));
        http = new Http(pipeline.baseUrl());
        jpeg = Fixtures.bytes("/images/autumn-400x250.jpg");
    }

    @AfterAll
    static void stop() {
        pipeline.close();
    }

    private static JsonNode cluster() {
        HttpResponse<byte[]> r = http.get("cluster");
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        return Http.json(r);
    }

    private static Set<String> services(JsonNode cluster) {
        Set<String> services = new TreeSet<>();
        cluster.get("instances").forEach(i -> services.add(i.get("service").asText()));
        return services;
    }

    private static JsonNode instanceOf(JsonNode cluster, String service) {
        for (JsonNode i : cluster.get("instances")) {
            if (i.get("service").asText().equals(service)) {
                return i;
            }
        }
        return null;
    }

    @Test
    void givenThePipelineRuns_whenTheClusterIsAsked_thenEveryServiceAndEveryWorkQueueShows() {
        JsonNode cluster = Await.until(PATIENCE, Duration.ofMillis(250), ClusterViewIT::cluster,
                c -> services(c).equals(Set.of("gateway", "logger", "save2db", "transformer"))
                        && instanceOf(c, "transformer").get("consumers").asInt() == 1);

        assertThat(services(cluster)).containsExactly("gateway", "logger", "save2db", "transformer");
        for (JsonNode i : cluster.get("instances")) {
            assertThat(i.get("instance").asText()).isNotBlank();
            assertThat(i.get("version").asText()).isNotBlank();
            assertThat(i.get("uptimeSeconds").asLong()).isNotNegative();
            assertThat(i.get("lastSeen").asLong()).isPositive();
        }
        assertThat(instanceOf(cluster, "transformer").get("queues").get(0).asText()).isEqualTo("transformer");
        assertThat(instanceOf(cluster, "gateway").get("queues")).isEmpty();
        List<String> queues = new ArrayList<>();
        cluster.get("queues").forEach(q -> {
            queues.add(q.get("queue").asText());
            assertThat(q.get("messages").asLong()).isNotNegative();
        });
        assertThat(queues).containsExactly("transformer", "save2db", "logger");
    }

    @Test
    void givenAnImageWasTransformed_whenTheClusterIsAsked_thenTheTransformerCountsItAndHasARate() {
        HttpResponse<byte[]> done = http.post("image?width=90", jpeg, "Prefer", "wait=30", "Accept", "application/json");
        assertThat(done.statusCode()).isEqualTo(201);

        JsonNode transformer = Await.until(PATIENCE, Duration.ofMillis(250),
                () -> instanceOf(cluster(), "transformer"),
                t -> t != null && t.get("handled").asLong() >= 1 && !t.get("ratePerSecond").isNull());

        assertThat(transformer.get("handled").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(transformer.get("ratePerSecond").asDouble()).isNotNegative();
    }

    @Test
    void givenHeartbeatsFlow_whenAnImagesStoryAndTheLoggersCountsAreRead_thenNoHeartbeatIsInThem() throws IOException {
        HttpResponse<byte[]> done = http.post("image?width=90", jpeg, "Prefer", "wait=30", "Accept", "application/json");
        assertThat(done.statusCode()).isEqualTo(201);
        String id = Http.json(done).get("id").asText();
        // Several beats of every service pass while the image's story is written.
        Await.pause(Duration.ofSeconds(3));

        HttpResponse<byte[]> events = http.get("image/" + id + "/events");
        String metrics = new String(http.get("metrics").body(), StandardCharsets.UTF_8);

        assertThat(events.statusCode()).isEqualTo(200);
        assertThat(new String(events.body(), StandardCharsets.UTF_8)).doesNotContain("heartbeat");
        assertThat(metrics).contains("imgpipe_logger_events_total").doesNotContain("heartbeat");
    }
}
