package io.imgpipe.launcher.balancer;

import io.imgpipe.testsupport.Await;
import io.imgpipe.testsupport.Build;
import io.imgpipe.testsupport.ChildProcesses;
import io.imgpipe.testsupport.HttpProbe;
import io.imgpipe.testsupport.Ports;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** A real HAProxy (the Debian package) running the project's {@code infra/haproxy/haproxy.cfg} on loopback. */
final class HaproxyProcess implements AutoCloseable {

    private final Process process;
    private final Path log;
    private final int httpPort;
    private final int statsPort;

    private HaproxyProcess(Process process, Path log, int httpPort, int statsPort) {
        this.process = process;
        this.log = log;
        this.httpPort = httpPort;
        this.statsPort = statsPort;
    }

    /** The haproxy binary: {@code /usr/sbin/haproxy} or the first one on the PATH. */
    static Optional<Path> binary() {
        Stream<Path> candidates = Stream.concat(Stream.of(Path.of("/usr/sbin/haproxy")),
                Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                        .filter(s -> !s.isEmpty()).map(dir -> Path.of(dir, "haproxy")));
        return candidates.filter(Files::isExecutable).findFirst();
    }

    /** The project's balancer configuration, {@code ../infra/haproxy/haproxy.cfg} from the launcher module. */
    static Path config() {
        Path cfg = Build.root().resolve("infra/haproxy/haproxy.cfg");
        if (!Files.isRegularFile(cfg)) {
            throw new IllegalStateException("the balancer configuration " + cfg + " is missing");
        }
        return cfg;
    }

    /**
     * Starts HAProxy in the foreground with the configuration's own environment variables: the two gateways and
     * loopback-only listeners on ports free right now.
     */
    static HaproxyProcess start(Path binary, List<String> gatewayAddresses, Path workDir) throws IOException {
        int httpPort = Ports.free();
        int statsPort = Ports.free();
        Map<String, String> settings = new HashMap<>();
        settings.put("GATEWAY1_ADDR", gatewayAddresses.get(0));
        settings.put("GATEWAY2_ADDR", gatewayAddresses.get(1));
        settings.put("HAPROXY_HTTP_BIND", "127.0.0.1:" + httpPort);
        settings.put("HAPROXY_STATS_BIND", "127.0.0.1:" + statsPort);
        settings.put("BALANCER_NAME", "haproxy-it");
        Path log = workDir.resolve("haproxy.log");
        ProcessBuilder check = new ProcessBuilder(binary.toString(), "-c", "-f", config().toString())
                .redirectErrorStream(true).redirectOutput(workDir.resolve("haproxy-check.log").toFile());
        check.environment().putAll(settings);
        try {
            if (check.start().waitFor() != 0) {
                throw new IllegalStateException("haproxy -c rejected " + config() + ":\n"
                        + ChildProcesses.tail(workDir.resolve("haproxy-check.log"), 30));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        ProcessBuilder pb = new ProcessBuilder(binary.toString(), "-db", "-f", config().toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(settings);
        return new HaproxyProcess(ChildProcesses.own(pb.start()), log, httpPort, statsPort);
    }

    /** Waits until the stats page answers and lists every server of {@code gateways} as UP. */
    HaproxyProcess awaitAllUp(Duration patience) {
        Map<String, String> status = Await.until(patience, Duration.ofMillis(100), () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("haproxy exited with " + process.exitValue() + ":\n"
                        + ChildProcesses.tail(log, 40));
            }
            return serverStatus();
        }, s -> !s.isEmpty() && s.values().stream().allMatch(server -> server.startsWith("UP")));
        if (!status.isEmpty() && status.values().stream().allMatch(server -> server.startsWith("UP"))) {
            return this;
        }
        throw new IllegalStateException("haproxy did not see both gateways UP within " + patience + ": "
                + status + "\n" + ChildProcesses.tail(log, 40));
    }

    /** Server name → status ({@code UP}, {@code DOWN}, {@code UP 1/2} ...) of the backend, from the stats CSV. */
    Map<String, String> serverStatus() {
        Map<String, String> status = new HashMap<>();
        for (String[] row : statsRows()) {
            if (row.length > 17 && "gateways".equals(row[0]) && !"BACKEND".equals(row[1])) {
                status.put(row[1], row[17]);
            }
        }
        return status;
    }

    /** One CSV field of the backend's BACKEND row, e.g. {@code wretr} (retries) or {@code wredis} (redispatches). */
    String backendCounter(String column) {
        List<String[]> rows = statsRows();
        if (rows.isEmpty()) {
            return "?";
        }
        String[] header = rows.get(0);
        int index = List.of(header).indexOf(column);
        return rows.stream().filter(r -> r.length > index && "gateways".equals(r[0]) && "BACKEND".equals(r[1]))
                .map(r -> r[index]).findFirst().orElse("?");
    }

    private List<String[]> statsRows() {
        return HttpProbe.get(statsUrl().resolve("/stats;csv"))
                .filter(r -> r.statusCode() == 200)
                .map(HttpResponse::body)
                .map(body -> body.lines().map(l -> l.startsWith("# ") ? l.substring(2) : l)
                        .map(l -> l.split(",", -1)).toList())
                .orElse(List.of());
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + httpPort + "/");
    }

    URI statsUrl() {
        return URI.create("http://127.0.0.1:" + statsPort + "/");
    }

    Path log() {
        return log;
    }

    @Override
    public void close() {
        ChildProcesses.stop(process);
    }
}
