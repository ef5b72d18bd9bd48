package io.imgpipe.launcher.balancer;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgpipe.contract.ImageId;
import io.imgpipe.launcher.Pipeline;
import io.imgpipe.testsupport.Await;
import io.imgpipe.testsupport.Build;
import io.imgpipe.testsupport.Ports;
import io.imgpipe.testsupport.ServiceProcess;
import io.imgpipe.testsupport.ServiceProcess.Launch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The balancer in front of two gateway processes, with the project's own {@code infra/haproxy/haproxy.cfg}: a real
 * HAProxy on loopback, uploads streaming through it, and one gateway SIGKILLed in the middle. The pipeline (embedded
 * broker and database, all workers) runs in this JVM; its in-JVM gateway is not behind the balancer.
 */
class HaproxyFailoverIT {

    private static final int CLIENT_THREADS = 4;
    private static final Duration STREAM_FOR = Duration.ofSeconds(12);
    private static final Duration KILL_AFTER = Duration.ofSeconds(4);
    private static final long PAUSE_BETWEEN_UPLOADS_MS = 40;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Pipeline pipeline;
    private static ServiceProcess gateway1;
    private static ServiceProcess gateway2;
    private static HaproxyProcess haproxy;
    private static HttpClient client;
    private static byte[] jpeg;

    @BeforeAll
    static void startPipelineTwoGatewayProcessesAndHaproxy() throws Exception {
        Optional<Path> binary = HaproxyProcess.binary();
        if (binary.isEmpty()) {
            String why = "haproxy is not installed (Debian package 'haproxy', /usr/sbin/haproxy; .ci/run installs it)";
            if (System.getenv("CI") != null) {
                fail(why + ", and CI is set: the balancer failover test must run here");
            }
            assumeTrue(false, why + ": skipping the balancer failover test");
        }
        Path work = Build.workDir("balancer-it", "failover");
        // fails, saying how to build it, when it is missing
        Path jar = ServiceProcess.privateCopy(Build.requireRunnableJar("rest-gateway"), work);
        jpeg = resource("/images/autumn-400x250.jpg");

        Map<String, String> settings = new HashMap<>();
        settings.put("IMGPIPE_HTTP_PORT", "0");
        settings.put("IMGPIPE_HTTP_HOST", "127.0.0.1");
        settings.put("IMGPIPE_TRANSFORMER_THREADS", "2");
        pipeline = Pipeline.start(settings);

        gateway1 = startGateway("gateway1", jar, work);
        gateway2 = startGateway("gateway2", jar, work);
        gateway1.awaitReady(Duration.ofSeconds(40));
        gateway2.awaitReady(Duration.ofSeconds(40));
        haproxy = HaproxyProcess.start(binary.get(), List.of(gateway1.address(), gateway2.address()), work)
                .awaitAllUp(Duration.ofSeconds(15));
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        System.out.println("[imgpipe-it] balancer " + haproxy.baseUrl() + " -> " + gateway1.address() + ", "
                + gateway2.address() + "; logs in " + work);
    }

