package io.imgpipe.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Transformer processes ({@code java -jar imgpipe-transformer-*-all.jar}) joining the pipeline's broker, one
 * worker thread each, as {@code docker compose up --scale transformer=N} would run them.
 */
final class TransformerProcesses implements AutoCloseable {

    private final Path jar;
    private final Map<String, String> env;
    private final Path logDir;
    private final List<Process> processes = new ArrayList<>();

    TransformerProcesses(Path jar, String amqpUri, Path logDir) {
        if (!jar.toFile().isFile()) {
            throw new IllegalArgumentException("transformer jar " + jar + " not found (build it: ./mvnw -B -q -o package"
                    + " -DskipTests -pl bench -am)");
        }
        this.jar = jar;
        this.env = Map.of("IMGPIPE_AMQP_URI", amqpUri, "IMGPIPE_ADMIN_PORT", "-1", "IMGPIPE_TRANSFORMER_THREADS", "1");
        this.logDir = logDir;
    }

    synchronized void startOne() throws IOException {
        int n = processes.size() + 1;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-jar", jar.toString());
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        pb.redirectOutput(logDir.resolve("transformer-" + n + ".log").toFile());
        processes.add(pb.start());
    }

    synchronized int size() {
        return processes.size();
    }

    /** True while every process started is alive. */
    synchronized boolean allAlive() {
        return processes.stream().allMatch(Process::isAlive);
    }

    @Override
    public synchronized void close() {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
        processes.clear();
    }
}
