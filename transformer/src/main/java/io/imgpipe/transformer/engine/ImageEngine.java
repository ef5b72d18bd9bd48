package io.imgpipe.transformer.engine;

import io.imgpipe.contract.format.ImageFormat;
import io.imgpipe.contract.options.Keep;
import io.imgpipe.contract.options.TransformOptions;
import io.imgpipe.transformer.engine.ops.Deadline;
import io.imgpipe.transformer.engine.ops.ImageOperation;
import io.imgpipe.transformer.engine.ops.Orient;

import java.awt.color.ICC_ColorSpace;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Decodes an image, applies the requested operations in the order {@link TransformOptions} documents, and encodes
 * the result. Guards run before any pixel is decoded: the format is sniffed from the magic bytes, then byte size,
 * width × height and frame count are checked against the {@link EngineLimits}, and so are the result's pixels and,
 * for uncompressed formats, its bytes. The whole transform runs against one {@link Deadline}, checked by the decoder,
 * inside every long operation and by the encoder; past it the transform fails {@code timeout} and the thread is free
 * at once. The encoder stops as soon as the result outgrows its byte limit ({@code result_too_large}). Large JPEGs are decoded subsampled (shrink-on-load) when the output is much smaller. Animated GIF and WebP inputs written as GIF or WebP keep every frame ({@link Animations}).
 *
 * <p>Every failure is an {@link ImageRejectedException} with a reason code; nothing else escapes.
 */
public final class ImageEngine {

    private final EngineLimits limits;
    private final Codecs codecs;
    private final Encoder encoder;
    private final TurboJpeg turbo;
    private final HeifCodec heif;
    private final Animations animations;
    private final Watermarks watermarks;

    public ImageEngine(EngineLimits limits) {
        this(limits, true);
    }

    /**
     * @param nativeJpeg whether to decode plain JPEGs with the system's libjpeg-turbo when it is installed; false
     *                   keeps every decode in Java's ImageIO
     */
    public ImageEngine(EngineLimits limits, boolean nativeJpeg) {
        this(limits, nativeJpeg, true, Watermarks.NONE);
    }

    /**
     * @param nativeHeif whether to read HEIC/AVIF and write AVIF with the system's libheif when it is installed;
     *                   false refuses those formats ({@code unsupported_format}/{@code unsupported_output})
     */
    public ImageEngine(EngineLimits limits, boolean nativeJpeg, boolean nativeHeif) {
        this(limits, nativeJpeg, nativeHeif, Watermarks.NONE);
    }

    /** @param watermarks the configured logos that {@code watermark=} may name */
    public ImageEngine(EngineLimits limits, boolean nativeJpeg, Watermarks watermarks) {
        this(limits, nativeJpeg, true, watermarks);
    }

    public ImageEngine(EngineLimits limits, boolean nativeJpeg, boolean nativeHeif, Watermarks watermarks) {
        this.watermarks = Objects.requireNonNull(watermarks, "watermarks");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.codecs = new Codecs();
        this.encoder = new Encoder(codecs);
        this.turbo = nativeJpeg ? TurboJpeg.load().orElse(null) : null;
        this.heif = HeifCodec.load(nativeHeif);
        this.animations = new Animations(limits, codecs, encoder, watermarks);
    }

    /** Whether plain JPEGs are decoded by libjpeg-turbo (installed) rather than ImageIO. */
    public boolean decodesJpegNatively() {
        return turbo != null;
    }

    /** The libheif version that reads HEIC/AVIF and writes AVIF, or empty when those formats are refused. */
    public Optional<String> heifVersion() {
        return heif.version();
    }

    /**
     * Thread-safe; called concurrently from several worker threads.
     *
     * @return the encoded result; its source width and height are the header's, as stored (before orientation;
     *         for HEIC/AVIF after the irot/imir/clap transforms, which libheif applies as part of the image)
     */
    public TransformResult transform(byte[] input, TransformOptions options) throws ImageRejectedException {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(options, "options");
        Deadline deadline = Deadline.after(limits.transformBudget());
        try (SourceImage source = SourceImage.open(input, limits, codecs, turbo, heif)) {
            Prepared p = prepare(0, input, source, options);
            if (p.animated()) {
                return animations.transform(source.format(), input, options, p.output(), deadline);
            }
            Decoded decoded = decode(input, source, p.plan().subsampling(), p.plan().dctDenominator(), deadline);
            return finish(p, input, source, decoded, deadline);
        } catch (OutOfMemoryError e) {
            // The pixel limit bounds memory; this is the last line that keeps a worker alive if the heap is smaller.
            throw new ImageRejectedException("image_too_large", "transforming the image ran out of memory", e);
        }
    }

    /** Receives each variant of {@link #transformEach} as soon as it is encoded (or refused). */
    public interface VariantSink {
        /**
         * @param index   the variant's position in the list given
         * @param result  its result, or null when it failed
         * @param failure why it failed, or null
         */
        void finished(int index, TransformResult result, ImageRejectedException failure) throws Exception;
    }

