package io.imgpipe.launcher.fault;

import io.imgpipe.launcher.Fixtures;
import io.imgpipe.launcher.fault.Cluster.Ledger;
import io.imgpipe.testsupport.Await;
import io.imgpipe.testsupport.ServiceProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #6: an accepted upload is never lost, whatever dies. The services run as separate processes on the machine's
 * RabbitMQ (a vhost of their own) and PostgreSQL (a database of their own), two gateways side by side; uploads flow
 * the whole time at four a second. Each scenario hurts one part, then checks PostgreSQL directly: every upload that
 * was answered 2xx has its original and its result or failure, and prints
 * {@code accepted N, stored N, lost 0, duplicates D}. Nobody restarts a service except the one that was killed.
 */
@EnabledIfEnvironmentVariable(named = Cluster.AMQP_ENV, matches = ".+")
@EnabledIfEnvironmentVariable(named = Cluster.JDBC_ENV, matches = ".+")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultToleranceIT {

    private static final Duration READY = Duration.ofSeconds(90);
    private static final Duration SETTLE = Duration.ofSeconds(90);
    private static final int UPLOADS_PER_SECOND = 4;
    private static final Pattern TRACE = Pattern.compile("00-([0-9a-f]{32})-[0-9a-f]{16}-01");

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private static Cluster cluster;
    private static ActivityWatch watch;
    private static ServiceProcess save2db;
    private static ServiceProcess logger;
    private static ServiceProcess transformer;
    private static final ServiceProcess[] gateways = new ServiceProcess[2];
    private static byte[] small;
    private static byte[] slow;
    private static long classStarted;

    @BeforeAll
    static void startServices() throws Exception {
        classStarted = System.nanoTime();
        small = Fixtures.bytes("/images/autumn-400x250.jpg");
        slow = noiseJpeg(1600, 1200);
        cluster = Cluster.create("fault");
        save2db = cluster.startWorker("save2db", Map.of("IMGPIPE_SAVE2DB_THREADS", "2"));
        logger = cluster.startWorker("logger", Map.of());
        transformer = startTransformer();
        gateways[0] = cluster.startGateway(Map.of());
        gateways[1] = cluster.startGateway(Map.of());
        for (ServiceProcess p : List.of(save2db, logger, transformer, gateways[0], gateways[1])) {
            p.awaitReady(READY);
        }
        watch = new ActivityWatch(cluster.amqpUri());
        System.out.printf("[fault] services up in %.1f s%n", seconds(classStarted));
    }

    @AfterAll
    static void stopServices() throws Exception {
        // whatever happened, leave the machine's infrastructure running
        Cluster.ensurePostgres();
        try {
            Cluster.startRabbit();
        } catch (RuntimeException e) {
            // already running
        }
        if (watch != null) {
            watch.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        System.out.printf("[fault] FaultToleranceIT took %.1f s%n", seconds(classStarted));
    }

    @Test
    @Order(1)
    @Timeout(120)
    void workersServeHealthAndMetricsOnTheirAdminPortsAndLogStructuredLines() throws Exception {
        HttpResponse<String> done = upload(gateways[0], small, "width=50", "wait=30");
        assertThat(done.statusCode()).as(done.body()).isEqualTo(201);
        String id = done.headers().firstValue("Location").orElseThrow().replace("/image/", "");
        Matcher trace = TRACE.matcher(done.headers().firstValue("traceparent").orElseThrow());
        assertThat(trace.matches()).isTrue();

        for (ServiceProcess worker : List.of(transformer, save2db, logger)) {
            assertThat(worker.get("/health/live").statusCode()).as(worker.name()).isEqualTo(200);
            assertThat(worker.get("/health/ready").statusCode()).as(worker.name()).isEqualTo(200);
            assertThat(worker.get("/metrics").body()).as(worker.name()).contains("jvm_memory_used_bytes");
        }
        assertThat(transformer.get("/metrics").body()).contains("imgpipe_transformer_transform_seconds_bucket")
                .contains("imgpipe_transformer_queued_seconds_bucket")
                .contains("imgpipe_transformer_jobs_total{outcome=\"done\",reason=\"none\"");
        assertThat(save2db.get("/metrics").body()).contains("imgpipe_save2db_store_seconds")
                .contains("imgpipe_save2db_messages_total");
        assertThat(logger.get("/metrics").body()).contains("imgpipe_logger_events_total");
        // every service that touched the image says so in a key=value line with the image and its trace
        for (ServiceProcess p : List.of(gateways[0], transformer, save2db)) {
            String line = logLine(p, "image_id=" + id, Duration.ofSeconds(20));
            assertThat(line).as(p.name()).contains("trace_id=" + trace.group(1)).startsWith("ts=").contains("level=");
        }
        logLine(logger, "image_id=" + id, Duration.ofSeconds(20));
    }

    @Test
    @Order(2)
    @Timeout(240)
    void transformerKilledMidJobThenReplaced() throws Exception {
        scenario("transformer SIGKILL mid-job", load -> {
            HttpResponse<String> r = upload(gateways[0], slow, "width=1600&blur=40", null);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            String id = idOf(r);
            load.accepted(id);
            watch.await("transformer started " + id, ActivityWatch.is(id, "transformer", "started"),
                    Duration.ofSeconds(60));
            transformer.kill();
            Await.pause(1_000);
            transformer = startTransformer().awaitReady(READY);
            watch.await("transformer finished " + id, e -> id.equals(e.imageId()) && e.service().equals("transformer")
                    && (e.event().equals("done") || e.event().equals("failed")), Duration.ofSeconds(120));
        });
    }

    @Test
    @Order(3)
    @Timeout(240)
    void save2dbKilledThenRestarted() throws Exception {
        scenario("save2db SIGKILL", load -> {
            save2db.kill();
            Await.pause(4_000);
            save2db = cluster.startWorker("save2db", Map.of("IMGPIPE_SAVE2DB_THREADS", "2")).awaitReady(READY);
        });
    }

    @Test
    @Order(4)
    @Timeout(240)
    void loggerKilledThenRestarted() throws Exception {
        Ledger ledger = scenario("logger SIGKILL", load -> {
            logger.kill();
            Await.pause(4_000);
            logger = cluster.startWorker("logger", Map.of()).awaitReady(READY);
        });
        assertThat(ledger.missingEvents()).as("gateway.accepted events the logger never kept").isZero();
    }

    @Test
    @Order(5)
    @Timeout(240)
    void gatewayKilledWhileUploadsAreInFlight() throws Exception {
        scenario("gateway SIGKILL", load -> {
            ServiceProcess victim = gateways[1];
            victim.kill();
            // a balancer notices a dead backend after its health check interval: until then clients hit it
            Await.pause(2_000);
            synchronized (gateways) {
                gateways[1] = null;
            }
            ServiceProcess replacement = cluster.startGateway(Map.of()).awaitReady(READY);
            synchronized (gateways) {
                gateways[1] = replacement;
            }
        });
    }

    @Test
    @Order(6)
    @Timeout(240)
    void postgresStoppedForTenSeconds() throws Exception {
        List<Long> pids = pids();
        scenario("PostgreSQL stopped 10 s", load -> {
            Cluster.stopPostgres();
            try {
                Await.pause(10_000);
            } finally {
                Cluster.startPostgres();
            }
            awaitAllReady();
        });
        assertThat(pids()).as("no service was restarted").isEqualTo(pids);
    }

    @Test
    @Order(7)
    @Timeout(240)
    void rabbitmqRestarted() throws Exception {
        List<Long> pids = pids();
        scenario("RabbitMQ stop_app/start_app", load -> {
            Cluster.stopRabbit();
            try {
                Await.pause(5_000);
            } finally {
                Cluster.startRabbit();
            }
            awaitAllReady();
        });
        assertThat(pids()).as("no service was restarted").isEqualTo(pids);
    }

    // ------------------------------------------------------------------------------------------------ scenarios

    interface Fault {
        void inflict(UploadLoad load) throws Exception;
    }

    /**
     * Uploads flow for the whole scenario; the fault strikes after three seconds, the load goes on three more after
     * recovery. Then the ledger: every accepted upload must be in PostgreSQL, and a fresh upload must come back
     * transformed through the recovered pipeline.
     */
    private static Ledger scenario(String name, Fault fault) throws Exception {
        long t0 = System.nanoTime();
        UploadLoad load = new UploadLoad(FaultToleranceIT::liveGateways, small, "width=64&format=png")
                .start(UPLOADS_PER_SECOND);
        try {
            Await.pause(3_000);
            fault.inflict(load);
            Await.pause(3_000);
        } finally {
            load.stop();
        }
        HttpResponse<String> after = Await.until(Duration.ofSeconds(60), Duration.ofMillis(500),
                () -> answerOrNull(() -> upload(gateways[0], small, "width=32", "wait=30")),
                r -> r != null && r.statusCode() == 201);
        assertThat(after).as(name + ": nothing answered within 60 s after recovery").isNotNull();
        assertThat(after.statusCode()).as(name + ": an upload after recovery: " + after.body()).isEqualTo(201);
        load.accepted(idOf(after));

        Ledger ledger = cluster.settle(load.acceptedIds(), SETTLE);
        System.out.printf("[fault] %-30s sent %d, not accepted %s -> %s [%.1f s]%n", name, load.sent(),
                load.refusedByReason(), ledger.line(), seconds(t0));
        assertThat(ledger.accepted()).as(name + ": uploads accepted").isGreaterThan(UPLOADS_PER_SECOND * 3);
        assertThat(ledger.lost()).as(name + ": accepted uploads missing from PostgreSQL").isEmpty();
        return ledger;
    }

    private static List<URI> liveGateways() {
        List<URI> urls = new ArrayList<>();
        synchronized (gateways) {
            for (ServiceProcess g : gateways) {
                if (g != null) {
                    urls.add(g.url("/"));
                }
            }
        }
        return urls;
    }

    private static ServiceProcess startTransformer() {
        return cluster.startWorker("transformer", Map.of("IMGPIPE_TRANSFORMER_THREADS", "2"));
    }

    /** Every service reports ready again by itself (they reconnect; nobody restarts them). */
    private static void awaitAllReady() {
        for (ServiceProcess p : List.of(save2db, logger, transformer, gateways[0], gateways[1])) {
            p.awaitReady(READY);
        }
    }

    private static List<Long> pids() {
        return List.of(save2db.pid(), logger.pid(), transformer.pid(), gateways[0].pid(), gateways[1].pid());
    }

    static HttpResponse<String> upload(ServiceProcess gateway, byte[] image, String query, String wait) {
        HttpRequest.Builder b = HttpRequest.newBuilder(gateway.url("/image?" + query)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "image/jpeg").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(image));
        if (wait != null) {
            b.header("Prefer", wait);
        }
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String idOf(HttpResponse<String> r) {
        return r.headers().firstValue("Location").orElseThrow().replace("/image/", "");
    }

    /** A JPEG of noise: big enough (and incompressible enough) that a blur on it keeps a transformer busy. */
    static byte[] noiseJpeg(int width, int height) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(6);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpg", out);
        return out.toByteArray();
    }

    static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    /** The first line of {@code p}'s log containing {@code needle}; fails with the log's end after {@code patience}. */
    private static String logLine(ServiceProcess p, String needle, Duration patience) {
        return Await.found("line with " + needle + " in " + p.name() + "'s log", patience, Duration.ofMillis(200),
                () -> p.logText().lines().filter(line -> line.contains(needle)).findFirst(),
                () -> ":\n" + p.tail(20));
    }

    /** What {@code request} answered; null while nothing answers (the gateway is still reconnecting). */
    private static <T> T answerOrNull(Supplier<T> request) {
        try {
            return request.get();
        } catch (RuntimeException e) {
            return null;
        }
    }
}
