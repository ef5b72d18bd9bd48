package io.imgpipe.contract.options;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

class OptionsParserTest {

    private final OptionsParser parser = OptionsParser.withPresets(null);

    @Test
    void givenEveryParameter_whenParsed_thenEachLandsInItsField() {
        TransformOptions o = parser.parse("width=800&height=600&fit=cover&gravity=northeast&crop=1,2,300,400&dpr=2"
                + "&rotate=90&flip=h&autorotate=false&grayscale=true&blur=1.5&sharpen=0.5&background=%23ff0000"
                + "&format=png&quality=70&progressive=true&strip=false&keep=copyright&frames=first");

        assertThat(o).isEqualTo(new TransformOptions(800, 600, Fit.COVER, Gravity.NORTHEAST,
                new Crop(1, 2, 300, 400), 2.0, 90, Flip.HORIZONTAL, false, true, 1.5, 0.5, 0xFF0000,
                null, WatermarkPosition.SE, 1.0, 0.25, OutputFormat.PNG, 70, true, 0, true, false, Keep.COPYRIGHT,
                Frames.FIRST));
        assertThat(o.scaledWidth()).isEqualTo(1600);
        assertThat(o.scaledHeight()).isEqualTo(1200);
    }

    @Test
    void givenTheBriefsExample_whenParsed_thenItFitsInsideAJpegBox() {
        TransformOptions o = parser.parse("width=800&height=800&fit=inside&format=jpeg&quality=85");

        assertThat(o.width()).isEqualTo(800);
        assertThat(o.height()).isEqualTo(800);
        assertThat(o.fit()).isEqualTo(Fit.INSIDE);
        assertThat(o.format()).isEqualTo(OutputFormat.JPEG);
        assertThat(o.quality()).isEqualTo(85);
        assertThat(o.autoOrient()).isTrue();
        assertThat(o.strip()).isTrue();
    }

    @Test
    void givenNoParameterAtAll_whenParsed_thenTheDefaultPresetApplies() {
        TransformOptions o = parser.parse("");

        assertThat(o).isEqualTo(parser.parse(OptionsParser.BUILT_IN_PRESETS.get(OptionsParser.DEFAULT_PRESET)));
        assertThat(o.width()).isEqualTo(1600);
        assertThat(o.fit()).isEqualTo(Fit.INSIDE);
    }

    @Test
    void givenOnlyAFormat_whenParsed_thenNoPresetApplies() {
        TransformOptions o = parser.parse("format=webp");

        assertThat(o.resizes()).isFalse();
        assertThat(o.format()).isEqualTo(OutputFormat.WEBP);
    }

    @Test
    void givenAPreset_whenParsed_thenItsValuesApply() {
        TransformOptions o = parser.parse("preset=thumbnail");

        assertThat(o.width()).isEqualTo(200);
        assertThat(o.height()).isEqualTo(200);
        assertThat(o.fit()).isEqualTo(Fit.COVER);
        assertThat(o.gravity()).isEqualTo(Gravity.SMART);
        assertThat(o.format()).isEqualTo(OutputFormat.JPEG);
        assertThat(o.quality()).isEqualTo(80);
    }

    @Test
    void givenAPresetAndExplicitParameters_whenParsed_thenTheExplicitOnesWinWhateverTheirOrder() {
        TransformOptions o = parser.parse("quality=95&preset=thumbnail&width=300");

        assertThat(o.width()).isEqualTo(300);
        assertThat(o.height()).isEqualTo(200);
        assertThat(o.quality()).isEqualTo(95);
    }

    @Test
    void givenACoverPresetOverriddenByAnotherFit_whenParsed_thenThePresetsGravityIsDropped() {
        TransformOptions o = parser.parse("preset=thumbnail&fit=contain");

        assertThat(o.fit()).isEqualTo(Fit.CONTAIN);
        assertThat(o.gravity()).isEqualTo(Gravity.CENTER);
    }

    @Test
    void givenPresetsFromTheSetting_whenParsed_thenTheyAddToAndReplaceTheBuiltIns() {
        OptionsParser custom = OptionsParser.withPresets("banner:width=1200&height=300&fit=cover;thumbnail:width=64;;");

        assertThat(custom.presetNames()).contains("banner", "thumbnail", "preview", "avatar", "default");
        assertThat(custom.parse("preset=banner").height()).isEqualTo(300);
        assertThat(custom.parse("preset=thumbnail").fit()).isEqualTo(Fit.CONTAIN);
        assertThat(custom.parse("preset=thumbnail").width()).isEqualTo(64);
    }

