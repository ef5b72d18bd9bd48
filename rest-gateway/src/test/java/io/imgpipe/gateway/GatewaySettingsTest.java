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
}
