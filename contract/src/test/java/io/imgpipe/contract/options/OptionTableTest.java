package io.imgpipe.contract.options;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one table of transform options: complete, and the source of everything derived from it. */
class OptionTableTest {

    private final OptionsParser parser = new OptionsParser(Map.of());

    /** A value other than the default for every option, in the table's grammar. */
    private static final Map<String, String> SAMPLE = Map.ofEntries(Map.entry("width", "300"),
            Map.entry("height", "200"), Map.entry("fit", "cover"), Map.entry("gravity", "smart"),
            Map.entry("crop", "1,2,30,40"), Map.entry("dpr", "1.5"), Map.entry("rotate", "90"),
            Map.entry("flip", "both"), Map.entry("autorotate", "false"), Map.entry("grayscale", "true"),
            Map.entry("blur", "0.5"), Map.entry("sharpen", "2"), Map.entry("background", "00ff7f"),
            Map.entry("watermark", "logo"), Map.entry("watermark_position", "tile"),
            Map.entry("watermark_opacity", "0.5"), Map.entry("watermark_scale", "0.1"),
            Map.entry("format", "webp"), Map.entry("quality", "70"), Map.entry("progressive", "true"),
            Map.entry("png_colors", "16"), Map.entry("png_dither", "false"), Map.entry("strip", "false"),
            Map.entry("keep", "copyright"), Map.entry("frames", "first"));

    @Test
    void givenTheTable_whenComparedWithTheRecord_thenEveryComponentHasExactlyOneEntry() {
        assertThat(OptionTable.ALL).hasSize(TransformOptions.class.getRecordComponents().length);
        assertThat(new HashSet<>(OptionTable.names())).hasSameSizeAs(OptionTable.names());
        assertThat(OptionTable.names()).containsExactlyInAnyOrderElementsOf(SAMPLE.keySet());
    }

    @Test
    void givenTheDefaults_whenBuilt_thenTheyAreTheIdentityAndItsCanonicalFormIsEmpty() {
        for (TransformOption<?> option : OptionTable.ALL) {
            assertThat(option.canonicalIn(TransformOptions.IDENTITY)).as(option.name()).isNull();
        }
        assertThat(TransformOptions.IDENTITY.toQuery()).isEmpty();
    }

    @Test
    void givenEveryOptionSet_whenWrittenCanonically_thenItIsInTableOrderAndParsesBackToTheSameOptions() {
        String query = String.join("&", OptionTable.names().stream().map(n -> n + "=" + SAMPLE.get(n)).toList());
        List<String> shuffled = Arrays.asList(query.split("&"));
        Collections.reverse(shuffled);

        TransformOptions o = parser.parse(String.join("&", shuffled));

        assertThat(o.toQuery()).isEqualTo(query);
        assertThat(List.copyOf(o.asMap().keySet())).isEqualTo(OptionTable.names());
        assertThat(parser.parseCanonical(o.toQuery())).isEqualTo(o);
    }

    @Test
    void givenEachOption_whenItsSampleIsParsed_thenItIsNotTheDefault() {
        for (TransformOption<?> option : OptionTable.ALL) {
            assertThat(sampleIsDefault(option)).as(option.name()).isFalse();
        }
    }

    private static <T> boolean sampleIsDefault(TransformOption<T> option) {
        return option.isDefault(option.parse(SAMPLE.get(option.name())));
    }

    @Test
    void givenANumericOption_whenOutOfItsRange_thenTheErrorNamesItAndItsRange() {
        for (TransformOption<?> option : OptionTable.ALL) {
            if (option.maximum() == null) {
                continue;
            }
            String tooBig = Long.toString((long) (option.maximum() + 1));
            assertThatThrownBy(() -> option.parse(tooBig)).isInstanceOf(BadOptionException.class)
                    .hasMessageStartingWith(option.name() + " must be")
                    .satisfies(e -> assertThat(((BadOptionException) e).parameter()).isEqualTo(option.name()));
        }
    }

    @Test
    void givenTheTable_whenDescribedForThePage_thenEachEntryCarriesTypeDefaultAndChoices() {
        List<Map<String, Object>> described = OptionTable.describeAll();

        assertThat(described).extracting(m -> m.get("name")).containsExactlyElementsOf(OptionTable.names());
        assertThat(described.get(0)).containsEntry("type", "integer").containsEntry("minimum", 1L)
                .containsEntry("maximum", 16384L).containsEntry("default", 0L);
        Map<String, Object> format = described.get(OptionTable.names().indexOf("format"));
        assertThat(format).containsEntry("default", "auto")
                .containsEntry("values", List.of("auto", "jpeg", "png", "gif", "bmp", "tiff", "webp", "avif"));
        Map<String, Object> quality = described.get(OptionTable.names().indexOf("quality"));
        assertThat(quality).containsEntry("default", 85L);
        assertThat(described.get(OptionTable.names().indexOf("crop"))).containsEntry("default", null);
    }
}
