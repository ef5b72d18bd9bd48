package io.imgpipe.launcher;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.imgpipe.testsupport.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #6: what an operator watches. Health endpoints for the balancer, Prometheus metrics for outcomes, latency,
 * queueing vs processing time, failures by reason, bytes, the JVM and the connection pools, and log lines that carry
 * the image id and trace id of each upload. (Worker admin ports of separate processes: FaultToleranceIT.)
 */
class ObservabilityIT {

    private static Http http;
    private static byte[] jpeg;
    private static ListAppender<ILoggingEvent> logs;
    private static String doneId;
    private static String doneTrace;

    @BeforeAll
    static void uploadOneGoodAndOneBadImage() throws IOException {
        logs = new ListAppender<>();
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
        http = new Http(TestPipeline.shared().baseUrl());
        jpeg = Fixtures.bytes("/images/autumn-400x250.jpg");
        HttpResponse<byte[]> done = http.post("image?width=90", jpeg, "Prefer", "wait=30", "Accept", "application/json");
        assertThat(done.statusCode()).as(new String(done.body(), StandardCharsets.UTF_8)).isEqualTo(201);
        doneId = Http.json(done).get("id").asText();
        doneTrace = done.headers().firstValue("traceparent").orElseThrow().substring(3, 35);
        HttpResponse<byte[]> failed = http.post("image?width=90", Arrays.copyOf(jpeg, 700), "Prefer", "wait=30",
                "Accept", "application/json");
        assertThat(failed.statusCode()).isEqualTo(422);
    }

    @AfterAll
    static void detach() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    }

    @Test
    void livenessAndReadinessAnswerForTheBalancer() {
        HttpResponse<byte[]> live = http.get("health/live");
        HttpResponse<byte[]> ready = http.get("health/ready");

        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(ready.statusCode()).isEqualTo(200);
        JsonNode body = Http.json(ready);
        assertThat(body.get("broker").asBoolean()).isTrue();
        assertThat(body.get("database").asBoolean()).isTrue();
        assertThat(body.get("queueLimit").asLong()).isPositive();
    }

    @Test
    void metricsCountOutcomesAndTimeEachStage() {
        String metrics = metrics();

        assertThat(metrics).as("uploads by outcome").contains("imgpipe_gateway_uploads_total{outcome=\"accepted\"");
        assertThat(metrics).as("accept latency histogram").contains("imgpipe_gateway_accept_seconds_bucket{le=");
        assertThat(metrics).as("bytes uploaded").contains("imgpipe_gateway_upload_bytes_sum")
                .contains("imgpipe_gateway_upload_bytes_count");
        assertThat(metrics).as("time queued").contains("imgpipe_transformer_queued_seconds_bucket{le=");
        assertThat(metrics).as("time transforming").contains("imgpipe_transformer_transform_seconds_bucket{le=");
        assertThat(metrics).as("jobs done").contains("imgpipe_transformer_jobs_total{outcome=\"done\",reason=\"none\"");
        assertThat(metrics).as("failures by reason")
                .contains("imgpipe_transformer_jobs_total{outcome=\"failed\",reason=\"corrupt_image\"");
        assertThat(metrics).as("stores").contains("imgpipe_save2db_messages_total{kind=\"original\"");
        assertThat(metrics).as("queue depth").contains("imgpipe_gateway_queue_depth");
    }

    @Test
    void metricsCoverTheJvm() {
        String metrics = metrics();

        assertThat(metrics).contains("jvm_memory_used_bytes{area=\"heap\"").contains("jvm_memory_max_bytes")
                .contains("jvm_gc_").contains("jvm_threads_live_threads").contains("process_cpu_usage");
    }

    @Test
    void metricsCoverTheConnectionPools() {
        String metrics = metrics();

        // save2db's and the logger's pools; the gateway's read-only pool needs the same one-argument change in
        // Gateway.java (Database.pool(..., registry)), see docs/reliability.md
        assertThat(metrics).contains("hikaricp_connections_active{pool=\"save2db\"")
                .contains("hikaricp_connections_pending{pool=\"save2db\"")
                .contains("hikaricp_connections_acquire_seconds_count{pool=\"save2db\"")
                .contains("hikaricp_connections_timeout_total{pool=\"logger\"");
    }

    @Test
    void logLinesCarryTheImageIdAndTraceId() {
        List<String> lines = Await.until(Duration.ofSeconds(20), ObservabilityIT::linesAboutTheGoodUpload,
                l -> l.stream().anyMatch(s -> s.contains("event=stored kind=result")));

        assertThat(lines).as("log lines with image_id=" + doneId).isNotEmpty();
        assertThat(lines).anyMatch(s -> s.startsWith("event=accepted"))
                .anyMatch(s -> s.startsWith("event=transformed"))
                .anyMatch(s -> s.startsWith("event=stored kind=original"))
                .anyMatch(s -> s.startsWith("event=stored kind=result"));
        assertThat(lines).allMatch(s -> s.contains("trace_id=" + doneTrace), "every line carries the upload's trace");
    }

    private static List<String> linesAboutTheGoodUpload() {
        List<ILoggingEvent> snapshot;
        synchronized (logs) { // AppenderBase.doAppend appends to the list under the appender's lock
            snapshot = List.copyOf(logs.list);
        }
        return snapshot.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.contains("image_id=" + doneId)).toList();
    }

    private static String metrics() {
        HttpResponse<byte[]> r = http.get("metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        return new String(r.body(), StandardCharsets.UTF_8);
    }
}