    @Test
    void givenAPresetSettingWithoutAName_whenBuilt_thenItIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OptionsParser.withPresets("width=100"));

        assertThat(e).hasMessageContaining("NAME:QUERY");
    }

    @Test
    void givenAnInvalidPreset_whenBuilt_thenItIsRefusedNamingThePreset() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OptionsParser.withPresets("broken:width=0"));

        assertThat(e).hasMessageContaining("broken").hasMessageContaining("width");
    }

    @Test
    void givenAnUnknownPreset_whenParsed_thenTheErrorNamesPresetAndListsTheKnownOnes() {
        BadOptionException e = assertThrows(BadOptionException.class, () -> parser.parse("preset=huge"));

        assertThat(e.parameter()).isEqualTo("preset");
        assertThat(e).hasMessageContaining("huge").hasMessageContaining("thumbnail");
    }

    @Test
    void givenAnUnknownParameter_whenParsed_thenTheErrorNamesItAndListsTheAllowedOnes() {
        BadOptionException e = assertThrows(BadOptionException.class, () -> parser.parse("width=10&colour=red"));

        assertThat(e.parameter()).isEqualTo("colour");
        assertThat(e).hasMessageContaining("unknown parameter 'colour'").hasMessageContaining("width, height");
    }

    @Test
    void givenAnUppercaseParameterName_whenParsed_thenItIsUnknown() {
        BadOptionException e = assertThrows(BadOptionException.class, () -> parser.parse("Width=10"));

        assertThat(e.parameter()).isEqualTo("Width");
    }

    @Test
    void givenARepeatedParameter_whenParsed_thenTheErrorNamesIt() {
        BadOptionException e = assertThrows(BadOptionException.class, () -> parser.parse("width=10&width=20"));

        assertThat(e.parameter()).isEqualTo("width");
        assertThat(e).hasMessageContaining("more than once");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "width|0", "width|16385", "width|abc", "width|''", "width|1.5",
        "height|-1", "height|99999999999",
        "fit|stretch", "fit|COVER",
        "gravity|middle",
        "crop|1,2,3", "crop|-1,0,10,10", "crop|0,0,0,10", "crop|a,b,c,d",
        "dpr|0.5", "dpr|5", "dpr|NaN", "dpr|1e0",
        "rotate|45", "rotate|91",
        "flip|diagonal",
        "autorotate|maybe", "grayscale|2", "progressive|on", "strip|yes please",
        "blur|-1", "blur|101", "blur|Infinity",
        "sharpen|11",
        "background|red", "background|#12345", "background|gggggg",
        "format|svg", "format|heic",
        "quality|0", "quality|101"})
    void givenAnOutOfRangeValue_whenParsed_thenTheErrorNamesItsParameter(String name, String value) {
        String query = name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);

        BadOptionException e = assertThrows(BadOptionException.class, () -> parser.parse(query));

        assertThat(e.parameter()).isEqualTo(name);
        assertThat(e.getMessage()).contains(name);
    }

    @Test
    void givenCoverWithOnlyAWidth_whenParsed_thenTheErrorNamesFit() {
        BadOptionException e = assertThrows(BadOptionException.class, () -> parser.parse("width=100&fit=cover"));

        assertThat(e.parameter()).isEqualTo("fit");
        assertThat(e).hasMessageContaining("needs both width and height");
    }

    @Test
    void givenFillWithOnlyAHeight_whenParsed_thenTheErrorNamesFit() {
        BadOptionException e = assertThrows(BadOptionException.class, () -> parser.parse("height=100&fit=fill"));

        assertThat(e.parameter()).isEqualTo("fit");
    }

    @Test
    void givenGravityWithoutCover_whenParsed_thenTheErrorNamesGravity() {
        BadOptionException e = assertThrows(BadOptionException.class, () -> parser.parse("width=100&gravity=north"));

        assertThat(e.parameter()).isEqualTo("gravity");
    }

    @Test
    void givenDprWithoutASize_whenParsed_thenTheErrorNamesDpr() {
        BadOptionException e = assertThrows(BadOptionException.class, () -> parser.parse("dpr=2"));

        assertThat(e.parameter()).isEqualTo("dpr");
    }

    @Test
    void givenDprPushingTheSizePastTheMaximum_whenParsed_thenTheErrorNamesDpr() {
        BadOptionException e = assertThrows(BadOptionException.class, () -> parser.parse("width=10000&dpr=2"));

        assertThat(e.parameter()).isEqualTo("dpr");
        assertThat(e).hasMessageContaining("16384");
    }

    @Test
    void givenAControlCharacterInAValue_whenRejected_thenTheMessageShowsItSafely() {
        BadOptionException e = assertThrows(BadOptionException.class, () -> parser.parse("fit=ev%0Ail"));

        assertThat(e.getMessage()).doesNotContain("\n").contains("'ev?il'");
    }

    @ParameterizedTest
    @CsvSource({"90,90", "-270,90", "180,180", "-180,180", "270,270", "-90,270", "0,0", "360,0"})
    void givenARotationInEitherDirection_whenParsed_thenItIsAClockwiseQuarterTurn(String raw, int expected) {
        assertThat(parser.parse("rotate=" + raw).rotate()).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"h,HORIZONTAL", "horizontal,HORIZONTAL", "v,VERTICAL", "vertical,VERTICAL", "both,BOTH",
        "hv,BOTH", "vh,BOTH", "none,NONE"})
    void givenAFlipSpelling_whenParsed_thenItMapsToTheMirror(String raw, Flip expected) {
        assertThat(parser.parse("flip=" + raw).flip()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ffffff", "%23ffffff", "fff", "%23FFF"})
    void givenAWhiteInAnySpelling_whenParsed_thenTheBackgroundIsWhite(String raw) {
        assertThat(parser.parse("format=jpeg&background=" + raw).background()).isEqualTo(0xFFFFFF);
    }

    @Test
    void givenJpgAsAFormat_whenParsed_thenItMeansJpeg() {
        assertThat(parser.parse("format=jpg").format()).isEqualTo(OutputFormat.JPEG);
    }

    @Test
    void givenAFlagWithoutValue_whenParsed_thenItIsTrue() {
        assertThat(parser.parse("grayscale").grayscale()).isTrue();
        assertThat(parser.parse("format=png&progressive=").progressive()).isTrue();
    }

    @Test
    void givenAQueryMap_whenParsed_thenItMatchesTheStringForm() {
        TransformOptions fromMap = parser.parse(Map.of("width", List.of("320"), "format", List.of("gif")));

        assertThat(fromMap).isEqualTo(parser.parse("width=320&format=gif"));
    }

    @Test
    void givenPercentEncodingAndEmptyPairs_whenSplit_thenValuesAreDecodedAndOrderKept() {
        Map<String, List<String>> q = OptionsParser.parseQuery("&b=%23fff&&a=1&a=2&flag");

        assertThat(q).containsExactly(Map.entry("b", List.of("#fff")), Map.entry("a", List.of("1", "2")),
                Map.entry("flag", List.of("")));
    }

    @Test
    void givenOptions_whenWrittenCanonicallyAndParsedAgain_thenTheyAreEqual() {
        List<String> queries = List.of(
                "width=800&height=800&fit=inside&format=jpeg&quality=85",
                "preset=thumbnail",
                "preset=avatar&dpr=1.5",
                "crop=10,20,30,40&rotate=270&flip=both&autorotate=false&grayscale&blur=0.0001&sharpen=2.25"
                        + "&background=0a0b0c&format=tiff&progressive=true&strip=false",
                "height=300&fit=contain&format=webp&quality=1");
        for (String q : queries) {
            TransformOptions o = parser.parse(q);

            String canonical = o.toQuery();

            assertThat(parser.parseCanonical(canonical)).as(q + " -> " + canonical).isEqualTo(o);
            assertThat(parser.parse(canonical)).as(q + " -> " + canonical).isEqualTo(o);
        }
    }

    @Test
    void givenTheIdentity_whenWrittenCanonically_thenItIsEmptyAndParsesBackAsIdentity() {
        TransformOptions o = parser.parse("format=auto");

        assertThat(o).isEqualTo(TransformOptions.IDENTITY);
        assertThat(o.toQuery()).isEmpty();
        assertThat(parser.parseCanonical(o.toQuery())).isEqualTo(TransformOptions.IDENTITY);
    }

    @Test
    void givenTheSameOptionsInAnotherOrder_whenWrittenCanonically_thenTheStringsAreIdentical() {
        String a = parser.parse("format=png&width=10&grayscale=1").toQuery();
        String b = parser.parse("grayscale=yes&width=10&format=png").toQuery();

        assertThat(a).isEqualTo(b).isEqualTo("width=10&grayscale=true&format=png");
    }

    @Test
    void givenConfiguredWatermarks_whenAnUnknownOneIsNamed_thenTheErrorNamesItAndTheConfiguredOnes() {
        OptionsParser gateway = parser.withWatermarks(java.util.Set.of("logo", "brand"));

        assertThat(gateway.parse("watermark=logo&watermark_position=tile").watermark()).isEqualTo("logo");
        BadOptionException e = org.junit.jupiter.api.Assertions.assertThrows(BadOptionException.class,
                () -> gateway.parse("watermark=other"));
        assertThat(e.getMessage()).contains("'other'").contains("brand, logo");
    }

    @Test
    void givenWatermarkPlacementWithoutAWatermark_whenParsed_thenItIsRefused() {
        BadOptionException e = org.junit.jupiter.api.Assertions.assertThrows(BadOptionException.class,
                () -> parser.parse("watermark_opacity=0.5"));
        assertThat(e.getMessage()).contains("need watermark");
    }

    @Test
    void givenAWatermarkSetting_whenMalformed_thenItNamesTheVariable() {
        assertThat(WatermarkSetting.parse("logo:/a.png; brand:/b.png")).containsOnlyKeys("logo", "brand");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> WatermarkSetting.parse("Logo!:/a.png"))
                .hasMessageContaining("IMGPIPE_WATERMARKS");
    }
}
