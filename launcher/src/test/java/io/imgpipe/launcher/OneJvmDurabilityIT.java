package io.imgpipe.launcher;

import io.imgpipe.testsupport.Ports;
import io.imgpipe.testsupport.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one-JVM mode keeps what it accepted: with a data directory the embedded broker stores messages in the
 * embedded PostgreSQL, which keeps its files, so an upload accepted while no worker ran is finished after a restart.
 * Always embedded: this is about the launcher's own infrastructure.
 */
class OneJvmDurabilityIT {

    @Test
    void uploadAcceptedBeforeARestartIsFinishedAfterIt(@TempDir Path data) throws Exception {
        byte[] jpeg = Fixtures.bytes("/images/autumn-400x250.jpg");
        Map<String, String> settings = Map.of(
                "IMGPIPE_HTTP_PORT", "0",
                "IMGPIPE_HTTP_HOST", "127.0.0.1",
                "IMGPIPE_DATA_DIR", data.resolve("postgres").toString());
        String id;
        // Given an upload accepted while neither save2db nor a transformer runs (it waits in the broker only)
        Map<String, String> onlyLogger = new HashMap<>(settings);
        onlyLogger.put("IMGPIPE_SERVICES", "logger");
        try (Pipeline first = Pipeline.start(onlyLogger)) {
            HttpResponse<byte[]> accepted = new Http(first.baseUrl()).post("image?width=50", jpeg);
            assertThat(accepted.statusCode()).isEqualTo(202);
            id = Http.json(accepted).get("id").asText();
        }

        // When the pipeline starts again on the same data directory, with every service
        try (Pipeline second = Pipeline.start(settings)) {
            Http http = new Http(second.baseUrl());

            // Then the upload is transformed and its original kept
            HttpResponse<byte[]> result = http.get("image/" + id + "?wait=60");
            assertThat(result.statusCode()).isEqualTo(200);
            assertThat(result.headers().firstValue("Content-Type")).hasValue("image/jpeg");
            assertThat(Await.until(Duration.ofSeconds(20), () -> http.get("image/" + id + "/original"),
                    r -> r.statusCode() == 200).body()).isEqualTo(jpeg);
        }
    }

    @Test
    void uploadAcceptedBeforeTheJvmIsKilledIsFinishedAfterARestart(@TempDir Path data) throws Exception {
        byte[] jpeg = Fixtures.bytes("/images/autumn-400x250.jpg");
        Path postgres = data.resolve("postgres");
        // Given the launcher in a JVM of its own with only the logger, which answered 202 for an upload
        int port = Ports.free();
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName());
        pb.environment().keySet().removeIf(k -> k.startsWith("IMGPIPE_"));
        pb.environment().putAll(Map.of("IMGPIPE_HTTP_PORT", Integer.toString(port), "IMGPIPE_HTTP_HOST", "127.0.0.1",
                "IMGPIPE_DATA_DIR", postgres.toString(), "IMGPIPE_SERVICES", "logger", "IMGPIPE_OPEN_BROWSER", "false"));
        Process launcher = pb.redirectErrorStream(true).redirectOutput(data.resolve("launcher.log").toFile()).start();
        String id;
        try {
            Http first = new Http(URI.create("http://127.0.0.1:" + port + "/"));
            assertThat(Await.until(Duration.ofSeconds(90), () -> ready(first, launcher), r -> r != 0))
                    .as("the launcher's health (log: %s)", data.resolve("launcher.log")).isEqualTo(200);
            HttpResponse<byte[]> accepted = first.post("image?width=50", jpeg);
            assertThat(accepted.statusCode()).isEqualTo(202);
            id = Http.json(accepted).get("id").asText();
        } finally {
            // When that JVM is killed with SIGKILL (no shutdown hook runs)
            launcher.destroyForcibly();
            assertThat(launcher.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }

        // And the pipeline starts again on the same data directory, with every service
        try (Pipeline second = Pipeline.start(Map.of("IMGPIPE_HTTP_PORT", "0", "IMGPIPE_HTTP_HOST", "127.0.0.1",
                "IMGPIPE_DATA_DIR", postgres.toString()))) {
            // Then the upload is transformed
            HttpResponse<byte[]> result = new Http(second.baseUrl()).get("image/" + id + "?wait=60");
            assertThat(result.statusCode()).isEqualTo(200);
            assertThat(result.headers().firstValue("Content-Type")).hasValue("image/jpeg");
        }
    }

    /** The status of {@code GET /health/ready}, 0 while nothing answers, -1 once the process has died. */
    private static int ready(Http http, Process launcher) {
        if (!launcher.isAlive()) {
            return -1;
        }
        try {
            return http.get("health/ready").statusCode() == 200 ? 200 : 0;
        } catch (RuntimeException e) {
            return 0;
        }
    }
}
