package io.imgpipe.transformer.engine;

import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;
import io.imgpipe.contract.format.ImageFormat;

import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.List;

/**
 * An animated WebP's frames. The container is read here (VP8X canvas, ANIM loop count, one ANMF chunk per frame
 * with its offset, duration, blending and disposal); each frame's bitstream is wrapped as a still WebP and decoded
 * by the same pure-Java decoder as any WebP ({@link Codecs}), so untrusted input never reaches native code.
 */
final class WebpFrames implements AnimationFrames {

    /** ANMF data before the frame's own chunks: x/2, y/2, width-1, height-1, duration (24 bits each), flags. */
    private static final int ANMF_HEADER = 16;

    private final byte[] input;
    private final List<WebpContainer.Chunk> frames;
    private final Codecs codecs;
    private final int width;
    private final int height;
    private final int plays;
    private final long maxPixels;
    private final AnimationCanvas canvas;
    private int index;

    private WebpFrames(byte[] input, List<WebpContainer.Chunk> frames, Codecs codecs, int width, int height,
                       int plays, long maxPixels) {
        this.input = input;
        this.frames = frames;
        this.codecs = codecs;
        this.width = width;
        this.height = height;
        this.plays = plays;
        this.maxPixels = maxPixels;
        this.canvas = new AnimationCanvas(width, height);
    }

    /** Whether the WebP is animated: a VP8X chunk with the animation flag and at least one frame. */
    static boolean isAnimated(byte[] input) {
        List<WebpContainer.Chunk> chunks = WebpContainer.chunks(input);
        return !chunks.isEmpty() && chunks.get(0).type().equals("VP8X") && chunks.get(0).length() >= 10
                && (input[chunks.get(0).data()] & WebpContainer.ANIMATION_FLAG) != 0
                && chunks.stream().anyMatch(c -> c.type().equals("ANMF"));
    }

    static WebpFrames open(byte[] input, Codecs codecs, EngineLimits limits) throws ImageRejectedException {
        List<WebpContainer.Chunk> chunks = WebpContainer.chunks(input);
        WebpContainer.Chunk vp8x = chunks.get(0);
        List<WebpContainer.Chunk> frames = chunks.stream().filter(c -> c.type().equals("ANMF")).toList();
        Animations.requireFrameCount(frames.size(), limits);
        int width = WebpContainer.uint24(input, vp8x.data() + 4) + 1;
        int height = WebpContainer.uint24(input, vp8x.data() + 7) + 1;
        Animations.requirePixels(width, height, frames.size(), limits);
        int plays = chunks.stream().filter(c -> c.type().equals("ANIM") && c.length() >= 6).findFirst()
                .map(c -> WebpContainer.uint16(input, c.data() + 4)).orElse(0);
        for (WebpContainer.Chunk f : frames) {
            if (f.length() < ANMF_HEADER + 8 || !f.within(input)) {
                throw new ImageRejectedException("corrupt_image", "the webp data is damaged: a frame is cut short");
            }
        }
        return new WebpFrames(input, frames, codecs, width, height, plays, limits.maxPixels());
    }

    @Override
    public int width() {
        return width;
    }

    @Override
    public int height() {
        return height;
    }

    @Override
    public int count() {
        return frames.size();
    }

    @Override
    public int plays() {
        return plays;
    }

    @Override
    public Frame next() throws ImageRejectedException {
        WebpContainer.Chunk anmf = frames.get(index++);
        int d = anmf.data();
        int x = WebpContainer.uint24(input, d) * 2;
        int y = WebpContainer.uint24(input, d + 3) * 2;
        int w = WebpContainer.uint24(input, d + 6) + 1;
        int h = WebpContainer.uint24(input, d + 9) + 1;
        int duration = WebpContainer.uint24(input, d + 12);
        int flags = input[d + 15];
        if ((long) w * h > maxPixels) {
            throw new ImageRejectedException("image_too_large", "frame " + index + " of the webp declares " + w + "x"
                    + h + " pixels, more than the limit of " + maxPixels);
        }
        byte[] still = WebpContainer.still(input, d + ANMF_HEADER, anmf.data() + anmf.length(), w, h);
        BufferedImage frame = decode(still);
        boolean blend = (flags & 0x02) == 0;
        AnimationCanvas.Disposal disposal = (flags & 0x01) != 0 ? AnimationCanvas.Disposal.CLEAR
                : AnimationCanvas.Disposal.KEEP;
        return new Frame(canvas.compose(frame, x, y, blend, disposal), duration);
    }

    private BufferedImage decode(byte[] still) throws ImageRejectedException {
        ImageReader reader = codecs.reader(ImageFormat.WEBP, still);
        ImageInputStream stream = new ByteArrayImageInputStream(still);
        try {
            reader.setInput(stream, true, true);
            return reader.read(0);
        } catch (IOException | RuntimeException e) {
            throw Animations.corrupt(ImageFormat.WEBP, e);
        } finally {
            reader.dispose();
            try {
                stream.close();
            } catch (IOException e) {
                // an in-memory stream has nothing to release
            }
        }
    }

    @Override
    public void close() {
        // each frame's decoder is disposed as soon as the frame is read
    }
}
