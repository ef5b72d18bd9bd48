package io.imgpipe.transformer.engine;

import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;
import io.imgpipe.contract.format.ImageFormat;
import io.imgpipe.contract.options.OptionsParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Node;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14: animated GIF and WebP inputs keep every frame, their delays and the loop count. The fixtures are made by
 * ImageMagick + gifsicle -O3 (frames 2 and 3 are transparent sub-rectangles) and img2webp (blended sub-frames), so
 * the pictures are right only if frames are composed with their offsets, transparency and disposal.
 *
 * <p>Both show a 48x32 red canvas with a 16x16 square: white at x 4..19, then white at x 16..31, then blue at
 * x 28..43 (y 8..23 throughout).
 */
class AnimationTest {

    private static final int RED = 0xD02020;
    private static final int WHITE = 0xFFFFFF;
    private static final int BLUE = 0x2020D0;

    private final ImageEngine engine = new ImageEngine(EngineLimits.defaults());
    private final OptionsParser parser = OptionsParser.withPresets(null);

    private TransformResult transform(String fixture, String query) throws ImageRejectedException {
        return engine.transform(TestImages.resource(fixture), parser.parse(query));
    }

    @Test
    void givenAnAnimatedGif_whenResized_thenEveryFrameItsDelayAndTheLoopCountAreKept() throws Exception {
        TransformResult result = transform("animated-3-frames.gif", "width=24");

        assertThat(result.format()).isEqualTo(ImageFormat.GIF);
        assertThat(result.width()).isEqualTo(24);
        assertThat(result.height()).isEqualTo(16);
        Gif gif = Gif.read(result.bytes());
        assertThat(gif.delaysCentis).containsExactly(10, 20, 50);
        assertThat(gif.netscapeRepeats).isEqualTo(3);
        assertThat(gif.frames).allSatisfy(f -> assertThat(f.getWidth()).isEqualTo(24));
        assertComposedAtHalfSize(gif.frames);
    }

    @Test
    void givenAnAnimatedWebp_whenResized_thenEveryFrameItsDurationAndTheLoopCountAreKept() throws Exception {
        TransformResult result = transform("animated-3-frames.webp", "width=24&quality=95");

        assertThat(result.format()).isEqualTo(ImageFormat.WEBP);
        WebP webp = WebP.read(result.bytes());
        assertThat(webp.durations).containsExactly(100, 200, 300);
        assertThat(webp.plays).isEqualTo(2);
        assertComposedAtHalfSize(webp.frames);
    }

    @Test
    void givenAnAnimatedGif_whenWrittenAsWebp_thenItStaysAnimatedWithTheSameTiming() throws Exception {
        TransformResult result = transform("animated-3-frames.gif", "width=24&format=webp&quality=95");

        WebP webp = WebP.read(result.bytes());
        assertThat(webp.durations).containsExactly(100, 200, 500);
        assertThat(webp.plays).isEqualTo(4); // NETSCAPE 3 repeats = 4 plays
        assertComposedAtHalfSize(webp.frames);
    }

    @Test
    void givenAnAnimatedWebp_whenWrittenAsGif_thenItStaysAnimatedWithTheSameTiming() throws Exception {
        TransformResult result = transform("animated-3-frames.webp", "width=24&format=gif");

        Gif gif = Gif.read(result.bytes());
        assertThat(gif.delaysCentis).containsExactly(10, 20, 30);
        assertThat(gif.netscapeRepeats).isEqualTo(1);
        assertComposedAtHalfSize(gif.frames);
    }

    @ParameterizedTest
    @ValueSource(strings = {"rotate=90", "flip=both", "grayscale=true", "crop=0,0,40,32", "width=20&height=20&fit=cover"})
    void givenAnAnimatedGif_whenTransformedOtherwise_thenEveryFrameIsTransformedAlike(String query) throws Exception {
        TransformResult result = transform("animated-3-frames.gif", query);

        Gif gif = Gif.read(result.bytes());
        assertThat(gif.frames).hasSize(3);
        assertThat(gif.frames).allSatisfy(f -> {
            assertThat(f.getWidth()).isEqualTo(result.width());
            assertThat(f.getHeight()).isEqualTo(result.height());
        });
        assertThat(gif.delaysCentis).containsExactly(10, 20, 50);
    }

