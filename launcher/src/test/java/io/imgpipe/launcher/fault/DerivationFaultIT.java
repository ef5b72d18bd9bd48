package io.imgpipe.launcher.fault;

import io.imgpipe.contract.ActivityEvent;
import io.imgpipe.testsupport.ServiceProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13: a derivation that was accepted is finished or failed, never forgotten. The services run as separate
 * processes on the machine's RabbitMQ and PostgreSQL (like {@link FaultToleranceIT}); the transformer is SIGKILLed
 * while it derives a new variant from the kept original, a new one is started, and the variant is served: the job
 * save2db published was persistent and unacknowledged, so the broker gave it to the new transformer. Exactly one job
 * was started for the variant, the kill notwithstanding.
 */
@EnabledIfEnvironmentVariable(named = Cluster.AMQP_ENV, matches = ".+")
@EnabledIfEnvironmentVariable(named = Cluster.JDBC_ENV, matches = ".+")
class DerivationFaultIT {

    private static final Duration READY = Duration.ofSeconds(90);
    /** A preset slow enough on a noisy 1600×1200 JPEG for the kill to land inside the transform. */
    private static final String PRESETS = "slowblur:width=1600&blur=40";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    private static Cluster cluster;
    private static ActivityWatch watch;
    private static ServiceProcess gateway;
    private static ServiceProcess transformer;

    @BeforeAll
    static void startServices() throws Exception {
        cluster = Cluster.create("derive");
        ServiceProcess save2db = cluster.startWorker("save2db", Map.of());
        ServiceProcess logger = cluster.startWorker("logger", Map.of());
        transformer = cluster.startWorker("transformer", Map.of("IMGPIPE_TRANSFORMER_THREADS", "1"));
        gateway = cluster.startGateway(Map.of("IMGPIPE_PRESETS", PRESETS));
        for (ServiceProcess p : List.of(save2db, logger, transformer, gateway)) {
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
    }

    @Test
    @Timeout(240)
    void givenATransformerKilledWhileDerivingAVariant_whenAnotherStarts_thenTheVariantIsServed() throws Exception {
        HttpResponse<String> uploaded = send(HttpRequest.newBuilder(gateway.url("/image?variants=thumbnail"))
                .header("Content-Type", "image/jpeg").header("Prefer", "wait=60")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(FaultToleranceIT.noiseJpeg(1600, 1200))));
        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(201);
        String id = uploaded.headers().firstValue("Location").orElseThrow().replace("/image/", "");

        HttpResponse<String> accepted = get("/image/" + id + "/variants/slowblur?wait=0");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        Predicate<ActivityEvent> deriving = ActivityWatch.is(id, "transformer", "started")
                .and(e -> String.valueOf(e.detail().get("variants")).contains("slowblur"));
        watch.await("transformer started deriving slowblur of " + id, deriving, Duration.ofSeconds(60));
        transformer.kill();
        transformer = cluster.startWorker("transformer", Map.of("IMGPIPE_TRANSFORMER_THREADS", "1"))
                .awaitReady(READY);

        HttpResponse<String> served = get("/image/" + id + "/variants/slowblur?wait=60");

        assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
        assertThat(served.headers().firstValue("Content-Type")).hasValue("image/jpeg");
        assertThat(watch.seen(ActivityWatch.is(id, "save2db", "derive")
                .and(e -> "started".equals(e.detail().get("outcome"))))).as("jobs started").hasSize(1);
        assertThat(watch.seen(deriving).size()).as("the job ran again after the kill").isGreaterThanOrEqualTo(2);
    }

    private static HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(gateway.url(path)).timeout(Duration.ofSeconds(90))
                .header("Accept", "application/json").GET());
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(90)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
