package io.imgpipe.transformer.engine;

import io.imgpipe.contract.format.ImageFormat;
import io.imgpipe.contract.options.Frames;
import io.imgpipe.contract.options.TransformOptions;
import io.imgpipe.transformer.engine.ops.Deadline;
import io.imgpipe.transformer.engine.ops.GravityCrop;
import io.imgpipe.transformer.engine.ops.ImageOperation;
import io.imgpipe.transformer.engine.ops.Orient;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Transforms animated GIF and WebP inputs frame by frame into an animated GIF or WebP: every frame, its delay and
 * the loop count are kept, and each whole picture goes through the same operations as a still. One frame is
 * decoded, transformed and encoded at a time, so memory stays that of one picture; the cost is bounded by counting
 * every frame against the frame and pixel limits before any is decoded, by checking the deadline before each frame
 * (and inside every long operation), and by the result's byte limit, checked as frames are added.
 *
 * <p>Other output formats, and {@code frames=first}, get the first frame through the still path.
 */
final class Animations {

    /** WebP stores the loop count in 16 bits. */
    static final int MAX_PLAYS = 0xFFFF;

    private final EngineLimits limits;
    private final Codecs codecs;
    private final Encoder encoder;
    private final Watermarks watermarks;

    Animations(EngineLimits limits, Codecs codecs, Encoder encoder, Watermarks watermarks) {
        this.watermarks = watermarks;
        this.limits = limits;
        this.codecs = codecs;
        this.encoder = encoder;
    }

    /** Whether this input and these options make an animated result. */
    static boolean animates(SourceImage source, byte[] input, TransformOptions options, ImageFormat output) {
        if (options.frames() != Frames.ALL || !(output == ImageFormat.GIF || output == ImageFormat.WEBP)) {
            return false;
        }
        return switch (source.format()) {
            case GIF -> source.frames() > 1;
            case WEBP -> WebpFrames.isAnimated(input);
            default -> false;
        };
    }

    TransformResult transform(ImageFormat format, byte[] input, TransformOptions options, ImageFormat output,
                              Deadline deadline) throws ImageRejectedException {
        try (AnimationFrames frames = format == ImageFormat.GIF ? GifFrames.open(input, codecs, limits)
                : WebpFrames.open(input, codecs, limits)) {
            int orientation = options.autoOrient() ? Exif.orientation(input, format) : Exif.UPRIGHT;
            boolean swap = Orient.swapsAxes(orientation);
            int w = swap ? frames.height() : frames.width();
            int h = swap ? frames.width() : frames.height();
            TransformPlan plan = TransformPlan.of(w, h, options, limits);
            long outputPixels = (long) plan.outputWidth() * plan.outputHeight() * frames.count();
            if (outputPixels > limits.maxOutputPixels()) {
                throw new ImageRejectedException("result_too_large", "the result would be " + frames.count()
                        + " frames of " + plan.outputWidth() + "x" + plan.outputHeight() + " = " + outputPixels
                        + " pixels, more than the limit of " + limits.maxOutputPixels());
            }
            List<ImageOperation> ops = plan.operations(orientation, w, h, null, output,
                            watermarks.operation(options)).stream()
                    .map(op -> op instanceof GravityCrop crop ? crop.pinned() : op).toList();
            AnimationWriter writer = output == ImageFormat.GIF
                    ? new GifAnimationWriter(codecs, frames.plays(), options.progressive(), limits.maxResultBytes())
                    : new WebpAnimationWriter(encoder, options, frames.plays(), limits.maxResultBytes(), deadline);
            BufferedImage picture = null;
            for (int i = 0; i < frames.count(); i++) {
                deadline.check();
                AnimationFrames.Frame frame = frames.next();
                picture = frame.picture();
                for (ImageOperation op : ops) {
                    picture = op.apply(picture, deadline);
                }
                writer.add(picture, frame.delayMillis());
            }
            deadline.check();
            return new TransformResult(writer.finish(), output, picture.getWidth(), picture.getHeight(), format,
                    frames.width(), frames.height());
        }
    }

    static void requireFrameCount(int frames, EngineLimits limits) throws ImageRejectedException {
        if (frames > limits.maxFrames()) {
            throw new ImageRejectedException("too_many_frames", "the image has " + frames
                    + " frames, more than the limit of " + limits.maxFrames());
        }
        if (frames < 1) {
            throw new ImageRejectedException("corrupt_image", "the animation has no frame");
        }
    }

    /** Every frame is a whole canvas to decode and transform: the pixel limit counts them all. */
    static void requirePixels(int width, int height, int frames, EngineLimits limits) throws ImageRejectedException {
        long pixels = (long) width * height * frames;
        if (width < 1 || height < 1) {
            throw new ImageRejectedException("corrupt_image", "the animation's canvas is " + width + "x" + height);
        }
        if (pixels > limits.maxPixels()) {
            throw new ImageRejectedException("image_too_large", "the animation is " + frames + " frames of " + width
                    + "x" + height + " = " + pixels + " pixels, more than the limit of " + limits.maxPixels()
                    + " (frames=first asks for a still)");
        }
    }

    static ImageRejectedException corrupt(ImageFormat format, Throwable e) {
        if (e instanceof ImageRejectedException rejected) {
            return rejected;
        }
        return new ImageRejectedException("corrupt_image", "the " + format.key() + " animation cannot be decoded", e);
    }
}
