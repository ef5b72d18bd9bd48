package io.imgpipe.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Node;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14, end to end: an animated GIF or WebP uploaded through the gateway comes back animated at the new size,
 * with every frame and its delay, over the real broker and database ({@link TestPipeline}).
 */
class AnimationIT {

    private static Http http;
    private static byte[] gif;
    private static byte[] webp;

    @BeforeAll
    static void start() {
        http = new Http(TestPipeline.shared().baseUrl());
        gif = Fixtures.bytes("/images/animated-3-frames.gif");
        webp = Fixtures.bytes("/images/animated-3-frames.webp");
    }

    @Test
    void animatedGifComesBackAnimatedAtTheNewSizeWithItsDelaysAndLoopCount() throws IOException {
        HttpResponse<byte[]> result = transformed("image?width=24", gif, "image/gif");

        assertThat(result.headers().firstValue("Content-Type")).hasValue("image/gif");
        GifFrames frames = GifFrames.read(result.body());
        assertThat(frames.widths).containsExactly(24, 24, 24);
        assertThat(frames.delaysCentis).containsExactly(10, 20, 50);
        assertThat(frames.netscapeRepeats).isEqualTo(3);
    }

    @Test
    void animatedWebpComesBackAnimatedWithItsDurationsAndLoopCount() {
        HttpResponse<byte[]> result = transformed("image?width=24&rotate=90", webp, "image/webp");

        assertThat(result.headers().firstValue("Content-Type")).hasValue("image/webp");
        WebpChunks chunks = WebpChunks.read(result.body());
        assertThat(chunks.frameDurations).containsExactly(100, 200, 300);
        assertThat(chunks.plays).isEqualTo(2);
        assertThat(chunks.canvasWidth).isEqualTo(16); // 24x16 turned a quarter
        assertThat(chunks.canvasHeight).isEqualTo(24);
    }

    @Test
    void framesFirstAsksForAStill() throws IOException {
        HttpResponse<byte[]> result = transformed("image?width=24&frames=first", gif, "image/gif");

        assertThat(GifFrames.read(result.body()).widths).containsExactly(24);
    }

    @Test
    void anUnknownFramesValueIsRefusedByTheGateway() {
        HttpResponse<byte[]> response = http.post("image?frames=some", gif, "Content-Type", "image/gif");

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode body = Http.json(response);
        assertThat(body.toString()).contains("frames");
    }

    private static HttpResponse<byte[]> transformed(String path, byte[] body, String type) {
        HttpResponse<byte[]> accepted = http.post(path, body, "Content-Type", type);
        assertThat(accepted.statusCode()).as(new String(accepted.body(), StandardCharsets.UTF_8)).isEqualTo(202);
        String id = Http.json(accepted).get("id").asText();
        HttpResponse<byte[]> result = http.get("image/" + id + "?wait=60");
        assertThat(result.statusCode()).as(new String(result.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        return result;
    }

    /** The frames of a GIF as ImageIO's reader sees them. */
    private record GifFrames(List<Integer> widths, List<Integer> delaysCentis, int netscapeRepeats) {
        static GifFrames read(byte[] bytes) throws IOException {
            ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
            try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
                reader.setInput(in);
                List<Integer> widths = new ArrayList<>();
                List<Integer> delays = new ArrayList<>();
                int repeats = -1;
                for (int i = 0; i < reader.getNumImages(true); i++) {
                    widths.add(reader.read(i).getWidth());
                    IIOMetadataNode root = (IIOMetadataNode) reader.getImageMetadata(i)
                            .getAsTree("javax_imageio_gif_image_1.0");
                    for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
                        if (n.getNodeName().equals("GraphicControlExtension")) {
                            delays.add(Integer.parseInt(((IIOMetadataNode) n).getAttribute("delayTime")));
                        } else if (n.getNodeName().equals("ApplicationExtensions")) {
                            byte[] user = (byte[]) ((IIOMetadataNode) n.getFirstChild()).getUserObject();
                            repeats = (user[1] & 0xFF) | (user[2] & 0xFF) << 8;
                        }
                    }
                }
                return new GifFrames(widths, delays, repeats);
            } finally {
                reader.dispose();
            }
        }
    }

    /** An animated WebP's container: canvas, loop count and each ANMF frame's duration. */
    private record WebpChunks(int canvasWidth, int canvasHeight, int plays, List<Integer> frameDurations) {
        static WebpChunks read(byte[] bytes) {
            ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(new String(bytes, 8, 4, StandardCharsets.US_ASCII)).isEqualTo("WEBP");
            int w = 0;
            int h = 0;
            int plays = -1;
            List<Integer> durations = new ArrayList<>();
            int i = 12;
            while (i + 8 <= bytes.length) {
                String type = new String(bytes, i, 4, StandardCharsets.US_ASCII);
                int length = b.getInt(i + 4);
                int data = i + 8;
                switch (type) {
                    case "VP8X" -> {
                        w = uint24(bytes, data + 4) + 1;
                        h = uint24(bytes, data + 7) + 1;
                    }
                    case "ANIM" -> plays = (bytes[data + 4] & 0xFF) | (bytes[data + 5] & 0xFF) << 8;
                    case "ANMF" -> durations.add(uint24(bytes, data + 12));
                    default -> { }
                }
                i = data + length + (length & 1);
            }
            return new WebpChunks(w, h, plays, durations);
        }

        private static int uint24(byte[] d, int i) {
            return (d[i] & 0xFF) | (d[i + 1] & 0xFF) << 8 | (d[i + 2] & 0xFF) << 16;
        }
    }
}