    /**
     * Every variant of one image from as few decodes as keep each result byte-identical to its own single-variant
     * transform: the source is opened and its header read once, every variant is planned from it, and the variants
     * that decode alike (the same shrink-on-load factors: all of them for PNG, GIF, WebP, BMP, TIFF, HEIC and AVIF,
     * and for JPEGs whose variants need the same scale) share one decode, each variant's operations then running on
     * that decoded image, which no operation mutates. A JPEG whose variants need different shrink-on-load scales is
     * decoded once per scale (a scaled decode costs a fraction of a full one): one decode at the finest scale for all
     * of them would be cheaper still, but its smaller variants would differ from the single-variant path (SSIM about
     * 0.993, and a different window for {@code gravity=smart}), which issue 13 rules out. An animated variant (GIF or
     * WebP kept animated) goes through {@link Animations} on its own.
     *
     * <p>A variant whose own options cannot be met (result bounds, output format, crop outside the image) fails alone;
     * a source that cannot be read fails them all, thrown. Each variant has its own transform budget; each decode one
     * more.
     */
    public void transformEach(byte[] input, List<TransformOptions> variants, VariantSink sink) throws Exception {
        Objects.requireNonNull(input, "input");
        try (SourceImage source = SourceImage.open(input, limits, codecs, turbo, heif)) {
            List<Prepared> ready = new ArrayList<>();
            for (int i = 0; i < variants.size(); i++) {
                ImageRejectedException refused = null;
                try {
                    Prepared p = prepare(i, input, source, variants.get(i));
                    if (p.animated()) {
                        sink.finished(i, animations.transform(source.format(), input, p.options(), p.output(),
                                Deadline.after(limits.transformBudget())), null);
                    } else {
                        ready.add(p);
                    }
                } catch (ImageRejectedException e) {
                    refused = e;
                } catch (RuntimeException e) {
                    refused = new ImageRejectedException("corrupt_image", "the image could not be transformed", e);
                }
                if (refused != null) {
                    sink.finished(i, null, refused);
                }
            }
            boolean jpeg = source.format() == ImageFormat.JPEG;
            Map<List<Integer>, List<Prepared>> byDecode = new LinkedHashMap<>();
            for (Prepared p : ready) {
                List<Integer> key = jpeg ? List.of(p.plan().subsampling(), p.plan().dctDenominator()) : List.of(1, 1);
                byDecode.computeIfAbsent(key, k -> new ArrayList<>()).add(p);
            }
            for (Map.Entry<List<Integer>, List<Prepared>> group : byDecode.entrySet()) {
                Decoded decoded = decode(input, source, group.getKey().get(0), group.getKey().get(1),
                        Deadline.after(limits.transformBudget()));
                for (Prepared p : group.getValue()) {
                    TransformResult result = null;
                    ImageRejectedException failure = null;
                    try {
                        result = finish(p, input, source, decoded, Deadline.after(limits.transformBudget()));
                    } catch (ImageRejectedException e) {
                        failure = e;
                    }
                    sink.finished(p.index(), result, failure); // published before the next variant is worked on
                }
            }
        } catch (OutOfMemoryError e) {
            throw new ImageRejectedException("image_too_large", "transforming the image ran out of memory", e);
        }
    }

    /** One variant's decisions, made from the header before any pixel is decoded (no plan for an animation). */
    private record Prepared(int index, TransformOptions options, ImageFormat output, boolean animated,
                            int orientation, TransformPlan plan) {
    }

    /** A decoded source: as the decoder gave it (its colour model tells a palette input) and normalised. */
    private record Decoded(BufferedImage raw, Normalizer.Normalized normalized) {
    }

    private Prepared prepare(int index, byte[] input, SourceImage source, TransformOptions options)
            throws ImageRejectedException {
        ImageFormat output = options.format().resolve(source.format());
        if (HeifCodec.handles(output) && !heif.canWrite(output)) {
            throw new ImageRejectedException("unsupported_output", "cannot write " + output.key() + ": "
                    + heif.missing(output, true));
        }
        if (!HeifCodec.handles(output) && !encoder.canWrite(output)) {
            throw new ImageRejectedException("unsupported_output", "cannot write " + output.key()
                    + (output == source.format() ? " (the input's format; ask for another with format=)" : ""));
        }
        if (Animations.animates(source, input, options, output)) {
            return new Prepared(index, options, output, true, Exif.UPRIGHT, null);
        }
        int orientation = options.autoOrient() ? Exif.orientation(input, source.format()) : Exif.UPRIGHT;
        boolean swap = Orient.swapsAxes(orientation);
        TransformPlan plan = TransformPlan.of(swap ? source.height() : source.width(),
                swap ? source.width() : source.height(), options, limits);
        requireResultWithinBounds(plan, output);
        return new Prepared(index, options, output, false, orientation, plan);
    }

    private Decoded decode(byte[] input, SourceImage source, int subsampling, int dct, Deadline deadline)
            throws ImageRejectedException {
        try {
            BufferedImage raw = decode(source, subsampling, dct, deadline);
            return new Decoded(raw, Normalizer.normalize(raw,
                    source.ignoresEmbeddedProfile() ? source.embeddedProfile() : null));
        } catch (Deadline.Exceeded e) {
            throw timeout(e.budgetMillis(), e);
        } catch (RuntimeException e) {
            throw new ImageRejectedException("corrupt_image", "the image could not be transformed", e);
        }
    }