    @Test
    void givenAnAnimatedGifRotated_whenRead_thenTheSquareHasTurned() throws Exception {
        TransformResult result = transform("animated-3-frames.gif", "rotate=90");

        Gif gif = Gif.read(result.bytes());
        // clockwise: the source's top-left corner is now top-right; the first square (x 4..19) lies at y 4..19
        assertThat(result.width()).isEqualTo(32);
        assertThat(rgb(gif.frames.get(0), 16, 10)).isEqualTo(WHITE);
        assertThat(rgb(gif.frames.get(0), 16, 40)).isEqualTo(RED);
        assertThat(rgb(gif.frames.get(2), 16, 36)).isEqualTo(BLUE);
    }

    @Test
    void givenATransparentAnimationDisposedToBackground_whenResized_thenEachFrameShowsOnlyItsOwnDot()
            throws Exception {
        // 40x40, transparent; a red dot left, then a blue dot right, each frame disposed to the background
        TransformResult result = transform("animated-transparent.gif", "width=20");

        Gif gif = Gif.read(result.bytes());
        assertThat(gif.frames).hasSize(2);
        assertThat(gif.frames.get(0).getRGB(1, 1) >>> 24).isZero();
        assertThat(gif.frames.get(0).getRGB(5, 10) & 0xFFFFFF).isEqualTo(0xFF0000);
        assertThat(gif.frames.get(1).getRGB(5, 10) >>> 24).as("the red dot was cleared").isZero();
        assertThat(gif.frames.get(1).getRGB(15, 10) & 0xFFFFFF).isEqualTo(0x0000FF);
        assertThat(interlaced(result.bytes())).as("interlaced only with progressive=true").isFalse();
    }

    @Test
    void givenFramesFirst_whenAnAnimatedGifIsTransformed_thenTheResultIsAStill() throws Exception {
        TransformResult result = transform("animated-3-frames.gif", "width=24&frames=first");

        Gif gif = Gif.read(result.bytes());
        assertThat(gif.frames).hasSize(1);
        assertThat(rgb(gif.frames.get(0), 6, 8)).isEqualTo(WHITE);
    }

    @Test
    void givenAnAnimationOverThePixelLimitCountingEveryFrame_whenTransformed_thenItIsTooLargeButAStillIsNot()
            throws Exception {
        long twoFrames = 48 * 32 * 2;
        ImageEngine strict = new ImageEngine(new EngineLimits(twoFrames, 1 << 20, 100, Duration.ofSeconds(5)));
        byte[] gif = TestImages.resource("animated-3-frames.gif");

        ImageRejectedException e = org.junit.jupiter.api.Assertions.assertThrows(ImageRejectedException.class,
                () -> strict.transform(gif, parser.parse("width=24")));

        assertThat(e.reason()).isEqualTo("image_too_large");
        assertThat(e.getMessage()).contains("3 frames");
        assertThat(strict.transform(gif, parser.parse("width=24&frames=first")).width()).isEqualTo(24);
    }

    @Test
    void givenAnAnimationWhoseResultOutgrowsTheByteLimit_whenTransformed_thenItIsTooLarge() {
        ImageEngine small = new ImageEngine(EngineLimits.defaults().withResultBounds(1_000_000, 300));

        ImageRejectedException e = org.junit.jupiter.api.Assertions.assertThrows(ImageRejectedException.class,
                () -> small.transform(TestImages.resource("animated-3-frames.webp"), parser.parse("quality=100")));

        assertThat(e.reason()).isEqualTo("result_too_large");
    }

    @Test
    void givenATruncatedAnimatedWebp_whenTransformed_thenItIsCorrupt() {
        byte[] webp = TestImages.resource("animated-3-frames.webp");
        byte[] cut = Arrays.copyOf(webp, webp.length - 30);

        ImageRejectedException e = org.junit.jupiter.api.Assertions.assertThrows(ImageRejectedException.class,
                () -> engine.transform(cut, parser.parse("width=24")));

        assertThat(e.reason()).isEqualTo("corrupt_image");
    }

    @Test
    void givenATruncatedAnimatedGif_whenTransformed_thenItIsRefusedAsCorrupt() {
        byte[] gif = TestImages.resource("animated-3-frames.gif");
        byte[] cut = Arrays.copyOf(gif, gif.length - 40);

        ImageRejectedException e = org.junit.jupiter.api.Assertions.assertThrows(ImageRejectedException.class,
                () -> engine.transform(cut, parser.parse("width=24")));

        assertThat(e.reason()).isEqualTo("corrupt_image");
    }

