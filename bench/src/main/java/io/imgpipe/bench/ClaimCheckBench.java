package io.imgpipe.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.imgpipe.contract.Topology;
import io.imgpipe.launcher.Pipeline;
import io.imgpipe.runtime.Env;
import io.imgpipe.testsupport.S3TestServer;

import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issue 17: inline bytes vs claim check, same images, same run. For each mode a fresh one-JVM pipeline (embedded
 * broker and database; with the claim check also an in-process S3 server) takes a closed-loop load of uploads
 * (POST, then GET ?wait until stored) and a tap queue on the images exchange counts the bytes every message
 * published there carries (body + header values). Delivered bytes count each message once per queue it is routed
 * to: an upload goes to the transformer and save2db queues, a result to save2db.
 *
 * <pre>java -cp bench.jar io.imgpipe.bench.ClaimCheckBench [CORPUS_DIR]</pre>
 * Settings: IMGPIPE_BENCH_WINDOW_SECONDS (default 30), IMGPIPE_BENCH_CONCURRENCY (default 2 × cores),
 * IMGPIPE_BENCH_ROUNDS (default 2: inline, claim check, inline, claim check, ...).
 */
public final class ClaimCheckBench {

    private record Result(String mode, Throughput throughput, double publishedPerImage, double deliveredPerImage,
                          double uploadBytesPerImage) {
    }

