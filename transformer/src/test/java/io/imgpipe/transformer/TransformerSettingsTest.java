package io.imgpipe.transformer;

import io.imgpipe.runtime.Env;
import io.imgpipe.transformer.engine.EngineLimits;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Issue #10: the cost bounds are settings, validated at start with a message naming the variable. */
class TransformerSettingsTest {

    @Test
    void givenNoSettings_whenRead_thenTheCostBoundsHaveTheirDocumentedDefaults() {
        EngineLimits limits = TransformerSettings.fromEnv(new Env(Map.of())).limits();

        assertThat(limits.transformBudget()).isEqualTo(Duration.ofSeconds(20));
        assertThat(limits.maxOutputPixels()).isEqualTo(25_000_000L);
        assertThat(limits.maxResultBytes()).isEqualTo(15L * 1024 * 1024);
    }

    @Test
    void givenNativeHeifSwitchedOff_whenRead_thenTheSettingSaysSoAndItDefaultsToOn() {
        assertThat(TransformerSettings.fromEnv(new Env(Map.of())).nativeHeif()).isTrue();
        assertThat(TransformerSettings.fromEnv(new Env(Map.of("IMGPIPE_NATIVE_HEIF", "false"))).nativeHeif())
                .isFalse();
    }

    @Test
    void givenCostBounds_whenRead_thenTheyReachTheEngineLimits() {
        EngineLimits limits = TransformerSettings.fromEnv(new Env(Map.of("IMGPIPE_TRANSFORM_TIMEOUT_MS", "5000",
                "IMGPIPE_MAX_OUTPUT_PIXELS", "1000000", "IMGPIPE_MAX_RESULT_BYTES", "2097152"))).limits();

        assertThat(limits.transformBudget()).isEqualTo(Duration.ofSeconds(5));
        assertThat(limits.maxOutputPixels()).isEqualTo(1_000_000L);
        assertThat(limits.maxResultBytes()).isEqualTo(2_097_152L);
    }

    @Test
    void givenAResultLimitAboveWhatBrokersAccept_whenRead_thenStartFailsNamingTheVariable() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TransformerSettings.fromEnv(new Env(
                Map.of("IMGPIPE_MAX_RESULT_BYTES", Long.toString(200L * 1024 * 1024)))));

        assertThat(e.getMessage()).contains("IMGPIPE_MAX_RESULT_BYTES");
    }

    @Test
    void givenANonNumericTimeout_whenRead_thenStartFailsNamingTheVariable() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TransformerSettings.fromEnv(new Env(
                Map.of("IMGPIPE_TRANSFORM_TIMEOUT_MS", "soon"))));

        assertThat(e.getMessage()).contains("IMGPIPE_TRANSFORM_TIMEOUT_MS");
    }
}