    /** A gateway as its own JVM on a free port, joined to the pipeline's broker and database. */
    private static ServiceProcess startGateway(String name, Path jar, Path work) {
        int port = Ports.free();
        Map<String, String> env = new HashMap<>();
        pipeline.settings().forEach((k, v) -> {
            if (k.startsWith("IMGPIPE_")) {
                env.put(k, v);
            }
        });
        env.put("IMGPIPE_HTTP_HOST", "127.0.0.1");
        env.put("IMGPIPE_HTTP_PORT", Integer.toString(port));
        env.put("IMGPIPE_HTTP_THREADS", "32");
        env.put("IMGPIPE_DB_POOL_SIZE", "4");
        Launch launch = Launch.jar(jar).withFlags("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
        return ServiceProcess.start(name, launch, env, port, work);
    }

    @AfterAll
    static void stopEverything() {
        for (AutoCloseable part : new AutoCloseable[] {haproxy, gateway1, gateway2, pipeline}) {
            if (part != null) {
                try {
                    part.close();
                } catch (Exception e) {
                    System.err.println("[imgpipe-it] stopping " + part + ": " + e);
                }
            }
        }
    }

    @Test
    void givenTwoGatewaysBehindHaproxy_whenOneIsKilledWhileUploadsStream_thenNoUploadFailsOnceItIsMarkedDownAndEveryAcceptedOneIsDone()
            throws Exception {
        List<Attempt> attempts = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger inFlight = new AtomicInteger();
        long start = System.nanoTime();
        long stopAt = start + STREAM_FOR.toNanos();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENT_THREADS);
        List<Future<?>> streams = new ArrayList<>();
        for (int t = 0; t < CLIENT_THREADS; t++) {
            streams.add(clients.submit(() -> {
                while (System.nanoTime() < stopAt) {
                    attempts.add(upload(inFlight));
                    Await.pause(PAUSE_BETWEEN_UPLOADS_MS);
                }
                return null;
            }));
        }

        // When: gateway1 is SIGKILLed a few seconds in, while the uploads keep coming.
        Await.pause(KILL_AFTER);
        int inFlightAtKill = inFlight.get();
        long killedAt = System.nanoTime();
        gateway1.kill();
        long goneAt = System.nanoTime();
        long markedDownAt = awaitMarkedDown("gateway1", Duration.ofSeconds(8));
        for (Future<?> stream : streams) {
            stream.get(60, TimeUnit.SECONDS);
        }
        clients.shutdown();

        // Then: count, by when each request started relative to the kill and to HAProxy marking gateway1 DOWN.
        List<Attempt> all = List.copyOf(attempts);
        List<Attempt> accepted = all.stream().filter(Attempt::accepted).toList();
        List<Attempt> failed = all.stream().filter(a -> !a.accepted()).toList();
        long failedBeforeKill = failed.stream().filter(a -> a.endedNanos() < killedAt).count();
        long failedDuringFailover = failed.stream()
                .filter(a -> a.endedNanos() >= killedAt && a.startedNanos() < markedDownAt).count();
        long failedAfterMarkedDown = failed.stream().filter(a -> a.startedNanos() >= markedDownAt).count();
        long acceptedAfterMarkedDown = accepted.stream().filter(a -> a.startedNanos() >= markedDownAt).count();
        // Exposed: in flight at some moment between SIGKILL and the process being gone (its sockets closed).
        long exposed = all.stream().filter(a -> a.startedNanos() < goneAt && a.endedNanos() >= killedAt).count();
        long slowest = all.stream().mapToLong(a -> a.endedNanos() - a.startedNanos()).max().orElse(0);
        List<Attempt> retried = all.stream().filter(Attempt::retried).toList();
        System.out.println(String.format("[imgpipe-it] haproxy failover: %d answers lost with the dying gateway, "
                + "resent with the same Idempotency-Key: %d accepted on the retry", retried.size(),
                retried.stream().filter(Attempt::accepted).count()));
        retried.forEach(a -> System.out.println(String.format("[imgpipe-it]   lost answer: started %+d ms from the "
                + "kill: %s", ms(a.startedNanos() - killedAt), a.firstFailure())));
        System.out.println(String.format("[imgpipe-it] haproxy failover: sent %d, accepted %d, failed %d (during failover), "
                        + "failed after marked down %d; failed before the kill %d; in flight at the kill %d (%d "
                        + "between SIGKILL and the process gone %d ms later); gateway1 marked DOWN %d ms after the "
                        + "kill; accepted after that %d; slowest upload %d ms; haproxy retries %s, redispatches %s",
                all.size(), accepted.size(), failedDuringFailover, failedAfterMarkedDown, failedBeforeKill,
                inFlightAtKill, exposed, ms(goneAt - killedAt), ms(markedDownAt - killedAt),
                acceptedAfterMarkedDown, ms(slowest), haproxy.backendCounter("wretr"),
                haproxy.backendCounter("wredis")));
        failed.forEach(a -> System.out.println(String.format("[imgpipe-it]   failed: started %+d ms, ended %+d ms "
                + "from the kill: %s", ms(a.startedNanos() - killedAt), ms(a.endedNanos() - killedAt), a.failure())));

        assertThat(failedBeforeKill).as("uploads failed before any gateway was killed").isZero();
        assertThat(failedAfterMarkedDown).as("uploads started after HAProxy marked gateway1 DOWN that failed")
                .isZero();
        assertThat(acceptedAfterMarkedDown).as("uploads accepted by gateway2 alone").isPositive();
        // A POST the dead gateway had already received cannot be replayed (it may have been published), so the
        // requests in flight at the kill are the only ones allowed to fail; a new connection to the dead gateway
        // is refused and HAProxy redispatches it (retry-on conn-failure, option redispatch).
        // With the client resending under the same Idempotency-Key, even those end accepted, once: zero failures.
        assertThat(failedDuringFailover).as("uploads failed during the failover (in flight while gateway1 died: %d)",
                exposed).isZero();
        assertThat(accepted.stream().map(Attempt::id).distinct().count()).as("one image per logical upload")
                .isEqualTo(accepted.size());
        assertThat(all).hasSize(accepted.size() + failed.size());

        // And every accepted upload, whichever gateway took it (the killed one included), is done, with its original.
        List<String> problems = verifyAllDone(accepted);
        assertThat(problems).as("accepted uploads that are not done with a byte-exact original").isEmpty();
    }

