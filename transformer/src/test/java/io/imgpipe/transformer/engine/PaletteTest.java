package io.imgpipe.transformer.engine;

import io.imgpipe.contract.options.OptionsParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14: palette PNGs stay palette PNGs when nothing resamples them, and {@code png_colors} quantises any image
 * to a small palette. {@code palette-96x64.png} is ImageMagick's plasma reduced to 24 colours (PNG8).
 */
class PaletteTest {

    private final ImageEngine engine = new ImageEngine(EngineLimits.defaults());
    private final OptionsParser parser = OptionsParser.withPresets(null);

    private TransformResult transform(String fixture, String query) throws ImageRejectedException {
        return engine.transform(TestImages.resource(fixture), parser.parse(query));
    }

    @ParameterizedTest
    @ValueSource(strings = {"format=png", "rotate=90", "flip=both", "crop=10,10,40,30"})
    void givenAPalettePng_whenNothingResamplesIt_thenItStaysAPalettePngWithTheSamePixels(String query)
            throws Exception {
        BufferedImage source = TestImages.decode(TestImages.resource("palette-96x64.png"));

        TransformResult result = transform("palette-96x64.png", query);

        assertThat(pngColourType(result.bytes())).as("PNG colour type (3: palette)").isEqualTo(3);
        BufferedImage out = TestImages.decode(result.bytes());
        assertThat(out.getColorModel()).isInstanceOf(IndexColorModel.class);
        assertThat(colours(out)).isSubsetOf(colours(source));
    }

    @Test
    void givenAPalettePngWithAlpha_whenKept_thenItStaysPaletteAndTransparent() throws Exception {
        TransformResult result = transform("palette-transparent-32.png", "format=png");

        assertThat(pngColourType(result.bytes())).isEqualTo(3);
        BufferedImage out = TestImages.decode(result.bytes());
        assertThat(out.getRGB(0, 0) >>> 24).isZero();
    }

    @Test
    void givenAPalettePng_whenResized_thenItIsWrittenInTrueColourToKeepTheResampledShades() throws Exception {
        TransformResult result = transform("palette-96x64.png", "width=50");

        assertThat(pngColourType(result.bytes())).isIn(2, 6);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 16, 64, 256})
    void givenPngColors_whenAPhotoIsWritten_thenItHasAtMostThatManyColoursAndLooksTheSame(int n) throws Exception {
        TransformResult full = transform("baseline.jpg", "format=png");

        TransformResult quantised = transform("baseline.jpg", "format=png&png_colors=" + n);

        assertThat(pngColourType(quantised.bytes())).isEqualTo(3);
        BufferedImage out = TestImages.decode(quantised.bytes());
        assertThat(colours(out).size()).isLessThanOrEqualTo(n);
        // a 256-colour dithered palette still saves, fewer colours save much more
        assertThat(quantised.bytes().length).isLessThan(n == 256 ? full.bytes().length : full.bytes().length / 2);
        int meanOut = TestImages.mean(out);
        int meanIn = TestImages.mean(TestImages.decode(full.bytes()));
        assertThat(TestImages.distance(meanOut, meanIn)).isLessThan(n <= 2 ? 60 : 12);
    }

    @Test
    void givenPngColors_whenSixteenColoursWithoutDither_thenEachPixelIsNearItsSource() throws Exception {
        BufferedImage in = TestImages.decode(TestImages.resource("baseline.jpg"));

        BufferedImage out = TestImages.decode(transform("baseline.jpg",
                "format=png&png_colors=16&png_dither=false").bytes());

        long total = 0;
        for (int y = 0; y < in.getHeight(); y += 3) {
            for (int x = 0; x < in.getWidth(); x += 3) {
                total += TestImages.distance(in.getRGB(x, y), out.getRGB(x, y));
            }
        }
        long samples = (long) ((in.getHeight() + 2) / 3) * ((in.getWidth() + 2) / 3);
        assertThat(total / samples).as("mean distance per pixel").isLessThan(40);
    }

    private static int pngColourType(byte[] png) {
        return png[25];
    }

    private static Set<Integer> colours(BufferedImage img) {
        Set<Integer> set = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                set.add(img.getRGB(x, y));
            }
        }
        return set;
    }
}
