package io.imgpipe.transformer.engine;

import io.imgpipe.contract.options.OptionsParser;
import io.imgpipe.contract.options.TransformOptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Issue #10: what one request may cost (time, result pixels, result bytes) is bounded, with its own reasons. */
class ImageEngineCostBoundsTest {

    private final ImageEngine engine = new ImageEngine(EngineLimits.defaults());

    private static TransformOptions options(String query) {
        return OptionsParser.withPresets(null).parse(query);
    }

    private static ImageRejectedException rejection(ImageEngine e, byte[] input, String query) {
        return assertThrows(ImageRejectedException.class, () -> e.transform(input, options(query)));
    }

    @Test
    void givenATinyPngAskedAs3000By3000Bmp_whenTransformed_thenTheResultIsTooLargeBeforeAnyWork() {
        byte[] tiny = TestImages.write(TestImages.quadrants(16, 16), "png");

        ImageRejectedException e = rejection(engine, tiny, "width=3000&height=3000&fit=fill&format=bmp");

        assertThat(e.reason()).isEqualTo("result_too_large");
        assertThat(e.getMessage()).contains("3000x3000 bmp").contains(Long.toString(EngineLimits.DEFAULT_MAX_RESULT_BYTES));
    }

    @Test
    void givenAResultWithMorePixelsThanAllowed_whenTransformed_thenTheResultIsTooLarge() throws Exception {
        ImageEngine bounded = new ImageEngine(EngineLimits.defaults().withResultBounds(10_000, 1 << 20));

        assertThat(rejection(bounded, TestImages.resource("baseline.jpg"), "width=200&height=200&fit=fill").reason())
                .isEqualTo("result_too_large");
        assertThat(bounded.transform(TestImages.resource("baseline.jpg"), options("width=100&height=100&fit=fill"))
                .width()).isEqualTo(100);
    }

    @Test
    void givenACompressedResultLargerThanAllowed_whenEncoded_thenTheResultIsTooLarge() {
        ImageEngine bounded = new ImageEngine(EngineLimits.defaults().withResultBounds(1_000_000, 2_000));

        assertThat(rejection(bounded, TestImages.resource("baseline.jpg"), "width=300&format=png").reason())
                .isEqualTo("result_too_large");
        assertThat(rejection(bounded, TestImages.resource("baseline.jpg"), "width=300&format=jpeg").reason())
                .isEqualTo("result_too_large");
    }

    @Test
    void givenAResultTooLargeOnce_whenTheNextImageFits_thenTheSameEngineTransformsIt() throws Exception {
        ImageEngine bounded = new ImageEngine(EngineLimits.defaults().withResultBounds(1_000_000, 20_000));
        rejection(bounded, TestImages.resource("baseline.jpg"), "width=600&format=png");

        TransformResult small = bounded.transform(TestImages.resource("baseline.jpg"), options("width=40&format=png"));

        assertThat(small.bytes().length).isLessThan(20_000);
    }

    @Test
    void givenATransformBudgetThatHasRunOut_whenTransformed_thenTheReasonIsTimeout() {
        ImageEngine hurried = new ImageEngine(EngineLimits.defaults().withTransformBudget(Duration.ZERO));

        assertThat(rejection(hurried, TestImages.resource("baseline.jpg"), "width=100&blur=50").reason())
                .isEqualTo("timeout");
        assertThat(rejection(hurried, TestImages.resource("lossy.webp"), "width=100").reason())
                .isEqualTo("timeout");
    }

    @Test
    void givenALargeBlurWithinTheBudget_whenTransformed_thenItCompletes() throws Exception {
        TransformResult r = engine.transform(TestImages.resource("baseline.jpg"),
                options("width=1200&height=1200&fit=fill&blur=100"));

        assertThat(r.width()).isEqualTo(1200);
    }
}
