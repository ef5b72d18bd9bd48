package io.imgpipe.transformer.engine;

import io.imgpipe.contract.options.OptionsParser;
import io.imgpipe.contract.options.TransformOptions;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Issue 13: every variant of a job from one decode, each handed over as soon as it is encoded. */
class ImageEngineVariantsTest {

    private final ImageEngine engine = new ImageEngine(EngineLimits.defaults());
    private final OptionsParser parser = OptionsParser.withPresets(null);

    private record Outcome(int index, TransformResult result, ImageRejectedException failure) {
    }

    private List<Outcome> transformEach(byte[] input, String... queries) throws Exception {
        List<TransformOptions> options = new ArrayList<>();
        for (String q : queries) {
            options.add(parser.parse(q));
        }
        List<Outcome> outcomes = new ArrayList<>();
        engine.transformEach(input, options, (i, r, f) -> outcomes.add(new Outcome(i, r, f)));
        return outcomes;
    }

    @Test
    void givenThreeVariants_whenTransformed_thenEachHasItsOwnSizeAndFormat() throws Exception {
        byte[] png = TestImages.write(TestImages.quadrants(200, 100), "png");

        List<Outcome> out = transformEach(png, "width=50&format=png", "width=100&height=100&fit=cover&format=jpeg",
                "width=160&format=webp");

        assertThat(out).extracting(Outcome::index).containsExactly(0, 1, 2);
        assertThat(out).allSatisfy(o -> assertThat(o.failure()).isNull());
        assertThat(out.get(0).result().width()).isEqualTo(50);
        assertThat(out.get(1).result().height()).isEqualTo(100);
        assertThat(out.get(1).result().format().key()).isEqualTo("jpeg");
        assertThat(out.get(2).result().format().key()).isEqualTo("webp");
        assertThat(TestImages.decode(out.get(0).result().bytes()).getWidth()).isEqualTo(50);
    }

    @Test
    void givenJpegVariantsOfDifferentScales_whenMadeTogether_thenEachIsTheSameBytesAsAlone() throws Exception {
        byte[] jpeg = TestImages.jpeg(TestImages.quadrants(1600, 1000), false);
        String[] queries = {"width=800&format=jpeg", "width=100&height=100&fit=cover&gravity=smart&format=jpeg",
                "width=300&format=png"};

        List<Outcome> together = transformEach(jpeg, queries);

        for (int i = 0; i < queries.length; i++) {
            TransformResult alone = engine.transform(jpeg, parser.parse(queries[i]));
            assertThat(together.get(i).result().bytes()).as(queries[i]).isEqualTo(alone.bytes());
        }
    }

    @Test
    void givenOneVariantThatCannotBeMade_whenTransformed_thenOnlyItFails() throws Exception {
        byte[] png = TestImages.write(TestImages.quadrants(200, 100), "png");

        List<Outcome> out = transformEach(png, "crop=500,500,10,10&format=png", "width=20&format=png");

        assertThat(out).hasSize(2);
        Outcome bad = out.stream().filter(o -> o.index() == 0).findFirst().orElseThrow();
        Outcome good = out.stream().filter(o -> o.index() == 1).findFirst().orElseThrow();
        assertThat(bad.failure().reason()).isEqualTo("bad_option");
        assertThat(good.result().width()).isEqualTo(20);
    }

    @Test
    void givenASourceThatIsNoImage_whenTransformed_thenTheWholeJobIsRejected() {
        ImageRejectedException e = assertThrows(ImageRejectedException.class,
                () -> transformEach(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 0, 1, 2}, "width=10"));

        assertThat(e.reason()).isIn("corrupt_image", "unsupported_format");
    }
}