    /** One variant from its decoded source: operations, encoding, and the metadata it keeps. */
    private TransformResult finish(Prepared p, byte[] input, SourceImage source, Decoded decoded, Deadline deadline)
            throws ImageRejectedException {
        TransformOptions options = p.options();
        ImageFormat output = p.output();
        try {
            Normalizer.Normalized normalized = decoded.normalized();
            BufferedImage image = normalized.image();
            boolean swap = Orient.swapsAxes(p.orientation());
            int dw = swap ? image.getHeight() : image.getWidth();
            int dh = swap ? image.getWidth() : image.getHeight();
            // strip=false keeps a wide-gamut profile with the pixels still in it; otherwise they become sRGB
            boolean keepProfile = normalized.colourSpace() != null && !options.strip()
                    && options.keep() == Keep.ALL && !options.grayscale() && MetadataWriter.canHold(output);
            ICC_ColorSpace toConvert = keepProfile ? null : normalized.colourSpace();
            for (ImageOperation op : p.plan().operations(p.orientation(), dw, dh, toConvert, output,
                    watermarks.operation(options))) {
                image = op.apply(image, deadline);
            }
            deadline.check();
            BufferedImage encoded = Palette.forOutput(image,
                    Palette.ofSource(input, source.format(), decoded.raw().getColorModel()), options, output);
            Metadata kept = Metadata.NONE;
            if (options.keepsMetadata() && MetadataWriter.canHold(output)) {
                kept = Metadata.kept(source.metadata(), options.keep(),
                        p.orientation() != Exif.UPRIGHT || source.decodesUpright());
                if (keepProfile) {
                    kept = kept.withIcc(normalized.colourSpace().getProfile().getData());
                }
            }
            byte[] bytes = HeifCodec.handles(output) // AVIF: libheif writes the metadata, within the byte limit
                    ? heif.encodeAvif(image, options.quality(), limits.maxResultBytes(), kept)
                    : withinLimit(MetadataWriter.embed(encoder.encode(encoded, output, options,
                            limits.maxResultBytes(), deadline), output, kept, image.getWidth(), image.getHeight()),
                            output);
            deadline.check(); // libaom cannot be interrupted: its time is bounded by the output pixel limit
            return new TransformResult(bytes, output, image.getWidth(), image.getHeight(), source.format(),
                    source.width(), source.height());
        } catch (Deadline.Exceeded e) {
            throw timeout(e.budgetMillis(), e);
        } catch (RuntimeException e) {
            throw new ImageRejectedException("corrupt_image", "the image could not be transformed", e);
        } catch (OutOfMemoryError e) {
            throw new ImageRejectedException("image_too_large", "transforming the image ran out of memory", e);
        }
    }

    /** Decodes within what is left of the transform's budget, and within the decode's own. */
    private BufferedImage decode(SourceImage source, int subsampling, int dct, Deadline deadline)
            throws ImageRejectedException {
        long budget = Math.min(limits.decodeBudget().toNanos(), deadline.remainingNanos());
        try {
            boolean jpeg = source.format() == ImageFormat.JPEG;
            return source.read(jpeg ? subsampling : 1, jpeg ? dct : 1, budget);
        } catch (ImageRejectedException e) {
            if (e.reason().equals("decode_timeout") && deadline.expired()) {
                throw timeout(limits.transformBudget().toMillis(), e);
            }
            throw e;
        }
    }

    /**
     * Refuses before any pixel is decoded what is bound to exceed the result bounds: too many output pixels, or an
     * uncompressed format whose size follows from the pixels alone. Compressed results are measured as they are
     * encoded.
     */
    private void requireResultWithinBounds(TransformPlan plan, ImageFormat output) throws ImageRejectedException {
        int w = plan.outputWidth();
        int h = plan.outputHeight();
        long pixels = (long) w * h;
        if (pixels > limits.maxOutputPixels()) {
            throw new ImageRejectedException("result_too_large", "the result would be " + w + "x" + h + " = "
                    + pixels + " pixels, more than the limit of " + limits.maxOutputPixels());
        }
        long predicted = Encoder.predictedBytes(output, w, h);
        if (predicted > limits.maxResultBytes()) {
            throw new ImageRejectedException("result_too_large", "the " + w + "x" + h + " " + output.key()
                    + " result would be " + predicted + " bytes, more than the limit of " + limits.maxResultBytes());
        }
    }

    private byte[] withinLimit(byte[] bytes, ImageFormat output) throws ImageRejectedException {
        if (bytes.length > limits.maxResultBytes()) {
            throw new ImageRejectedException("result_too_large", "the encoded " + output.key() + " result with its"
                    + " metadata is larger than the limit of " + limits.maxResultBytes() + " bytes");
        }
        return bytes;
    }

    private static ImageRejectedException timeout(long budgetMillis, Throwable cause) {
        return new ImageRejectedException("timeout", "the transform took longer than its budget of " + budgetMillis
                + " ms", cause);
    }
}
