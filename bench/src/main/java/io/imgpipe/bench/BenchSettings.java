package io.imgpipe.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What one run measures and on what.
 *
 * @param smoke      CI mode: three small test images, short windows; checks that the pipeline works, not its speed
 * @param external   the machine's RabbitMQ and PostgreSQL instead of the embedded broker and database
 * @param corpus     directory whose JPEGs are the workload (ignored in smoke mode)
 * @param repo       the repository root (smoke images)
 * @param transformerJar the transformer's runnable jar, for the processes of the scaling phase
 * @param out        where the report and the logs go
 * @param amqpUri    external broker ({@code IMGPIPE_BENCH_AMQP_URI})
 * @param jdbcAdmin  external PostgreSQL database the fresh one is created from ({@code IMGPIPE_BENCH_JDBC_URL})
 * @param dbUser     ({@code IMGPIPE_BENCH_DB_USER})
 * @param dbPassword ({@code IMGPIPE_BENCH_DB_PASSWORD})
 * @param cores      available processors
 * @param budget     windows and counts
 */
record BenchSettings(boolean smoke, boolean external, Path corpus, Path repo, Path transformerJar, Path out,
                     String amqpUri, String jdbcAdmin, String dbUser, String dbPassword, int cores, Budget budget) {

    static final String OPTIONS = "width=800&height=800&fit=inside&format=jpeg&quality=85";
    static final List<String> SMOKE_IMAGES = List.of(
            "transformer/src/test/resources/images/baseline.jpg",
            "transformer/src/test/resources/images/progressive.jpg",
            "transformer/src/test/resources/images/exif-orientation-6.jpg");

    /**
     * Every window and count of a run; each phase stops at whichever bound comes first.
     *
     * @param engineWarmup     untimed engine run before the ceiling
     * @param engineWindow     the ceiling's window
     * @param engineMax        images the ceiling transforms at most
     * @param lightWarmup      requests sent before each light-load run
     * @param lightWindow      each light-load run (concurrency 1, small image)
     * @param lightMax         requests of each light-load run at most
     * @param engineSingle     timed engine transforms of the small image (after as many untimed)
     * @param loadedWarmup     untimed pipeline run before the saturation runs
     * @param loadedWindow     each run at concurrency 2 × cores
     * @param loadedMax        images of each such run at most
     * @param ingestWindow     the ingest run
     * @param ingestMax        uploads of the ingest run at most (below the gateway's queue limit)
     * @param ingestLanes      concurrent uploads while ingesting
     * @param scaleWarmup      untimed run after each transformer process is added (its JIT warms up)
     * @param scaleWindow      each run with 1 and 2 transformer processes
     * @param drainPatience    how long to wait for the queues to empty between phases
     */
    record Budget(Duration engineWarmup, Duration engineWindow, int engineMax, int lightWarmup, Duration lightWindow,
                  int lightMax, int engineSingle, Duration loadedWarmup, Duration loadedWindow, int loadedMax,
                  Duration ingestWindow, int ingestMax, int ingestLanes, Duration scaleWarmup, Duration scaleWindow,
                  Duration drainPatience) {

        static Budget full() {
            return new Budget(Duration.ofSeconds(8), Duration.ofSeconds(25), 10_000, 20, Duration.ofSeconds(15), 1_000,
                    200, Duration.ofSeconds(8), Duration.ofSeconds(30), 5_000, Duration.ofSeconds(10), 6_000, 8,
                    Duration.ofSeconds(10), Duration.ofSeconds(25), Duration.ofSeconds(90));
        }

        /** Smoke: about ten seconds of measuring in all. */
        static Budget smoke() {
            return new Budget(Duration.ofMillis(500), Duration.ofMillis(1500), 1_000, 3, Duration.ofSeconds(1), 50,
                    20, Duration.ofMillis(500), Duration.ofMillis(1500), 200, Duration.ofSeconds(1), 200, 4,
                    Duration.ofMillis(500), Duration.ofMillis(1500), Duration.ofSeconds(30));
        }
    }

    static BenchSettings parse(String[] args, Map<String, String> env) {
        boolean smoke = false;
        boolean external = false;
        Path repo = Path.of("").toAbsolutePath();
        Path out = null;
        Path corpus = null;
        Path jar = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--smoke" -> smoke = true;
                case "--external" -> external = true;
                case "--repo" -> repo = Path.of(value(args, ++i, "--repo")).toAbsolutePath();
                case "--out" -> out = Path.of(value(args, ++i, "--out")).toAbsolutePath();
                case "--transformer-jar" -> jar = Path.of(value(args, ++i, "--transformer-jar")).toAbsolutePath();
                default -> {
                    if (args[i].startsWith("--") || corpus != null) {
                        throw new IllegalArgumentException("usage: PipelineBench [--smoke] [--external] [--repo DIR]"
                                + " [--out DIR] [--transformer-jar JAR] [CORPUS_DIR]; unexpected '" + args[i] + "'");
                    }
                    corpus = Path.of(args[i]).toAbsolutePath();
                }
            }
        }
        if (corpus == null) {
            corpus = repo.resolve("../shared/corpus").normalize();
        }
        if (out == null) {
            out = repo.resolve("bench/target");
        }
        if (jar == null) {
            jar = repo.resolve("transformer/target/imgpipe-transformer-0.1.0-SNAPSHOT-all.jar");
        }
        return new BenchSettings(smoke, external, corpus, repo, jar, out,
                env.getOrDefault("IMGPIPE_BENCH_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/%2f"),
                env.getOrDefault("IMGPIPE_BENCH_JDBC_URL", "jdbc:postgresql://127.0.0.1:5432/test"),
                env.getOrDefault("IMGPIPE_BENCH_DB_USER", "postgres"),
                env.getOrDefault("IMGPIPE_BENCH_DB_PASSWORD", ""),
                Runtime.getRuntime().availableProcessors(),
                smoke ? Budget.smoke() : Budget.full());
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    String infrastructure() {
        return external ? "external" : "embedded";
    }
}
