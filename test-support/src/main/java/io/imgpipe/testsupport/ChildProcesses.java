package io.imgpipe.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** The processes a test JVM starts: owned, so they go with it whatever happens, and stopped politely first. */
public final class ChildProcesses {

    private static final List<Process> OWNED = new CopyOnWriteArrayList<>();

    static {
        // Whatever happens to the test JVM, the processes it started go with it.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> OWNED.forEach(Process::destroyForcibly),
                "test-child-processes"));
    }

    private ChildProcesses() {
    }

    /** Registers {@code p} to be killed when the test JVM exits. */
    public static Process own(Process p) {
        OWNED.add(p);
        return p;
    }

    /** SIGTERM, up to ten seconds for the shutdown hook, then SIGKILL. */
    public static void stop(Process p) {
        if (p == null) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
        OWNED.remove(p);
    }

    /** The last lines of a log, for failure messages. */
    public static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
