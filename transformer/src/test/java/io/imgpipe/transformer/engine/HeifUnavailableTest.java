package io.imgpipe.transformer.engine;

import io.imgpipe.contract.options.OptionsParser;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A transformer without libheif (or with {@code IMGPIPE_NATIVE_HEIF=false}) refuses HEIC/AVIF, naming the library,
 * and never crashes (issue 14). Runs on every machine: the library is switched off, not uninstalled.
 */
class HeifUnavailableTest {

    private final OptionsParser parser = OptionsParser.withPresets(null);

    @Test
    void givenLibheifDisabled_whenHeicOrAvifIsInvolved_thenTheReasonNamesTheMissingLibrary() {
        ImageEngine without = new ImageEngine(EngineLimits.defaults(), true, false);

        ImageRejectedException in = assertThrows(ImageRejectedException.class,
                () -> without.transform(TestImages.resource("photo.heic"), parser.parse("format=png")));
        ImageRejectedException out = assertThrows(ImageRejectedException.class,
                () -> without.transform(TestImages.resource("baseline.jpg"), parser.parse("format=avif")));

        assertThat(without.heifVersion()).isEmpty();
        assertThat(in.reason()).isEqualTo("unsupported_format");
        assertThat(in.getMessage()).contains("heif input cannot be read").contains("libheif");
        assertThat(out.reason()).isEqualTo("unsupported_output");
        assertThat(out.getMessage()).contains("cannot write avif").contains("libheif");
    }
}
