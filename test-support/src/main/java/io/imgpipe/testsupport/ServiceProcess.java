package io.imgpipe.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One imgpipe service run as its own JVM, configured by environment variables like in production, with its output
 * kept in a file. {@link #kill()} is {@code kill -9}: no shutdown hook runs, nothing is acknowledged or closed,
 * exactly like a crashed container.
 */
public final class ServiceProcess implements AutoCloseable {

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
     * What to run: JVM flags, then {@code -jar JAR} or {@code -cp CLASSPATH MAIN}.
     *
     * @param jvmFlags e.g. small heaps and the serial collector when several JVMs share two cores with the test
     */
    public record Launch(List<String> jvmFlags, List<String> target) {

        public Launch {
            jvmFlags = List.copyOf(jvmFlags);
            target = List.copyOf(target);
        }

        /** {@code -jar} the module's shaded jar, or its main class on this JVM's class path when it is not built. */
        public static Launch module(String module) {
            return Build.runnableJar(module).map(Launch::jar).orElseGet(() -> {
                String main = switch (module) {
                    case "rest-gateway" -> "io.imgpipe.gateway.Main";
                    case "transformer" -> "io.imgpipe.transformer.Main";
                    case "save2db" -> "io.imgpipe.save2db.Main";
                    case "logger" -> "io.imgpipe.logger.Main";
                    default -> throw new IllegalArgumentException(module);
                };
                return new Launch(List.of(), List.of("-cp", System.getProperty("java.class.path"), main));
            });
        }

        public static Launch jar(Path jar) {
            if (!Files.isRegularFile(jar)) {
                throw new IllegalArgumentException("the runnable jar " + jar + " is missing");
            }
            return new Launch(List.of(), List.of("-jar", jar.toString()));
        }

        public Launch withFlags(String... flags) {
            List<String> all = new ArrayList<>(jvmFlags);
            all.addAll(Arrays.asList(flags));
            return new Launch(all, target);
        }
    }

    /**
     * A private copy of a runnable jar in {@code dir}: the JVMs load classes lazily from it, and a build running
     * beside the test may rewrite the original under them.
     */
    public static Path privateCopy(Path jar, Path dir) {
        try {
            Files.createDirectories(dir);
            return Files.copy(jar, dir.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts the process, with no {@code IMGPIPE_*} variable of this JVM but those of {@code env}, its output
     * appended to {@code <logDir>/<name>.log}.
     *
     * @param port the admin port of a worker or the HTTP port of a gateway (where {@link #awaitReady} looks); -1
     *             for none
     */
    public static ServiceProcess start(String name, Launch launch, Map<String, String> env, int port, Path logDir) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(launch.jvmFlags());
        command.addAll(launch.target());
        try {
            Files.createDirectories(logDir);
            Path log = logDir.resolve(name + ".log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().keySet().removeIf(k -> k.startsWith("IMGPIPE_"));
            builder.environment().putAll(env);
            return new ServiceProcess(name, ChildProcesses.own(builder.start()), log, port);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name, e);
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

    /** {@code 127.0.0.1:<port>}, as a balancer names a server. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    public URI baseUrl() {
        return URI.create("http://" + address() + "/");
    }

    public URI url(String path) {
        return URI.create("http://" + address() + path);
    }

    /** Waits until {@code /health/ready} answers 200; fails with the end of the log when it does not. */
    public ServiceProcess awaitReady(Duration patience) {
        int status = Await.until(patience, Duration.ofMillis(200), () -> {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + tail(40));
            }
            return get("/health/ready").statusCode();
        }, ready -> ready == 200);
        if (status != 200) {
            throw new AssertionError(name + " was not ready within " + patience + ":\n" + tail(40));
        }
        return this;
    }

    /** A GET on this process's port; status 0 when nothing answers. */
    public Response get(String path) {
        return HttpProbe.get(url(path)).map(r -> new Response(r.statusCode(), r.body()))
                .orElse(new Response(0, "no answer from " + name));
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
        return ChildProcesses.tail(log, lines);
    }

    /** SIGTERM, so the shutdown hook closes consumers and connections; SIGKILL if it takes too long. */
    @Override
    public void close() {
        ChildProcesses.stop(process);
    }
}
