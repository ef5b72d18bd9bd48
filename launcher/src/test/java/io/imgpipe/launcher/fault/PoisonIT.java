package io.imgpipe.launcher.fault;

import io.imgpipe.launcher.Fixtures;
import io.imgpipe.contract.ActivityEvent;
import io.imgpipe.testsupport.ServiceProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #6: a job whose transformer keeps dying is retried a bounded number of times ({@code IMGPIPE_MAX_ATTEMPTS})
 * and then recorded {@code failed} with reason {@code poison}; it does not loop forever, and the worker that finally
 * sees it stays healthy. No test hook in production code: the worker is killed with SIGKILL each time it has started
 * on one slow image (a large allowed image with {@code blur=100}), as a real crashing decoder would kill it.
 */
@EnabledIfEnvironmentVariable(named = Cluster.AMQP_ENV, matches = ".+")
@EnabledIfEnvironmentVariable(named = Cluster.JDBC_ENV, matches = ".+")
class PoisonIT {

    private static final int MAX_ATTEMPTS = 3;
    private static final Duration READY = Duration.ofSeconds(90);
    private static final Map<String, String> TRANSFORMER = Map.of("IMGPIPE_TRANSFORMER_THREADS", "1",
            "IMGPIPE_MAX_ATTEMPTS", Integer.toString(MAX_ATTEMPTS));

    private static Cluster cluster;
    private static ActivityWatch watch;
    private static ServiceProcess gateway;
    private static long started;

    @BeforeAll
    static void startServices() throws Exception {
        started = System.nanoTime();
        cluster = Cluster.create("poison");
        List<ServiceProcess> all = List.of(cluster.startWorker("save2db", Map.of()), cluster.startWorker("logger", Map.of()),
                gateway = cluster.startGateway(Map.of()));
        for (ServiceProcess p : all) {
            p.awaitReady(READY);
        }
        watch = new ActivityWatch(cluster.amqpUri());
    }

    @AfterAll
    static void stopServices() throws Exception {
        if (watch != null) {
            watch.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        System.out.printf("[poison] PoisonIT took %.1f s%n", FaultToleranceIT.seconds(started));
    }

    @Test
    @Timeout(300)
    void jobThatKeepsKillingItsWorkerIsRecordedFailedAsPoisonAfterMaxAttempts() throws Exception {
        byte[] slow = FaultToleranceIT.noiseJpeg(1600, 1200);
        HttpResponse<String> accepted = FaultToleranceIT.upload(gateway, slow, "width=1600&blur=100", null);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String id = FaultToleranceIT.idOf(accepted);

        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            ServiceProcess transformer = cluster.startWorker("transformer", TRANSFORMER);
            int expected = attempt;
            ActivityEvent start = watch.await("attempt " + attempt + " of " + id,
                    e -> ActivityWatch.is(id, "transformer", "started").test(e)
                            && Integer.valueOf(expected).equals(e.detail().get("attempt")), Duration.ofSeconds(90));
            transformer.kill();
            System.out.printf("[poison] attempt %d started at %d, transformer pid %d killed%n", attempt, start.at(),
                    transformer.pid());
        }
        ServiceProcess survivor = cluster.startWorker("transformer", TRANSFORMER).awaitReady(READY);

        HttpResponse<String> outcome = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                gateway.url("/image/" + id + "?wait=60")).timeout(Duration.ofSeconds(90)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(outcome.statusCode()).as(outcome.body()).isEqualTo(422);
        assertThat(outcome.body()).contains("\"error\":\"poison\"").contains("\"status\":\"failed\"");
        assertThat(cluster.failureReason(id)).isEqualTo("poison");
        int starts = cluster.count("SELECT count(*) FROM activity_events WHERE service = 'transformer' "
                + "AND event = 'started' AND image_id = ANY(?)", List.of(id));
        System.out.println("[poison] " + id + " -> " + outcome.statusCode() + " " + outcome.body());
        System.out.println("[poison] transformer starts on it: " + starts + ", max attempts " + MAX_ATTEMPTS);
        assertThat(starts).isEqualTo(MAX_ATTEMPTS);

        // the worker that recorded the poison is healthy and keeps working
        HttpResponse<String> normal = FaultToleranceIT.upload(gateway, Fixtures.bytes("/images/autumn-400x250.jpg"),
                "width=40", "wait=30");
        assertThat(normal.statusCode()).as(normal.body()).isEqualTo(201);
        assertThat(survivor.isAlive()).isTrue();
        assertThat(survivor.get("/metrics").body())
                .contains("imgpipe_transformer_jobs_total{outcome=\"failed\",reason=\"poison\"");
    }
}
