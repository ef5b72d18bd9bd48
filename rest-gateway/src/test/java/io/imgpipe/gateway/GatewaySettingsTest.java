package io.imgpipe.gateway;

import io.imgpipe.runtime.Env;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GatewaySettingsTest {

    @Test
    void defaultsMatchTheReadmeTable() {
        GatewaySettings c = GatewaySettings.fromEnv(new Env(Map.of()));

        assertThat(c.port()).isEqualTo(8080);
        assertThat(c.maxUploadBytes()).isEqualTo(26_214_400L);
        assertThat(c.maxWaitSeconds()).isEqualTo(60);
        assertThat(c.queueLimit()).isEqualTo(10_000);
        assertThat(c.uploadTokens()).isEmpty();
        assertThat(c.infra().amqpUri()).isEqualTo("amqp://guest:guest@localhost:5672/%2f");
        assertThat(c.options().presetNames()).contains("default", "thumbnail", "preview");
    }

    @Test
    void readsThePrimaryUnlessAReplicaIsNamed() {
        assertThat(GatewaySettings.fromEnv(new Env(Map.of())).readJdbcUrl()).isNull();
        GatewaySettings c = GatewaySettings.fromEnv(new Env(Map.of(GatewaySettings.READ_JDBC_URL,
                "jdbc:postgresql://replica:5432/imgpipe", "IMGPIPE_DB_USER", "app")));

        assertThat(c.readJdbcUrl()).isEqualTo("jdbc:postgresql://replica:5432/imgpipe");
        assertThat(c.infra().readingFrom(c.readJdbcUrl()).dbUser()).isEqualTo("app");
        assertThat(c.infra().jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/imgpipe");
    }

    @Test
    void takesTheNodesOfARabbitMqCluster() {
        GatewaySettings c = GatewaySettings.fromEnv(new Env(Map.of(Env.AMQP_ADDRESSES, "r1:5672,r2:5672,r3:5672")));

        assertThat(c.infra().amqpUri()).isEqualTo("amqp://guest:guest@r1:5672,r2:5672,r3:5672/%2f");
    }

    @Test
    void badSettingsFailAtStartNamingTheVariable() {
        assertThatThrownBy(() -> GatewaySettings.fromEnv(new Env(Map.of("IMGPIPE_HTTP_PORT", "eighty"))))
                .hasMessageContaining("IMGPIPE_HTTP_PORT");
        assertThatThrownBy(() -> GatewaySettings.fromEnv(new Env(Map.of("IMGPIPE_QUEUE_TYPE", "stream"))))
                .hasMessageContaining("classic or quorum");
        assertThatThrownBy(() -> GatewaySettings.fromEnv(new Env(Map.of("IMGPIPE_PRESETS", "broken"))))
                .hasMessageContaining("NAME:QUERY");
    }

    @Test
    void tokensAndPresetsAreReadFromTheEnvironment() {
        GatewaySettings c = GatewaySettings.fromEnv(new Env(Map.of("IMGPIPE_UPLOAD_TOKENS", "ab12, cd34",
                "IMGPIPE_PRESETS", "card:width=600&height=400&fit=cover")));

        assertThat(c.uploadTokens()).containsExactlyInAnyOrder("ab12", "cd34");
        assertThat(c.options().presets()).containsEntry("card", "width=600&height=400&fit=cover");
    }

    @Test
    void keysAreOffByDefaultAndOnOnceApiKeysAreSet() {
        GatewaySettings.Security open = GatewaySettings.fromEnv(new Env(Map.of())).security();
        assertThat(open.keysOn()).isFalse();
        assertThat(open.signingKey()).isNull();
        assertThat(open.adminPort()).isEqualTo(-1);
        assertThat(open.streamsPerKey()).isEqualTo(4);

        GatewaySettings c = GatewaySettings.fromEnv(new Env(Map.of("IMGPIPE_API_KEYS",
                "alice:" + "ab".repeat(32) + ", ops:" + "cd".repeat(32) + ":operator")));

        assertThat(c.security().keysOn()).isTrue();
        assertThat(c.security().apiKeys()).extracting(k -> k.owner() + "/" + k.operator())
                .containsExactly("alice/false", "ops/true");
    }

    @Test
    void uploadTokensAndKeysTogetherFailNamingTheSupersedingSetting() {
        assertThatThrownBy(() -> GatewaySettings.fromEnv(new Env(Map.of("IMGPIPE_UPLOAD_TOKENS", "ab12",
                "IMGPIPE_AUTH", "keys")))).hasMessageContaining("IMGPIPE_API_KEYS");
    }

    @Test
    void malformedKeysAndShortSigningKeysFailAtStart() {
        assertThatThrownBy(() -> GatewaySettings.fromEnv(new Env(Map.of("IMGPIPE_API_KEYS", "alice"))))
                .hasMessageContaining("IMGPIPE_API_KEYS");
        assertThatThrownBy(() -> GatewaySettings.fromEnv(new Env(Map.of("IMGPIPE_API_KEYS", "Alice!:" + "ab".repeat(32)))))
                .hasMessageContaining("owner");
        assertThatThrownBy(() -> GatewaySettings.fromEnv(new Env(Map.of("IMGPIPE_URL_SIGNING_KEY", "short"))))
                .hasMessageContaining("IMGPIPE_URL_SIGNING_KEY");
        assertThatThrownBy(() -> GatewaySettings.fromEnv(new Env(Map.of("IMGPIPE_AUTH", "maybe"))))
                .hasMessageContaining("IMGPIPE_AUTH");
    }
}