    @Test
    void givenHaproxyInFrontOfTheGateways_whenTheStatsPageAndMetricsAreAsked_thenTheyAnswer() throws Exception {
        HttpResponse<String> stats = client.send(HttpRequest.newBuilder(haproxy.statsUrl().resolve("/stats"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> metrics = client.send(HttpRequest.newBuilder(haproxy.statsUrl().resolve("/metrics"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> ready = client.send(HttpRequest.newBuilder(haproxy.baseUrl().resolve("/health/ready"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(stats.statusCode()).isEqualTo(200);
        assertThat(stats.body()).contains("gateways", "gateway1", "gateway2");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("haproxy_server_status");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.headers().firstValue("X-Balancer")).hasValue("haproxy-it");
    }

    /**
     * One logical upload, as a careful client makes it: with an {@code Idempotency-Key}, and resent with the same key
     * (at most twice) when the answer was lost with the connection, which cannot create a second image.
     */
    private static Attempt upload(AtomicInteger inFlight) {
        String key = UUID.randomUUID().toString();
        long started = System.nanoTime();
        String firstFailure = null;
        inFlight.incrementAndGet();
        try {
            for (int attempt = 1; ; attempt++) {
                String failure = send(key);
                if (failure == null || failure.startsWith("HTTP 4") || attempt == 3) {
                    String id = failure == null ? expectedId(key) : null;
                    return new Attempt(started, System.nanoTime(), id, failure, firstFailure);
                }
                if (firstFailure == null) {
                    firstFailure = failure;
                }
            }
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** Null when the upload was accepted (202), else why not. */
    private static String send(String key) {
        HttpRequest request = HttpRequest.newBuilder(haproxy.baseUrl().resolve("/image?width=32"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "image/jpeg")
                .header("X-Filename", "autumn-400x250.jpg")
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofByteArray(jpeg)).build();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 202) {
                String id = JSON.readTree(response.body()).path("id").asText("");
                return id.equals(expectedId(key)) ? null : "202 with an unexpected id " + id;
            }
            return "HTTP " + response.statusCode() + " "
                    + response.body().substring(0, Math.min(160, response.body().length()));
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e.toString();
        }
    }

    private static String expectedId(String key) {
        return ImageId.fromIdempotencyKey(key).value();
    }

    /** Polls HAProxy's stats until {@code server} is DOWN; returns when (System.nanoTime()). */
    private static long awaitMarkedDown(String server, Duration patience) {
        boolean down = Await.until(patience, Duration.ofMillis(50),
                () -> haproxy.serverStatus().getOrDefault(server, "").startsWith("DOWN"), d -> d);
        if (down) {
            return System.nanoTime();
        }
        throw new AssertionError("HAProxy did not mark " + server + " DOWN within " + patience + ": "
                + haproxy.serverStatus());
    }

    /** Every accepted id through the balancer: done ({@code ?wait}) and its original byte for byte. */
    private static List<String> verifyAllDone(List<Attempt> accepted) throws Exception {
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
        ExecutorService readers = Executors.newFixedThreadPool(CLIENT_THREADS);
        AtomicLong checked = new AtomicLong();
        List<Future<?>> checks = new ArrayList<>();
        for (Attempt a : accepted) {
            checks.add(readers.submit(() -> {
                String problem;
                try {
                    problem = checkDone(a.id(), deadline);
                } catch (Exception e) {
                    problem = e.toString();
                }
                if (problem != null) {
                    problems.add(a.id() + ": " + problem);
                }
                checked.incrementAndGet();
                return null;
            }));
        }
        for (Future<?> check : checks) {
            check.get(60, TimeUnit.SECONDS);
        }
        readers.shutdown();
        assertThat(checked.get()).isEqualTo(accepted.size());
        return problems;
    }

    private static String checkDone(String id, long deadline) throws Exception {
        if (id == null || !id.matches("[0-9a-f]{32}")) {
            return "no id in the 202 answer";
        }
        if (System.nanoTime() >= deadline) {
            return "result never asked";
        }
        // 404 only while save2db has not stored the original yet (an id another gateway accepted).
        HttpResponse<byte[]> result = Await.until(Duration.ofNanos(deadline - System.nanoTime()),
                Duration.ofMillis(200), () -> get("/image/" + id + "?wait=30"),
                r -> r.statusCode() != 404 && r.statusCode() != 202);
        if (result.statusCode() != 200) {
            return "result " + result.statusCode() + " " + new String(result.body(), StandardCharsets.UTF_8);
        }
        HttpResponse<byte[]> original = get("/image/" + id + "/original");
        if (original.statusCode() != 200 || !Arrays.equals(original.body(), jpeg)) {
            return "original " + original.statusCode() + ", " + original.body().length + " bytes, not the upload";
        }
        return null;
    }

    private static HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
        URI uri = haproxy.baseUrl().resolve(path);
        return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(40)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = HaproxyFailoverIT.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing test resource " + name);
            }
            return in.readAllBytes();
        }
    }

    /** One upload: when it started and ended (System.nanoTime()), the id when accepted, else what went wrong. */
    private record Attempt(long startedNanos, long endedNanos, String id, String failure, String firstFailure) {
        boolean retried() {
            return firstFailure != null;
        }

        boolean accepted() {
            return failure == null;
        }
    }
}
