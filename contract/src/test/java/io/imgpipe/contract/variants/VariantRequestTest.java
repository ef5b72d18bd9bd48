package io.imgpipe.contract.variants;

import io.imgpipe.contract.options.BadOptionException;
import io.imgpipe.contract.options.OptionsParser;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

class VariantRequestTest {

    private final OptionsParser parser = OptionsParser.withPresets("wide:width=1200&height=500&fit=cover");

    @Test
    void givenPlainOptions_whenParsed_thenTheyMakeTheOneDefaultVariant() {
        List<Variant> v = VariantRequest.parse(parser, Map.of("width", List.of("300")));

        assertThat(v).containsExactly(new Variant("default", "width=300"));
    }

    @Test
    void givenNoParameter_whenParsed_thenTheDefaultPresetMakesTheDefaultVariant() {
        assertThat(VariantRequest.parse(parser, Map.of()))
                .containsExactly(new Variant("default", parser.parse("preset=default").toQuery()));
    }

    @Test
    void givenPresetNames_whenParsed_thenOneVariantEachInTheirOrder() {
        List<Variant> v = VariantRequest.parse(parser, Map.of("variants", List.of("thumbnail,wide")));

        assertThat(v).extracting(Variant::name).containsExactly("thumbnail", "wide");
        assertThat(v.get(1).options()).isEqualTo("width=1200&height=500&fit=cover");
    }

    @Test
    void givenVariantsAndPlainOptions_whenParsed_thenTheConflictIsNamed() {
        BadOptionException e = assertThrows(BadOptionException.class, () -> VariantRequest.parse(parser,
                Map.of("variants", List.of("thumbnail"), "width", List.of("10"))));

        assertThat(e.getMessage()).contains("variants and plain options cannot be combined").contains("width");
    }

    @Test
    void givenAnUnknownOrRepeatedOrEmptyName_whenParsed_thenRefused() {
        assertThat(assertThrows(BadOptionException.class, () -> VariantRequest.ofNames(parser, "thumbnail,nope"))
                .getMessage()).contains("unknown preset 'nope'").contains("card");
        assertThrows(BadOptionException.class, () -> VariantRequest.ofNames(parser, "card,card"));
        assertThrows(BadOptionException.class, () -> VariantRequest.ofNames(parser, "card,"));
    }

    @Test
    void givenVariants_whenEncodedAndDecoded_thenTheSameListComesBack() {
        List<Variant> v = List.of(new Variant("a", "width=1&crop=1,2,3,4&background=ffffff"), new Variant("b", ""));

        assertThat(Variants.decode(Variants.encode(v))).isEqualTo(v);
    }
}
