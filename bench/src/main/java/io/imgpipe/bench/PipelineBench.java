package io.imgpipe.bench;

import io.imgpipe.contract.Topology;
import io.imgpipe.contract.options.OptionsParser;
import io.imgpipe.launcher.Pipeline;
import io.imgpipe.runtime.Env;
import io.imgpipe.runtime.ServiceRuntime;
import io.imgpipe.testsupport.ThrowawayDatabase;
import io.imgpipe.transformer.Transformer;
import io.imgpipe.transformer.TransformerSettings;
import io.imgpipe.transformer.engine.EngineLimits;
import io.imgpipe.transformer.engine.ImageEngine;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;

/**
 * The whole-pipeline benchmark (issue #7): on the same images and options, in one run, the bare engine's ceiling,
 * the pipeline end to end and its ratio to the ceiling, latencies at light load and near saturation, ingest alone,
 * and 1 against 2 transformer processes. Embedded broker and database by default; the machine's RabbitMQ and
 * PostgreSQL with {@code --external}. Exits 1 when a phase processed nothing (and, with {@code --smoke}, when any
 * upload failed): CI calls {@code bench/pipeline-bench.sh --smoke} to check that the pipeline works.
 */
public final class PipelineBench {

    private static final String[] QUEUES = {Topology.TRANSFORMER_QUEUE, Topology.SAVE2DB_QUEUE, Topology.LOGGER_QUEUE};

    private final BenchSettings settings;
    private final String command;
    private final Report report = new Report();
    private final List<String> problems = new ArrayList<>();
    private final ExecutorService callbacks;
    private final HttpClient client;
    private final long started = System.nanoTime();
    /** The {@code Prefer: wait} run near saturation, for its ratio to the ceiling. */
    private Throughput loadedWait;
    /** The embedded database's directory, fresh for each run and deleted after it. */
    private Path dataDir;

    private PipelineBench(BenchSettings settings, String command) {
        this.settings = settings;
        this.command = command;
        AtomicInteger n = new AtomicInteger();
        this.callbacks = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "bench-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).executor(callbacks).build();
    }

    public static void main(String[] args) {
        int status;
        try {
            BenchSettings settings = BenchSettings.parse(args, System.getenv());
            String command = System.getProperty("imgpipe.bench.command", "PipelineBench " + String.join(" ", args));
            status = new PipelineBench(settings, command).run();
        } catch (Exception e) {
            System.err.println("[bench] FAILED: " + e);
            e.printStackTrace();
            status = 2;
        }
        System.exit(status);
    }

