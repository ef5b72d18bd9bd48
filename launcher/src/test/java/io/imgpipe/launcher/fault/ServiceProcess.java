package io.imgpipe.launcher.fault;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One imgpipe service run as its own {@code java -jar} process, configured by environment variables like in
 * production, with its stdout kept in a file. {@link #kill()} is {@code kill -9}: no shutdown hook runs, nothing is
 * acknowledged or closed, exactly like a crashed container.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Process process;
    private final Path log;
    private final int port;

    private ServiceProcess(String name, Process process, Path log, int port) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /**
     * @param module   transformer, save2db, logger or rest-gateway
     * @param env      the {@code IMGPIPE_*} settings
     * @param port     the admin port of a worker or the HTTP port of a gateway (where {@link #awaitReady} looks)
     */
    public static ServiceProcess start(String name, String module, Map<String, String> env, int port, Path logDir) {
        // Small heaps and the serial collector: five JVMs share two cores with the test.
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx384m", "-XX:+UseSerialGC"));
        command.addAll(launch(module));
        try {
            Files.createDirectories(logDir);
            Path log = logDir.resolve(name + ".log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().keySet().removeIf(k -> k.startsWith("IMGPIPE_"));
            builder.environment().putAll(env);
            return new ServiceProcess(name, builder.start(), log, port);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name, e);
        }
    }

    /** {@code -jar} the module's shaded jar, or its main class on this JVM's class path when the jar is not built. */
    private static List<String> launch(String module) {
        Path target = Path.of("..", module, "target");
        if (Files.isDirectory(target)) {
            try (DirectoryStream<Path> jars = Files.newDirectoryStream(target, "imgpipe-" + module + "-*-all.jar")) {
                for (Path jar : jars) {
                    return List.of("-jar", jar.toAbsolutePath().normalize().toString());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        String main = switch (module) {
            case "rest-gateway" -> "io.imgpipe.gateway.Main";
            case "transformer" -> "io.imgpipe.transformer.Main";
            case "save2db" -> "io.imgpipe.save2db.Main";
            case "logger" -> "io.imgpipe.logger.Main";
            default -> throw new IllegalArgumentException(module);
        };
        return List.of("-cp", System.getProperty("java.class.path"), main);
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** Waits until {@code /health/ready} answers 200; fails with the end of the log when it does not. */
    public ServiceProcess awaitReady(Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + tail(40));
            }
            if (get("/health/ready").statusCode() == 200) {
                return this;
            }
            sleep(250);
        }
        throw new AssertionError(name + " was not ready within " + patience + ":\n" + tail(40));
    }

    /** A GET on this process's port; status 0 when nothing answers. */
    public Response get(String path) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(url(path)).timeout(Duration.ofSeconds(5)).GET()
                    .build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body());
        } catch (IOException e) {
            return new Response(0, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Response(0, e.toString());
        }
    }

    public record Response(int statusCode, String body) {
    }

    /** SIGKILL, then wait for the process to be gone. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public String logText() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }

    public Path log() {
        return log;
    }

    public String tail(int lines) {
        List<String> all = logText().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
