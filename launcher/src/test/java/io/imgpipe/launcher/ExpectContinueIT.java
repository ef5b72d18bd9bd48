package io.imgpipe.launcher;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code Expect: 100-continue} with a real curl, which sends it for bodies over 1 MB and then waits a second before
 * sending the body anyway: the gateway answers {@code 100 Continue} once the header checks pass, and a refusal that
 * needs no body (413 by Content-Length, 400 bad option) comes instead of the 100, before any body byte is sent.
 * The shared pipeline accepts uploads up to 5 MiB.
 */
class ExpectContinueIT {

    private static final long CURL_SECONDS = 60;

    private static TestPipeline pipeline;
    private static byte[] jpeg;

    @BeforeAll
    static void start() throws IOException {
        pipeline = TestPipeline.shared();
        jpeg = Fixtures.bytes("/images/autumn-400x250.jpg");
    }

    @Test
    void largeUploadIsToldToContinueAndAccepted(@TempDir Path dir) throws Exception {
        // Given a valid 1.5 MB JPEG (comment segments make it large), which curl sends with Expect: 100-continue
        Path file = Files.write(dir.resolve("large.jpg"), padded(jpeg, 1_500_000));

        // When curl uploads it
        Curl curl = Curl.post(pipeline.baseUrl() + "image?width=50", file, dir);

        // Then the gateway sent 100 Continue, then took the whole body and answered 202
        assertThat(curl.trace()).contains("> Expect: 100-continue").contains("< HTTP/1.1 100 Continue");
        assertThat(curl.status()).isEqualTo(202);
        assertThat(curl.uploadedBytes()).isEqualTo(Files.size(file));
    }

    @Test
    void uploadOverTheLimitIsRefusedBeforeItsBodyIsSent(@TempDir Path dir) throws Exception {
        // Given a 6 MB body, over the pipeline's 5 MiB limit, announced by its Content-Length
        Path file = Files.write(dir.resolve("huge.jpg"), padded(jpeg, 6_000_000));

        // When curl uploads it
        Curl curl = Curl.post(pipeline.baseUrl() + "image", file, dir);

        // Then the answer is 413, no 100 came first and curl sent no body byte
        assertThat(curl.status()).isEqualTo(413);
        assertThat(curl.trace()).contains("> Expect: 100-continue").doesNotContain("HTTP/1.1 100");
        assertThat(curl.uploadedBytes()).isZero();
    }

    @Test
    void badOptionIsRefusedBeforeTheBodyIsSent(@TempDir Path dir) throws Exception {
        // Given a valid 1.5 MB JPEG and an option the gateway does not accept
        Path file = Files.write(dir.resolve("large.jpg"), padded(jpeg, 1_500_000));

        // When curl uploads it
        Curl curl = Curl.post(pipeline.baseUrl() + "image?width=lots", file, dir);

        // Then the answer is 400, no 100 came first and curl sent no body byte
        assertThat(curl.status()).isEqualTo(400);
        assertThat(curl.trace()).doesNotContain("HTTP/1.1 100");
        assertThat(curl.uploadedBytes()).isZero();
    }

    /** The JPEG with COM segments after its SOI marker until it has at least {@code size} bytes: still valid. */
    private static byte[] padded(byte[] jpeg, int size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(size + 70_000);
        out.write(jpeg, 0, 2);
        byte[] comment = new byte[65_533];
        while (out.size() + jpeg.length - 2 < size) {
            out.write(0xFF);
            out.write(0xFE);
            out.write(0xFF);
            out.write(0xFF); // segment length 65535, its two length bytes included
            out.write(comment, 0, comment.length);
        }
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    /** One {@code curl -v} run: its verbose trace, the final status and how many body bytes it sent. */
    private record Curl(String trace, int status, long uploadedBytes) {

        static Curl post(String url, Path body, Path dir) throws IOException, InterruptedException {
            Path trace = dir.resolve("curl-trace.txt");
            List<String> command = new ArrayList<>(List.of("curl", "-sS", "-v", "-o", "/dev/null",
                    "--max-time", Long.toString(CURL_SECONDS - 10), "-H", "Content-Type: image/jpeg",
                    "--data-binary", "@" + body, "-w", "%{http_code} %{size_upload}", url));
            Process curl = new ProcessBuilder(command).redirectError(trace.toFile()).start();
            String written = new String(curl.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (!curl.waitFor(CURL_SECONDS, TimeUnit.SECONDS)) {
                curl.destroyForcibly();
                throw new AssertionError("curl did not finish in " + CURL_SECONDS + " s");
            }
            String[] fields = written.split(" ");
            return new Curl(Files.readString(trace, StandardCharsets.ISO_8859_1), Integer.parseInt(fields[0]),
                    (long) Double.parseDouble(fields[1]));
        }
    }
}
