package io.imgpipe.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgpipe.testsupport.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Upload tokens and backpressure, on a pipeline of its own with no transformer, so that the job queue fills up.
 * Always on embedded infrastructure: a shared broker would have other transformers draining the queue.
 */
class GatewayPolicyIT {

    private static final String TOKEN = "correct horse battery staple";
    private static Pipeline pipeline;
    private static Http http;
    private static byte[] jpeg;

    @BeforeAll
    static void start() throws Exception {
        pipeline = TestPipeline.ownEmbedded(Map.of(
                "IMGPIPE_SERVICES", "save2db,logger",
                "IMGPIPE_QUEUE_LIMIT", "2",
                "IMGPIPE_UPLOAD_TOKENS", HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-256").digest(TOKEN.getBytes()))));
        http = new Http(pipeline.baseUrl());
        jpeg = Fixtures.bytes("/images/autumn-400x250.jpg");
    }

    @AfterAll
    static void stop() {
        pipeline.close();
    }

    @Test
    void uploadWithoutTokenIsRefusedWith401() {
        HttpResponse<byte[]> r = http.post("image", jpeg);

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(Http.json(r).get("error").asText()).isEqualTo("unauthorized");
        assertThat(r.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Bearer");
    }

    @Test
    void uploadWithAWrongTokenIsRefusedWith401() {
        assertThat(http.post("image", jpeg, "Authorization", "Bearer not-it").statusCode()).isEqualTo(401);
    }

    @Test
    void readsStayPublicByUnguessableId() {
        assertThat(http.get("images").statusCode()).isEqualTo(200);
        assertThat(http.get("image/0123456789abcdef0123456789abcdef").statusCode()).isEqualTo(404);
    }

    @Test
    void uploadsAreShedWith503OnceTheJobQueueIsDeeperThanItsLimit() {
        for (int i = 0; i < 3; i++) {
            assertThat(upload().statusCode()).isIn(202, 503);
        }

        // The gateway samples the queue depth twice a second; within a few seconds it must shed load.
        HttpResponse<byte[]> shed = Await.until(Duration.ofSeconds(10), GatewayPolicyIT::upload,
                r -> r.statusCode() == 503);

        assertThat(shed.statusCode()).isEqualTo(503);
        JsonNode body = Http.json(shed);
        assertThat(body.get("error").asText()).isEqualTo("overloaded");
        assertThat(shed.headers().firstValue("Retry-After")).isPresent();
        HttpResponse<byte[]> ready = http.get("health/ready");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(Http.json(ready).get("queueDepth").asLong()).isGreaterThan(2);
    }

    private static HttpResponse<byte[]> upload() {
        return http.post("image?width=10", jpeg, "Authorization", "Bearer " + TOKEN, "Content-Type", "image/jpeg");
    }
}
