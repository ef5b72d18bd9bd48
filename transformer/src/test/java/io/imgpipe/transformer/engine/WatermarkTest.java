package io.imgpipe.transformer.engine;

import io.imgpipe.contract.options.OptionsParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Issue 14: {@code watermark=NAME} places a configured logo where asked. The logo ({@code logo-40x20.png},
 * ImageMagick, PNG with alpha) is opaque green; the image is flat white, 200x100, so every pixel says whether the
 * logo covers it.
 */
class WatermarkTest {

    private static final int GREEN = 0x00FF00;
    private static final int WHITE = 0xFFFFFF;

    private static ImageEngine engine;
    private static byte[] white;
    private final OptionsParser parser = OptionsParser.withPresets(null);

    @BeforeAll
    static void configure() throws Exception {
        Path logo = Files.createTempFile("logo", ".png");
        Files.write(logo, TestImages.resource("logo-40x20.png"));
        engine = new ImageEngine(EngineLimits.defaults(), true, Watermarks.load("logo:" + logo));
        white = TestImages.write(TestImages.flat(200, 100, 0xFFFFFFFF, BufferedImage.TYPE_INT_RGB), "png");
    }

    private BufferedImage transform(String query) throws ImageRejectedException {
        return TestImages.decode(engine.transform(white, parser.parse("format=png&" + query)).bytes());
    }

    @Test
    void givenSoutheast_whenPlaced_thenTheLogoSitsInTheBottomRightCornerAtAQuarterOfTheWidth() throws Exception {
        BufferedImage out = transform("watermark=logo&watermark_position=se");

        // 50x25 (a quarter of 200, aspect kept), 2 px (2% of 100) from the right and bottom edges
        assertThat(rgb(out, 150, 75)).isEqualTo(GREEN);
        assertThat(rgb(out, 196, 96)).isEqualTo(GREEN);
        assertThat(rgb(out, 144, 85)).isEqualTo(WHITE);
        assertThat(rgb(out, 198, 98)).isEqualTo(WHITE);
        assertThat(rgb(out, 20, 10)).isEqualTo(WHITE);
    }

    @Test
    void givenNorthwestAndAScale_whenPlaced_thenTheLogoIsTopLeftAtThatWidth() throws Exception {
        BufferedImage out = transform("watermark=logo&watermark_position=nw&watermark_scale=0.5");

        assertThat(rgb(out, 8, 8)).isEqualTo(GREEN);
        assertThat(rgb(out, 100, 50)).isEqualTo(GREEN); // 100x50 from (2,2)
        assertThat(rgb(out, 104, 20)).isEqualTo(WHITE);
        assertThat(rgb(out, 20, 54)).isEqualTo(WHITE);
    }

    @Test
    void givenTile_whenPlaced_thenTheLogoRepeatsOverTheImage() throws Exception {
        BufferedImage out = transform("watermark=logo&watermark_position=tile&watermark_scale=0.1");

        // 20x10 logos every 30 px across and 15 px down
        assertThat(rgb(out, 5, 5)).isEqualTo(GREEN);
        assertThat(rgb(out, 35, 5)).isEqualTo(GREEN);
        assertThat(rgb(out, 185, 95)).isEqualTo(GREEN);
        assertThat(rgb(out, 25, 5)).isEqualTo(WHITE);
        assertThat(rgb(out, 5, 12)).isEqualTo(WHITE);
    }

    @Test
    void givenAnOpacity_whenPlaced_thenTheLogoIsBlendedWithThePixelsUnderIt() throws Exception {
        BufferedImage out = transform("watermark=logo&watermark_position=center&watermark_opacity=0.5");

        int p = out.getRGB(100, 50) & 0xFFFFFF;
        assertThat(TestImages.distance(p, 0x80FF80)).isLessThan(6);
    }

    @Test
    void givenAnUnknownName_whenTransformed_thenTheOptionIsBad() {
        ImageRejectedException e = assertThrows(ImageRejectedException.class,
                () -> engine.transform(white, parser.parse("watermark=other")));

        assertThat(e.reason()).isEqualTo("bad_option");
        assertThat(e.getMessage()).contains("other");
    }

    @Test
    void givenAFileThatIsNoPng_whenLoaded_thenTheStartFailsNamingTheSettingAndTheFile() throws Exception {
        Path jpeg = Files.createTempFile("logo", ".jpg");
        Files.write(jpeg, TestImages.resource("baseline.jpg"));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Watermarks.load("bad:" + jpeg));

        assertThat(e.getMessage()).contains("IMGPIPE_WATERMARKS").contains("bad").contains(jpeg.toString());
    }

    private static int rgb(BufferedImage image, int x, int y) {
        int p = image.getRGB(x, y) & 0xFFFFFF;
        return TestImages.distance(p, GREEN) < TestImages.distance(p, WHITE) ? GREEN : WHITE;
    }
}
