package io.imgpipe.transformer.engine;

import io.imgpipe.contract.format.ImageFormat;
import io.imgpipe.contract.options.TransformOptions;
import io.imgpipe.transformer.engine.ops.Deadline;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;

/**
 * An animated WebP. The WebP writer in use (webp-imageio's bundled libwebp) encodes stills only, so each picture
 * is encoded as a still at the requested quality and its bitstream wrapped in an ANMF frame covering the canvas;
 * VP8X and ANIM (loop count) go in front. This is what libwebp's own muxer writes for frames that are not
 * sub-rectangles; the files are larger than an encoder that diffs frames would make.
 */
final class WebpAnimationWriter implements AnimationWriter {

    private final Encoder encoder;
    private final TransformOptions options;
    private final Deadline deadline;
    private final long maxBytes;
    private final int plays;
    private final ByteArrayOutputStream frames = new ByteArrayOutputStream();
    private int width;
    private int height;
    private boolean alpha;

    WebpAnimationWriter(Encoder encoder, TransformOptions options, int plays, long maxBytes, Deadline deadline) {
        this.encoder = encoder;
        this.options = options;
        this.deadline = deadline;
        this.maxBytes = maxBytes;
        this.plays = plays;
    }

    @Override
    public void add(BufferedImage picture, int delayMillis) throws ImageRejectedException {
        width = picture.getWidth();
        height = picture.getHeight();
        long room = maxBytes - frames.size();
        if (room <= 0) {
            throw tooLarge();
        }
        byte[] still = encoder.encode(picture, ImageFormat.WEBP, options, room, deadline);
        byte[] bitstream = WebpContainer.bitstream(still);
        alpha |= WebpContainer.hasAlpha(bitstream);
        frames.writeBytes(WebpContainer.anmfHeader(bitstream.length, width, height, delayMillis));
        frames.writeBytes(bitstream);
        if (frames.size() > maxBytes) {
            throw tooLarge();
        }
    }

    @Override
    public byte[] finish() throws ImageRejectedException {
        byte[] vp8x = WebpContainer.vp8x(WebpContainer.ANIMATION_FLAG | (alpha ? WebpContainer.ALPHA_FLAG : 0),
                width, height);
        byte[] anim = WebpContainer.anim(plays);
        byte[] result = WebpContainer.riff(vp8x, anim, frames.toByteArray());
        if (result.length > maxBytes) {
            throw tooLarge();
        }
        return result;
    }

    private ImageRejectedException tooLarge() {
        return new ImageRejectedException("result_too_large", "the encoded webp animation is larger than the limit"
                + " of " + maxBytes + " bytes");
    }
}
