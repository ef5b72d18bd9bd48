package io.imgpipe.bench;

import io.imgpipe.testsupport.ServiceProcess;
import io.imgpipe.testsupport.ServiceProcess.Launch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Transformer processes ({@code java -jar imgpipe-transformer-*-all.jar}) joining the pipeline's broker, one
 * worker thread each, as {@code docker compose up --scale transformer=N} would run them.
 */
final class TransformerProcesses implements AutoCloseable {

    private final Launch launch;
    private final Map<String, String> env;
    private final Path logDir;
    private final List<ServiceProcess> processes = new ArrayList<>();

    TransformerProcesses(Path jar, String amqpUri, Path logDir) {
        if (!jar.toFile().isFile()) {
            throw new IllegalArgumentException("transformer jar " + jar + " not found (build it: ./mvnw -B -q -o package"
                    + " -DskipTests -pl bench -am)");
        }
        this.launch = Launch.jar(jar);
        this.env = Map.of("IMGPIPE_AMQP_URI", amqpUri, "IMGPIPE_ADMIN_PORT", "-1", "IMGPIPE_TRANSFORMER_THREADS", "1");
        this.logDir = logDir;
    }

    synchronized void startOne() {
        int n = processes.size() + 1;
        processes.add(ServiceProcess.start("transformer-" + n, launch, env, -1, logDir));
    }

    synchronized int size() {
        return processes.size();
    }

    /** True while every process started is alive. */
    synchronized boolean allAlive() {
        return processes.stream().allMatch(ServiceProcess::isAlive);
    }

    @Override
    public synchronized void close() {
        processes.forEach(ServiceProcess::close);
        processes.clear();
    }
}