    public static void main(String[] args) throws Exception {
        Path repo = Path.of("").toAbsolutePath();
        Path corpus = args.length > 0 ? Path.of(args[0]) : repo.resolve("../shared/corpus").normalize();
        List<Image> images = Image.jpegsIn(corpus);
        Map<String, String> env = System.getenv();
        Duration window = Duration.ofSeconds(Long.parseLong(env.getOrDefault("IMGPIPE_BENCH_WINDOW_SECONDS", "30")));
        int cores = Runtime.getRuntime().availableProcessors();
        int concurrency = Integer.parseInt(env.getOrDefault("IMGPIPE_BENCH_CONCURRENCY", Integer.toString(2 * cores)));
        int rounds = Integer.parseInt(env.getOrDefault("IMGPIPE_BENCH_ROUNDS", "2"));
        long corpusBytes = images.stream().mapToLong(i -> i.bytes().length).sum();

        ExecutorService callbacks = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "bench-http");
            t.setDaemon(true);
            return t;
        });
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).executor(callbacks).build();
        List<Result> results = new ArrayList<>();
        try (S3TestServer s3 = S3TestServer.start()) {
            for (int round = 0; round < rounds; round++) {
                for (boolean claimCheck : new boolean[]{false, true}) {
                    results.add(measure(claimCheck, s3, images, client, callbacks, window, concurrency));
                }
            }
        }

        StringBuilder md = new StringBuilder();
        md.append("date: ").append(ZonedDateTime.now(ZoneOffset.UTC)).append("\n");
        md.append("command: `bench/claim-check-bench.sh ").append(String.join(" ", args)).append("` (window ")
                .append(window.toSeconds()).append(" s, concurrency ").append(concurrency).append(", ").append(cores)
                .append(" cores)\n");
        md.append(String.format(Locale.ROOT, "images: %d JPEGs from %s (%.1f MB, mean %.0f KB); options `%s`;"
                        + " claim-check threshold 64 KiB (IMGPIPE_BLOB_INLINE_MAX_BYTES)%n%n", images.size(), corpus,
                corpusBytes / 1e6, corpusBytes / 1e3 / images.size(), BenchSettings.OPTIONS));
        md.append("| mode | images/s (POST → stored) | p50 / p90 / p99 / max | broker bytes published per image"
                + " | broker bytes delivered per image | upload bytes per image |\n|---|---|---|---|---|---|\n");
        for (Result r : results) {
            md.append(String.format(Locale.ROOT, "| %s | %s (%s) | %s | %.0f | %.0f | %.0f |%n", r.mode(),
                    r.throughput().rate(), r.throughput().counts(), r.throughput().latencies().summary(),
                    r.publishedPerImage(), r.deliveredPerImage(), r.uploadBytesPerImage()));
        }
        System.out.println(md);
        Path out = repo.resolve("bench/target/claim-check-bench.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, md.toString());
        System.out.println("[bench] report written to " + out);
        System.exit(0);
    }

    private static Result measure(boolean claimCheck, S3TestServer s3, List<Image> images, HttpClient client,
                                  ExecutorService callbacks, Duration window, int concurrency) throws Exception {
        Map<String, String> settings = new HashMap<>(Map.of("IMGPIPE_HTTP_PORT", "0", "IMGPIPE_HTTP_HOST", "127.0.0.1",
                "IMGPIPE_MAX_UPLOAD_BYTES", Long.toString(64L << 20)));
        if (claimCheck) {
            settings.putAll(Map.of("IMGPIPE_BLOB_STORE", "s3", "IMGPIPE_S3_ENDPOINT", s3.endpoint().toString(),
                    "IMGPIPE_S3_BUCKET", "bench-" + System.nanoTime(), "IMGPIPE_S3_ACCESS_KEY", S3TestServer.ACCESS_KEY,
                    "IMGPIPE_S3_SECRET_KEY", S3TestServer.SECRET_KEY, "IMGPIPE_BLOB_INLINE_MAX_BYTES", "65536"));
        }
        String mode = claimCheck ? "claim check (S3Proxy)" : "inline bytes (PostgreSQL bytea)";
        System.out.println("[bench] " + mode + ": starting");
        try (Pipeline pipeline = Pipeline.start(settings);
             Tap tap = new Tap(pipeline.settings().get(Env.AMQP_URI))) {
            HttpLoad load = new HttpLoad(client, pipeline.baseUrl(), BenchSettings.OPTIONS, callbacks);
            load.run(HttpLoad.Mode.FIRE_THEN_GET, concurrency, images, Duration.ofSeconds(10), images.size());
            Thread.sleep(2_000); // let save2db finish the warm-up's last messages before counting
            tap.reset();
            Throughput t = load.run(HttpLoad.Mode.FIRE_THEN_GET, concurrency, images, window, 100_000);
            Thread.sleep(2_000);
            double n = Math.max(1, tap.uploads.get());
            double published = (tap.uploadBytes.get() + tap.resultBytes.get()) / n;
            double delivered = (2.0 * tap.uploadBytes.get() + tap.resultBytes.get()) / n;
            System.out.printf(Locale.ROOT, "[bench] %s: %s images/s, %.0f bytes published per image%n", mode, t.rate(),
                    published);
            return new Result(mode, t, published, delivered, tap.uploadBytes.get() / n);
        }
    }

    /** An exclusive queue bound to every routing key of the images exchange, counting what passes. */
    private static final class Tap implements AutoCloseable {

        private final Connection connection;
        final AtomicLong uploads = new AtomicLong();
        final AtomicLong uploadBytes = new AtomicLong();
        final AtomicLong resultBytes = new AtomicLong();

        Tap(String amqpUri) throws Exception {
            ConnectionFactory factory = new ConnectionFactory();
            factory.setUri(amqpUri);
            connection = factory.newConnection("imgpipe-bench-tap");
            Channel channel = connection.createChannel();
            String queue = channel.queueDeclare().getQueue();
            channel.queueBind(queue, Topology.IMAGES_EXCHANGE, "#");
            channel.basicConsume(queue, true, new DefaultConsumer(channel) {
                @Override
                public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
                    long size = body.length + headerBytes(props);
                    String key = envelope.getRoutingKey();
                    if (key.startsWith(Topology.SUBMITTED_PREFIX)) {
                        uploads.incrementAndGet();
                        uploadBytes.addAndGet(size);
                    } else if (key.startsWith(Topology.TRANSFORMED_PREFIX)) {
                        resultBytes.addAndGet(size);
                    }
                }
            });
        }

        private static long headerBytes(AMQP.BasicProperties props) {
            long n = 0;
            if (props.getHeaders() != null) {
                for (var e : props.getHeaders().entrySet()) {
                    n += e.getKey().length() + String.valueOf(e.getValue()).getBytes(StandardCharsets.UTF_8).length;
                }
            }
            return n;
        }

        void reset() {
            uploads.set(0);
            uploadBytes.set(0);
            resultBytes.set(0);
        }

        @Override
        public void close() throws Exception {
            connection.close(5_000);
        }
    }
}
