package io.imgpipe.launcher.balancer;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** A rest-gateway started as its own JVM ({@code java -jar} the runnable jar), joined to a running pipeline. */
final class GatewayProcess implements AutoCloseable {

    static final String JAR = "rest-gateway/target/imgpipe-rest-gateway-0.1.0-SNAPSHOT-all.jar";

    private final String name;
    private final int port;
    private final Process process;
    private final Path log;

    private GatewayProcess(String name, int port, Process process, Path log) {
        this.name = name;
        this.port = port;
        this.process = process;
        this.log = log;
    }

    /**
     * A private copy of the gateway's runnable jar in {@code workDir}: the JVMs load classes lazily from it, and a
     * build running beside the test may rewrite the original under them.
     */
    static Path copyOfJar(Path workDir) throws IOException {
        Path copy = workDir.resolve("imgpipe-rest-gateway-all.jar");
        Files.copy(jar(), copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return copy;
    }

    /** The gateway's runnable jar, built by {@code mvn install} (package phase) before the launcher's ITs. */
    static Path jar() {
        Path jar = Processes.moduleDir().resolve("..").resolve(JAR).normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the gateway jar " + jar + " is missing: build it first with "
                    + "'./mvnw -B install -DskipTests' at the root (or run 'verify' from the root, which packages it "
                    + "before the launcher's integration tests)");
        }
        return jar;
    }

    /**
     * Starts a gateway on 127.0.0.1:{@code port} with the pipeline's settings (its broker and database).
     *
     * @param jar              the runnable jar (see {@link #copyOfJar})
     * @param pipelineSettings what {@code Pipeline.settings()} returned
     */
    static GatewayProcess start(String name, Path jar, Map<String, String> pipelineSettings, int port, Path workDir)
            throws IOException {
        Path log = workDir.resolve(name + ".log");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-jar", jar.toString());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("IMGPIPE_"));
        pipelineSettings.forEach((k, v) -> {
            if (k.startsWith("IMGPIPE_")) {
                env.put(k, v);
            }
        });
        env.put("IMGPIPE_HTTP_HOST", "127.0.0.1");
        env.put("IMGPIPE_HTTP_PORT", Integer.toString(port));
        env.put("IMGPIPE_HTTP_THREADS", "32");
        env.put("IMGPIPE_DB_POOL_SIZE", "4");
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        return new GatewayProcess(name, port, Processes.own(pb.start()), log);
    }

    /** Waits until {@code GET /health/ready} answers 200; fails with the log's tail if the process dies first. */
    GatewayProcess awaitReady(Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n"
                        + Processes.tail(log, 40));
            }
            if (Processes.probe(baseUrl().resolve("/health/ready")).map(r -> r.statusCode() == 200).orElse(false)) {
                return this;
            }
            Processes.sleep(200);
        }
        throw new IllegalStateException(name + " was not ready within " + patience + ":\n" + Processes.tail(log, 40));
    }

    /** SIGKILL: no shutdown hook, no goodbye to open connections. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    String address() {
        return "127.0.0.1:" + port;
    }

    URI baseUrl() {
        return URI.create("http://" + address() + "/");
    }

    String name() {
        return name;
    }

    Path log() {
        return log;
    }

    @Override
    public void close() {
        Processes.stop(process);
    }
}
