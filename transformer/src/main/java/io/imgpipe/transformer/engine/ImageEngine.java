package io.imgpipe.transformer.engine;

import io.imgpipe.contract.format.ImageFormat;
import io.imgpipe.contract.options.TransformOptions;
import io.imgpipe.transformer.engine.ops.ImageOperation;
import io.imgpipe.transformer.engine.ops.Orient;

import java.awt.image.BufferedImage;
import java.util.Objects;

/**
 * Decodes an image, applies the requested operations in the order {@link TransformOptions} documents, and encodes
 * the result. Guards run before any pixel is decoded: the format is sniffed from the magic bytes, then byte size,
 * width × height and frame count are checked against the {@link EngineLimits}; the decode itself is abandoned when
 * it exceeds its time budget. Large JPEGs are decoded subsampled (shrink-on-load) when the output is much smaller.
 *
 * <p>Every failure is an {@link ImageRejectedException} with a reason code; nothing else escapes.
 */
public final class ImageEngine {

    private final EngineLimits limits;
    private final Codecs codecs;
    private final Encoder encoder;
    private final TurboJpeg turbo;

    public ImageEngine(EngineLimits limits) {
        this(limits, true);
    }

    /**
     * @param nativeJpeg whether to decode plain JPEGs with the system's libjpeg-turbo when it is installed; false
     *                   keeps every decode in Java's ImageIO
     */
    public ImageEngine(EngineLimits limits, boolean nativeJpeg) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.codecs = new Codecs();
        this.encoder = new Encoder(codecs);
        this.turbo = nativeJpeg ? TurboJpeg.load().orElse(null) : null;
    }

    /** Whether plain JPEGs are decoded by libjpeg-turbo (installed) rather than ImageIO. */
    public boolean decodesJpegNatively() {
        return turbo != null;
    }

    /**
     * Thread-safe; called concurrently from several worker threads.
     *
     * @return the encoded result; its source width and height are the header's, as stored (before orientation)
     */
    public TransformResult transform(byte[] input, TransformOptions options) throws ImageRejectedException {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(options, "options");
        try (SourceImage source = SourceImage.open(input, limits, codecs, turbo)) {
            ImageFormat output = options.format().resolve(source.format());
            if (!encoder.canWrite(output)) {
                throw new ImageRejectedException("unsupported_output", "cannot write " + output.key()
                        + (output == source.format() ? " (the input's format; ask for another with format=)" : ""));
            }
            int orientation = options.autoOrient() ? Exif.orientation(input, source.format()) : Exif.UPRIGHT;
            boolean swap = Orient.swapsAxes(orientation);
            int uprightWidth = swap ? source.height() : source.width();
            int uprightHeight = swap ? source.width() : source.height();
            TransformPlan plan = TransformPlan.of(uprightWidth, uprightHeight, options, limits);
            boolean jpeg = source.format() == ImageFormat.JPEG;
            BufferedImage decoded = source.read(jpeg ? plan.subsampling() : 1, jpeg ? plan.dctDenominator() : 1,
                    limits.decodeBudget().toNanos());
            Normalizer.Normalized normalized = Normalizer.normalize(decoded,
                    source.ignoresEmbeddedProfile() ? IccProfiles.embedded(input, source.format()) : null);
            BufferedImage image = normalized.image();
            int dw = swap ? image.getHeight() : image.getWidth();
            int dh = swap ? image.getWidth() : image.getHeight();
            for (ImageOperation op : plan.operations(orientation, dw, dh, normalized.colourSpace(), output)) {
                image = op.apply(image);
            }
            byte[] bytes = encoder.encode(image, output, options);
            return new TransformResult(bytes, output, image.getWidth(), image.getHeight(), source.format(),
                    source.width(), source.height());
        } catch (RuntimeException e) {
            throw new ImageRejectedException("corrupt_image", "the image could not be transformed", e);
        } catch (OutOfMemoryError e) {
            // The pixel limit bounds memory; this is the last line that keeps a worker alive if the heap is smaller.
            throw new ImageRejectedException("image_too_large", "transforming the image ran out of memory", e);
        }
    }
}