    private int run() throws Exception {
        if (!Files.isRegularFile(settings.transformerJar())) {
            throw new IllegalArgumentException("transformer jar " + settings.transformerJar() + " not found (build it:"
                    + " ./mvnw -B -q -o package -DskipTests -pl bench -am)");
        }
        int cores = settings.cores();
        List<Image> images = settings.smoke()
                ? BenchSettings.SMOKE_IMAGES.stream().map(p -> Image.read(settings.repo().resolve(p))).toList()
                : Image.jpegsIn(settings.corpus());
        Image small = Image.smallest(images);
        EngineRun engine = new EngineRun(new ImageEngine(EngineLimits.defaults()),
                OptionsParser.withPresets(null).parse(BenchSettings.OPTIONS));
        engine.check(images);

        long corpusBytes = images.stream().mapToLong(i -> i.bytes().length).sum();
        report.header("date: " + ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        report.header("command: `" + command + "`");
        report.header("machine: " + cores + " cores, " + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vendor") + "), "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", max heap "
                + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB; load at start " + Report.load());
        report.header("infrastructure: " + settings.infrastructure() + (settings.smoke() ? " (smoke)" : ""));
        report.header("images: " + images.size() + " JPEGs from " + (settings.smoke() ? "test resources"
                : settings.corpus().toString()) + String.format(Locale.ROOT, " (%.1f MB)", corpusBytes / 1e6)
                + "; small image for light load and ingest: " + small.name() + " (" + small.bytes().length + " bytes)");
        report.header("options: `" + BenchSettings.OPTIONS + "`; load generator: JDK HttpClient (sendAsync, HTTP/1.1,"
                + " loopback) in the same JVM as the pipeline");

        ThrowawayDatabase database = null;
        try {
            if (settings.external()) {
                database = ThrowawayDatabase.create(settings.jdbcAdmin(), settings.dbUser(), settings.dbPassword(),
                        "imgpipe_bench_");
            }
            measure(database, engine, images, small);
        } finally {
            if (database != null) {
                database.close();
            }
        }

        report.add("Peak resident memory of this JVM (pipeline, load generator and bare-engine runs)",
                Report.peakResidentMiB() + " MiB", "VmHWM; target ≤ 1536 MiB for the one JVM with the defaults");
        report.header(String.format(Locale.ROOT, "load at end %s; run took %.0f s", Report.load(),
                (System.nanoTime() - started) / 1e9));
        report.print(System.out);
        Path file = settings.out().resolve("pipeline-bench-" + settings.infrastructure()
                + (settings.smoke() ? "-smoke" : "") + ".md");
        report.write(file);
        System.out.println("[bench] report written to " + file);
        if (!problems.isEmpty()) {
            problems.forEach(p -> System.err.println("[bench] PROBLEM: " + p));
            return 1;
        }
        System.out.println("[bench] OK: the pipeline processed the images in every phase");
        return 0;
    }

    /**
     * One pipeline (gateway, save2db, logger in this JVM) for every phase: first with a transformer in this JVM (as
     * {@link Pipeline} runs it by default), then with none (ingest), then with 1 and 2 transformer processes.
     */
    private void measure(ThrowawayDatabase database, EngineRun engine, List<Image> images, Image small)
            throws Exception {
        BenchSettings.Budget b = settings.budget();
        int cores = settings.cores();
        int loaded = 2 * cores;
        List<Image> smallOnly = List.of(small);
        Files.createDirectories(settings.out());
        dataDir = Files.createTempDirectory(settings.out(), "pipeline-bench-data-");
        try (Pipeline pipeline = Pipeline.start(pipelineSettings(database));
             BrokerProbe probe = new BrokerProbe(pipeline.settings().get(Env.AMQP_URI));
             TransformerProcesses processes = new TransformerProcesses(settings.transformerJar(),
                     pipeline.settings().get(Env.AMQP_URI), settings.out())) {
            Thread stop = stopOnExit(() -> {
                processes.close();
                pipeline.close();
            });
            int others = checkAlone(probe);
            phase("pipeline started (" + pipeline.infrastructure() + ")");
            HttpLoad load = new HttpLoad(client, pipeline.baseUrl(), BenchSettings.OPTIONS, callbacks);

            engine.throughput(images, cores, b.engineWarmup(), b.engineMax());
            Throughput ceiling = engine.throughput(images, cores, b.engineWindow(), b.engineMax());
            expect("engine ceiling", ceiling);
            report.add("Engine ceiling: bare engine in-process, " + cores + " threads", ceiling.rate() + " images/s",
                    ceiling.counts());
            Latencies single = engine.sequential(small, b.engineSingle(), b.engineSingle());
            report.add("Engine transform of the small image, 1 thread (p50/p90/p99/max)", single.summary(),
                    single.count() + " transforms");
            phase("engine measured");

            Map<String, String> workerSettings = new HashMap<>(pipeline.settings());
            workerSettings.put(Env.ADMIN_PORT, "-1");
            workerSettings.put("IMGPIPE_TRANSFORMER_THREADS", Integer.toString(cores));
            PrometheusMeterRegistry transformerMetrics = ServiceRuntime.newRegistry();
            try (Transformer inProcess = Transformer.start(
                    TransformerSettings.fromEnv(new Env(workerSettings)), transformerMetrics)) {
                awaitConsumers(probe, c -> c >= others + 1, "the in-process transformer");
                StageTimers timers = new StageTimers(client, pipeline.baseUrl(), transformerMetrics::scrape);
                Throughput endToEnd = inProcess(load, timers, probe, images, smallOnly, single);
                double bulk = bulkUpload(pipeline, images);
                // The machine may be shared and its load drift: measure the ceiling again right after the pipeline
                // and compare with the mean of both.
                Throughput after = engine.throughput(images, cores, b.engineWindow(), b.engineMax());
                expect("engine ceiling (after)", after);
                report.add("Engine ceiling again, after the pipeline runs", after.rate() + " images/s", after.counts());
                double ceilingRate = (ceiling.perSecond() + after.perSecond()) / 2;
                double ratio = ceilingRate > 0 ? endToEnd.perSecond() / ceilingRate : 0;
                double target = settings.external() ? 0.85 : 0.8;
                report.add("Pipeline / engine ceiling (mean of before and after)",
                        String.format(Locale.ROOT, "%.2f", ratio), "target ≥ " + target + ": "
                                + (ratio >= target ? "met" : "MISSED"));
                double bulkRatio = ceilingRate > 0 ? bulk / ceilingRate : 0;
                report.add("`bin/bulk-upload` of a folder / engine ceiling", String.format(Locale.ROOT, "%.2f", bulkRatio),
                        String.format(Locale.ROOT, "%.2f images/s, first upload to last result stored; target ≥ %s: %s",
                                bulk, target, bulkRatio >= target ? "met" : "MISSED"));
                double waitRatio = ceilingRate > 0 ? loadedWait.perSecond() / ceilingRate : 0;
                report.add("Pipeline with `Prefer: wait` / engine ceiling", String.format(Locale.ROOT, "%.2f", waitRatio),
                        "clients as curl: `Expect: 100-continue` over 1 MiB; target ≥ " + target + ": "
                                + (waitRatio >= target ? "met" : "MISSED"));
            }
            awaitConsumers(probe, c -> c <= others, "the in-process transformer to stop");
            phase("in-process transformer stopped");

            load.run(HttpLoad.Mode.ACCEPT, b.ingestLanes(), smallOnly, b.ingestWindow().dividedBy(5), b.ingestMax() / 5);
            Throughput ingest = load.run(HttpLoad.Mode.ACCEPT, b.ingestLanes(), smallOnly, b.ingestWindow(), b.ingestMax());
            expect("ingest", ingest);
            report.add("Ingest alone: small images accepted (202 after publisher confirm), concurrency "
                    + b.ingestLanes() + ", no transformer", ingest.rate() + " images/s", ingest.counts()
                    + "; accept p50/p90/p99/max " + ingest.latencies().summary());
            // The jobs of the ingest phase have no transformer: drop them so the scaling runs start from empty.
            if (!probe.awaitEmpty(b.drainPatience(), Topology.SAVE2DB_QUEUE, Topology.LOGGER_QUEUE)) {
                report.note("save2db/logger had not caught up with the ingest " + b.drainPatience().toSeconds()
                        + " s later");
            }
            if (others == 0) {
                probe.purge(Topology.TRANSFORMER_QUEUE);
            }
            phase("ingest measured");

            Throughput[] byCount = new Throughput[3];
            for (int n = 1; n <= 2; n++) {
                processes.startOne();
                int expected = others + n;
                awaitConsumers(probe, c -> c >= expected, "transformer process " + n + " (see "
                        + settings.out().resolve("transformer-" + n + ".log") + ")");
                if (!processes.allAlive()) {
                    throw new IllegalStateException("a transformer process exited; see " + settings.out());
                }
                phase("transformer process " + n + " consuming");
                load.run(HttpLoad.Mode.FIRE_THEN_GET, loaded, images, b.scaleWarmup(), b.loadedMax());
                drain(probe);
                byCount[n] = load.run(HttpLoad.Mode.FIRE_THEN_GET, loaded, images, b.scaleWindow(), b.loadedMax());
                expect(n + " transformer process(es)", byCount[n]);
                report.add(n + " transformer process" + (n > 1 ? "es" : "") + " × 1 thread (POST → stored, concurrency "
                        + loaded + ")", byCount[n].rate() + " images/s", byCount[n].counts() + "; p50/p90/p99/max "
                        + byCount[n].latencies().summary());
                drain(probe);
            }
            double speedUp = byCount[1].perSecond() > 0 ? byCount[2].perSecond() / byCount[1].perSecond() : 0;
            report.add("Speed-up, 2 transformer processes over 1", String.format(Locale.ROOT, "%.2f×", speedUp),
                    cores + " cores shared with the gateway, broker, database and load generator");
            processes.close();
            Runtime.getRuntime().removeShutdownHook(stop);
        } finally {
            deleteTree(dataDir);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * With the transformer in this JVM: latencies at light load, then throughput and latencies near saturation.
     *
     * @return the end-to-end run
     */
    private Throughput inProcess(HttpLoad load, StageTimers timers, BrokerProbe probe, List<Image> images,
                                 List<Image> smallOnly, Latencies single) throws Exception {
        BenchSettings.Budget b = settings.budget();
        int cores = settings.cores();
        int loaded = 2 * cores;
        load.run(HttpLoad.Mode.WAIT, 1, smallOnly, Duration.ofSeconds(30), b.lightWarmup());
        drain(probe);
        Map<String, double[]> before = timers.snapshot();
        Throughput lightWait = load.run(HttpLoad.Mode.WAIT, 1, smallOnly, b.lightWindow(), b.lightMax());
        Map<String, double[]> after = timers.snapshot();
        expect("light load, wait mode", lightWait);
        report.add("Light load, `Prefer: wait=60` (concurrency 1, small image)", lightWait.latencies().summary(),
                lightWait.counts() + ", " + lightWait.rate() + "/s");
        report.add("Light load, wait mode: means of the services' own timers", "see detail",
                StageTimers.means(before, after));
        drain(probe);
        Throughput lightGet = load.run(HttpLoad.Mode.FIRE_THEN_GET, 1, smallOnly, b.lightWindow(), b.lightMax());
        expect("light load, fire then GET", lightGet);
        report.add("Light load, POST then `GET ?wait=60` (concurrency 1, small image)",
                lightGet.latencies().summary(), lightGet.counts() + ", " + lightGet.rate() + "/s");
        drain(probe);
        Throughput lightAccept = load.run(HttpLoad.Mode.ACCEPT, 1, smallOnly, b.lightWindow(), b.lightMax());
        expect("light load, accept", lightAccept);
        report.add("Light load, POST answered 202 (publish confirmed; concurrency 1, small image)",
                lightAccept.latencies().summary(), lightAccept.counts() + ", " + lightAccept.rate() + "/s");
        long added = lightWait.latencies().p50() - single.p50();
        report.add("Added median latency at light load (wait mode − engine)", Latencies.millis(added) + " ms",
                "target ≤ 5 ms: " + (added <= 5_000_000 ? "met" : "MISSED"));
        report.add("Added median latency, stored in PostgreSQL (POST+GET − engine)",
                Latencies.millis(lightGet.latencies().p50() - single.p50()) + " ms", "for information");
        drain(probe);
        phase("light load measured");

        load.run(HttpLoad.Mode.FIRE_THEN_GET, loaded, images, b.loadedWarmup(), b.loadedMax());
        drain(probe);
        before = timers.snapshot();
        Throughput endToEnd = load.run(HttpLoad.Mode.FIRE_THEN_GET, loaded, images, b.loadedWindow(), b.loadedMax());
        after = timers.snapshot();
        expect("pipeline end to end", endToEnd);
        report.add("Pipeline end to end (POST → stored, concurrency " + loaded + ", " + cores
                + " transformer threads in-process)", endToEnd.rate() + " images/s", endToEnd.counts());
        report.add("Near saturation, POST then `GET ?wait=60` (concurrency " + loaded + ", corpus)",
                endToEnd.latencies().summary(), "same run as the line above");
        report.add("Near saturation: means of the services' own timers", "see detail", StageTimers.means(before, after));
        drain(probe);
        loadedWait = load.run(HttpLoad.Mode.WAIT, loaded, images, b.loadedWindow(), b.loadedMax());
        expect("near saturation, wait mode", loadedWait);
        report.add("Near saturation, `Prefer: wait=60` (concurrency " + loaded + ", corpus)",
                loadedWait.latencies().summary(), loadedWait.counts() + ", " + loadedWait.rate() + " images/s");
        drain(probe);
        phase("saturation measured");
        return endToEnd;
    }

    /**
     * {@code bin/bulk-upload --parallel=4} of a folder holding the corpus (each photo several times under other
     * names), timed from its start until every upload has a stored result or failure.
     *
     * @return images per second, or 0 when it did not finish
     */
    private double bulkUpload(Pipeline pipeline, List<Image> images) throws Exception {
        Path dir = Files.createTempDirectory(settings.out(), "bulk-upload-");
        try {
            Files.createDirectories(dir.resolve("photos"));
            int copies = settings.smoke() ? 2 : Math.max(1, 48 / images.size());
            for (int c = 0; c < copies; c++) {
                for (Image image : images) {
                    Files.write(dir.resolve("photos").resolve(c + "-" + image.name()), image.bytes());
                }
            }
            int n = copies * images.size();
            Map<String, String> db = pipeline.settings();
            try (var sql = DriverManager.getConnection(db.get(Env.JDBC_URL), db.getOrDefault(Env.DB_USER,
                    "postgres"), db.getOrDefault(Env.DB_PASSWORD, ""))) {
                long before = finished(sql);
                long t0 = System.nanoTime();
                Process bulk = new ProcessBuilder(settings.repo().resolve("bin/bulk-upload").toString(),
                        "--url=" + pipeline.baseUrl().toString().replaceAll("/$", ""), "--parallel=4",
                        "--manifest=" + dir.resolve("manifest.tsv"), "--width=800", "--height=800", "--fit=inside",
                        "--format=jpeg", "--quality=85", dir.resolve("photos").toString())
                        .redirectErrorStream(true).redirectOutput(dir.resolve("bulk-upload.log").toFile()).start();
                if (!bulk.waitFor(300, TimeUnit.SECONDS) || bulk.exitValue() != 0) {
                    bulk.destroyForcibly();
                    problems.add("bin/bulk-upload failed; see " + dir.resolve("bulk-upload.log"));
                    return 0;
                }
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
                while (finished(sql) < before + n) {
                    if (System.nanoTime() > until) {
                        problems.add("bin/bulk-upload: not every upload finished within 300 s");
                        return 0;
                    }
                    Thread.sleep(50);
                }
                double rate = n / ((System.nanoTime() - t0) / 1e9);
                phase(String.format(Locale.ROOT, "bin/bulk-upload: %d images, %.2f/s", n, rate));
                return rate;
            }
        } finally {
            deleteTree(dir);
        }
    }

    /** Uploads with a stored result or failure. */
    private static long finished(Connection sql) throws SQLException {
        try (var rs = sql.createStatement().executeQuery(
                "SELECT (SELECT count(*) FROM results) + (SELECT count(*) FROM failures)")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Stops what a phase started if the JVM is told to exit mid-phase (timeout, Ctrl+C): an embedded PostgreSQL or a
     * transformer process must not outlive the run.
     */
    private static Thread stopOnExit(AutoCloseable running) {
        Thread hook = new Thread(() -> {
            try {
                running.close();
            } catch (Exception e) {
                System.err.println("[bench] stopping on exit: " + e);
            }
        }, "bench-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    private Map<String, String> pipelineSettings(ThrowawayDatabase database) {
        Map<String, String> env = new HashMap<>();
        env.put("IMGPIPE_HTTP_HOST", "127.0.0.1");
        env.put("IMGPIPE_HTTP_PORT", "0");
        env.put("IMGPIPE_TRANSFORMER_THREADS", Integer.toString(settings.cores()));
        env.put("IMGPIPE_SERVICES", "save2db,logger"); // the transformers are started by the phases
        if (database == null) {
            // The quick-start default: a data directory, so the broker keeps its messages durably (in PostgreSQL).
            env.put("IMGPIPE_DATA_DIR", dataDir.resolve("postgres").toString());
        } else {
            env.put(Env.AMQP_URI, settings.amqpUri());
            env.put(Env.JDBC_URL, database.jdbcUrl());
            env.put(Env.DB_USER, settings.dbUser());
            env.put(Env.DB_PASSWORD, settings.dbPassword());
        }
        return env;
    }

    /**
     * On a shared RabbitMQ someone else's transformer may be consuming the same queue and take our jobs: say so
     * beside the figures. Returns the consumers that are not ours.
     */
    private int checkAlone(BrokerProbe probe) throws Exception {
        int others = probe.consumers(Topology.TRANSFORMER_QUEUE);
        if (others > 0) {
            report.note(others + " transformer consumer(s) not started by this run share the broker's `transformer`"
                    + " queue: throughput figures of this run are not trustworthy");
        }
        return others;
    }

    private void phase(String what) {
        System.out.printf(Locale.ROOT, "[bench] %5.1f s: %s%n", (System.nanoTime() - started) / 1e9, what);
    }

    /** Waits until the number of consumers of the transformer queue is what {@code wanted} accepts. */
    private static void awaitConsumers(BrokerProbe probe, IntPredicate wanted, String whom) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            int now = probe.consumers(Topology.TRANSFORMER_QUEUE);
            if (wanted.test(now)) {
                return;
            }
            if (System.nanoTime() >= until) {
                throw new IllegalStateException("waited 60 s for " + whom + ": the transformer queue has " + now
                        + " consumers");
            }
            Thread.sleep(100);
        }
    }

    private void drain(BrokerProbe probe) throws Exception {
        if (!probe.awaitEmpty(settings.budget().drainPatience(), QUEUES)) {
            report.note("queues not empty " + settings.budget().drainPatience().toSeconds() + " s after a phase");
        }
    }

    private void expect(String phase, Throughput t) {
        if (t.ok() == 0) {
            problems.add(phase + ": nothing processed " + t.errors());
        } else if (settings.smoke() && t.failed() > 0) {
            problems.add(phase + ": " + t.failed() + " failed " + t.errors());
        } else if (t.failed() > 0) {
            report.note(phase + ": " + t.failed() + " failed " + t.errors());
        }
    }
}