    /** Whether the first image descriptor (after the screen, its palette and the extensions) sets the interlace bit. */
    private static boolean interlaced(byte[] gif) {
        int i = 13 + ((gif[10] & 0x80) != 0 ? 3 << ((gif[10] & 7) + 1) : 0);
        while (gif[i] == 0x21) {
            i += 2;
            while (gif[i] != 0) {
                i += 1 + (gif[i] & 0xFF);
            }
            i++;
        }
        return (gif[i + 9] & 0x40) != 0;
    }

    /** Frame 1 white square on the left, frame 2 in the middle (the old place red again), frame 3 blue right. */
    private static void assertComposedAtHalfSize(List<BufferedImage> frames) {
        assertThat(frames).hasSize(3);
        assertThat(rgb(frames.get(0), 6, 8)).isEqualTo(WHITE);
        assertThat(rgb(frames.get(0), 20, 8)).isEqualTo(RED);
        assertThat(rgb(frames.get(1), 4, 8)).isEqualTo(RED);
        assertThat(rgb(frames.get(1), 12, 8)).isEqualTo(WHITE);
        assertThat(rgb(frames.get(2), 10, 8)).isEqualTo(RED);
        assertThat(rgb(frames.get(2), 18, 8)).isEqualTo(BLUE);
    }

    /** The colour at a point, snapped to the nearest of the fixture's three (lossy WebP and resampling blur a bit). */
    private static int rgb(BufferedImage image, int x, int y) {
        int p = image.getRGB(x, y) & 0xFFFFFF;
        int best = RED;
        for (int c : new int[] {RED, WHITE, BLUE}) {
            if (TestImages.distance(p, c) < TestImages.distance(p, best)) {
                best = c;
            }
        }
        assertThat(TestImages.distance(p, best)).as("colour %06x at %d,%d", p, x, y).isLessThan(40);
        return best;
    }

    /** An animated GIF as ImageIO's reader sees it: the frames as stored, their delays, the NETSCAPE repeats. */
    private record Gif(List<BufferedImage> frames, List<Integer> delaysCentis, int netscapeRepeats) {
        static Gif read(byte[] bytes) throws Exception {
            ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
            try {
                reader.setInput(new ByteArrayImageInputStream(bytes));
                List<BufferedImage> frames = new ArrayList<>();
                List<Integer> delays = new ArrayList<>();
                int repeats = -1;
                for (int i = 0; i < reader.getNumImages(true); i++) {
                    frames.add(reader.read(i));
                    IIOMetadataNode root = (IIOMetadataNode) reader.getImageMetadata(i)
                            .getAsTree("javax_imageio_gif_image_1.0");
                    for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
                        IIOMetadataNode node = (IIOMetadataNode) n;
                        if (n.getNodeName().equals("GraphicControlExtension")) {
                            delays.add(Integer.parseInt(node.getAttribute("delayTime")));
                        } else if (n.getNodeName().equals("ApplicationExtensions")) {
                            byte[] user = (byte[]) ((IIOMetadataNode) node.getFirstChild()).getUserObject();
                            repeats = (user[1] & 0xFF) | (user[2] & 0xFF) << 8;
                        }
                    }
                }
                return new Gif(frames, delays, repeats);
            } finally {
                reader.dispose();
            }
        }
    }

    /** An animated WebP: the container read for timing, every frame decoded by TwelveMonkeys' reader. */
    private record WebP(List<BufferedImage> frames, List<Integer> durations, int plays) {
        static WebP read(byte[] bytes) throws Exception {
            List<Integer> durations = new ArrayList<>();
            int plays = -1;
            for (WebpContainer.Chunk c : WebpContainer.chunks(bytes)) {
                if (c.type().equals("ANMF")) {
                    durations.add(WebpContainer.uint24(bytes, c.data() + 12));
                } else if (c.type().equals("ANIM")) {
                    plays = WebpContainer.uint16(bytes, c.data() + 4);
                }
            }
            ImageReader reader = null;
            for (var it = ImageIO.getImageReadersByFormatName("webp"); it.hasNext(); ) {
                ImageReader r = it.next();
                if (r.getClass().getName().startsWith("com.twelvemonkeys.")) {
                    reader = r;
                }
            }
            assertThat(reader).as("TwelveMonkeys' WebP reader").isNotNull();
            try {
                reader.setInput(new ByteArrayImageInputStream(bytes));
                List<BufferedImage> frames = new ArrayList<>();
                for (int i = 0; i < reader.getNumImages(true); i++) {
                    frames.add(reader.read(i));
                }
                return new WebP(frames, durations, plays);
            } finally {
                reader.dispose();
            }
        }
    }
}
