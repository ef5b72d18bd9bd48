package io.imgpipe.launcher.variants;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgpipe.launcher.Fixtures;
import io.imgpipe.launcher.Http;
import io.imgpipe.launcher.Pipeline;
import io.imgpipe.launcher.TestPipeline;
import io.imgpipe.testsupport.ThrowawayDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13 with keys on: variants follow the owner rules of {@code GET /image/{id}} (no key 401, another owner's
 * image 404 and no derivation started for it), and a signed link shares one variant without a key. A pipeline of its
 * own with an embedded broker; the machine's PostgreSQL (a fresh database) when {@code IMGPIPE_TEST_JDBC_URL} is set.
 */
class VariantsSecurityIT {

    private static final String ALICE = "variants-alice-key-0123456789abcdef";
    private static final String BOB = "variants-bob-key-0123456789abcdef";

    private static Pipeline pipeline;
    private static ThrowawayDatabase freshDatabase;
    private static Http http;
    private static byte[] jpeg;

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("IMGPIPE_API_KEYS", "alice:" + digest(ALICE) + ",bob:" + digest(BOB));
        env.put("IMGPIPE_URL_SIGNING_KEY", "variants-it-signing-key-0123456789");
        String external = System.getenv("IMGPIPE_TEST_JDBC_URL");
        if (external != null && !external.isBlank()) {
            String user = System.getenv().getOrDefault("IMGPIPE_TEST_DB_USER", "postgres");
            String password = System.getenv().getOrDefault("IMGPIPE_TEST_DB_PASSWORD", "");
            freshDatabase = ThrowawayDatabase.create(external, user, password, "imgpipe_var_");
            env.put("IMGPIPE_JDBC_URL", freshDatabase.jdbcUrl());
            env.put("IMGPIPE_DB_USER", user);
            env.put("IMGPIPE_DB_PASSWORD", password);
        }
        pipeline = TestPipeline.ownEmbedded(env);
        System.out.println("[imgpipe-it] VariantsSecurityIT on " + pipeline.infrastructure());
        http = new Http(pipeline.baseUrl());
        jpeg = Fixtures.bytes("/images/autumn-400x250.jpg");
    }

    @AfterAll
    static void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
        if (freshDatabase != null) {
            freshDatabase.close();
        }
    }

    @Test
    void givenAlicesImage_whenAnotherOwnerOrNoKeyAsksForAVariant_thenItIsHiddenAndNothingIsDerived() {
        String id = Http.json(http.post("image?variants=thumbnail,preview", jpeg, "Content-Type", "image/jpeg",
                "Authorization", "Bearer " + ALICE, "Prefer", "wait=60", "Accept", "application/json"))
                .get("id").asText();

        HttpResponse<byte[]> noKey = http.get("image/" + id + "/variants/preview");
        HttpResponse<byte[]> bob = http.get("image/" + id + "/variants/card?wait=1", "Authorization", "Bearer " + BOB);
        HttpResponse<byte[]> alice = http.get("image/" + id + "/variants/preview", "Authorization", "Bearer " + ALICE);

        assertThat(noKey.statusCode()).isEqualTo(401);
        assertThat(bob.statusCode()).isEqualTo(404);
        assertThat(alice.statusCode()).isEqualTo(200);
        JsonNode meta = Http.json(http.get("image/" + id + "/meta", "Authorization", "Bearer " + ALICE));
        assertThat(meta.get("variants")).extracting(v -> v.get("name").asText())
                .as("bob's GET derived nothing").containsExactly("thumbnail", "preview");
    }

    @Test
    void givenASignedLinkToAVariant_whenFollowedWithoutAKey_thenItServesThatVariant() {
        String id = Http.json(http.post("image?variants=thumbnail,card", jpeg, "Content-Type", "image/jpeg",
                "Authorization", "Bearer " + ALICE, "Prefer", "wait=60", "Accept", "application/json"))
                .get("id").asText();
        HttpResponse<byte[]> card = http.get("image/" + id + "/variants/card", "Authorization", "Bearer " + ALICE);

        JsonNode link = Http.json(http.post("image/" + id + "/links?variant=card&ttl=60", new byte[0],
                "Authorization", "Bearer " + ALICE));
        HttpResponse<byte[]> shared = http.get(link.get("url").asText().substring(1));
        HttpResponse<byte[]> tampered = http.get(link.get("url").asText().substring(1)
                .replace("/variants/card", "/variants/thumbnail"));

        assertThat(link.get("url").asText()).startsWith("/s/" + id + "/variants/card?");
        assertThat(shared.statusCode()).isEqualTo(200);
        assertThat(shared.body()).isEqualTo(card.body());
        assertThat(tampered.statusCode()).isEqualTo(403);
    }

    private static String digest(String key) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(key.getBytes(StandardCharsets.UTF_8)));
    }
}
