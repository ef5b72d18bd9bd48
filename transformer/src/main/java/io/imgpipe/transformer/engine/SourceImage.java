package io.imgpipe.transformer.engine;

import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;
import io.imgpipe.contract.format.ImageFormat;

import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadProgressListener;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.Locale;

/**
 * An encoded input opened for reading, its guards already passed: format sniffed from the magic bytes, byte size,
 * width × height and frame count read from the header. Pixels are decoded only by {@link #read}, which enforces the
 * decode-time budget. Close it to dispose of the reader. A plain JPEG that libjpeg-turbo decodes gets no ImageIO
 * reader at all: its size comes from the frame header ({@link JpegSegments}).
 */
final class SourceImage implements AutoCloseable {

    private final ImageFormat format;
    private final byte[] input;
    private final TurboJpeg turbo;
    private final ImageReader reader;
    private final ImageInputStream stream;
    private final HeifSource heif;
    private final int width;
    private final int height;
    private final int frames;

    private SourceImage(ImageFormat format, byte[] input, TurboJpeg turbo, ImageReader reader, ImageInputStream stream,
                        HeifSource heif, int width, int height, int frames) {
        this.format = format;
        this.input = input;
        this.turbo = turbo;
        this.reader = reader;
        this.stream = stream;
        this.heif = heif;
        this.width = width;
        this.height = height;
        this.frames = frames;
    }

    /**
     * @param turbo libjpeg-turbo to decode plain JPEGs with, or null for ImageIO only
     * @param heif  libheif for HEIC and AVIF (it may be absent: those are then refused, naming it)
     */
    static SourceImage open(byte[] input, EngineLimits limits, Codecs codecs, TurboJpeg turbo, HeifCodec heif)
            throws ImageRejectedException {
        if (input.length > limits.maxBytes()) {
            throw new ImageRejectedException("image_too_large", "the image is " + input.length
                    + " bytes, more than the limit of " + limits.maxBytes());
        }
        ImageFormat format = ImageFormat.sniff(input).filter(f -> codecs.canRead(f) || HeifCodec.handles(f))
                .orElseThrow(() -> new ImageRejectedException("unsupported_format",
                        "not a JPEG, PNG, GIF, BMP, TIFF, WebP, HEIC or AVIF image (judged by its first bytes)"));
        if (HeifCodec.handles(format)) {
            if (!heif.canRead(format)) {
                throw new ImageRejectedException("unsupported_format", format.key() + " input cannot be read: "
                        + heif.missing(format, false));
            }
            HeifSource source = heif.open(input, format, limits);
            return new SourceImage(format, input, null, null, null, source, source.width(), source.height(), 1);
        }
        JpegSegments jpeg = format == ImageFormat.JPEG ? JpegSegments.read(input) : null;
        if (jpeg != null && !JpegStructure.isComplete(jpeg, input)) {
            throw new ImageRejectedException("corrupt_image", "the jpeg data is truncated: no end-of-image marker"
                    + " after the image data");
        }
        boolean plainJpeg = jpeg != null && !JpegStructure.needsColourConversion(jpeg, input);
        if (plainJpeg && turbo != null) {
            // libjpeg-turbo decodes it: the frame header gives the size, and no ImageIO reader is built (the JDK's
            // would set up a colour transform for an embedded profile just to answer getWidth)
            int[] size = jpeg.size(input);
            if (size != null) {
                requireWithinLimits(format, size[0], size[1], limits);
                return new SourceImage(format, input, turbo, null, null, null, size[0], size[1], 1);
            }
        }
        ImageReader reader = codecs.reader(format, input);
        ImageInputStream stream = new ByteArrayImageInputStream(input);
        boolean opened = false;
        try {
            reader.setInput(stream, false, true);
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            requireWithinLimits(format, width, height, limits);
            int frames = 1;
            if (mayHaveFrames(format)) {
                frames = reader.getNumImages(true);
                if (frames > limits.maxFrames()) {
                    throw new ImageRejectedException("too_many_frames", "the image has " + frames
                            + " frames, more than the limit of " + limits.maxFrames());
                }
            }
            opened = true;
            return new SourceImage(format, input, plainJpeg ? turbo : null, reader, stream, null, width, height, frames);
        } catch (IOException | RuntimeException e) {
            throw corrupt(format, e);
        } finally {
            if (!opened) {
                dispose(reader, stream);
            }
        }
    }

    private static void requireWithinLimits(ImageFormat format, int width, int height, EngineLimits limits)
            throws ImageRejectedException {
        if (width < 1 || height < 1) {
            throw new ImageRejectedException("corrupt_image", "the " + format.key() + " header declares "
                    + width + "x" + height + " pixels");
        }
        if ((long) width * height > limits.maxPixels()) {
            throw new ImageRejectedException("image_too_large", "the image is " + width + "x" + height + " = "
                    + (long) width * height + " pixels, more than the limit of " + limits.maxPixels());
        }
    }

    private static boolean mayHaveFrames(ImageFormat format) {
        return format == ImageFormat.GIF || format == ImageFormat.TIFF || format == ImageFormat.WEBP;
    }

    /**
     * Whether the pixels {@link #read} returns ignore the file's embedded ICC profile. ImageIO's decoders apply it
     * themselves (the JDK's JPEG decoder converts to sRGB, TwelveMonkeys' return its colour space); libjpeg-turbo
     * does not, so the engine applies it after shrinking.
     */
    boolean ignoresEmbeddedProfile() {
        return turbo != null || heif != null;
    }

    /** The ICC profile {@link #read} ignores (see {@link #ignoresEmbeddedProfile}), or null. */
    ICC_Profile embeddedProfile() {
        return heif != null ? heif.profile() : IccProfiles.embedded(input, format);
    }

    /**
     * The source's EXIF, XMP and IPTC as stored ({@link Metadata#read}; for HEIC and AVIF through libheif), without
     * the ICC profile ({@link #embeddedProfile}).
     */
    Metadata metadata() {
        return heif != null ? heif.metadata() : Metadata.read(input, format);
    }

    /**
     * Whether the decoded pixels are already as displayed whatever the EXIF orientation says: HEIC and AVIF, whose
     * irot/imir transforms libheif applies (an EXIF orientation there only repeats them).
     */
    boolean decodesUpright() {
        return heif != null;
    }

    ImageFormat format() {
        return format;
    }

    int width() {
        return width;
    }

    int height() {
        return height;
    }

    /** Frames (GIF, WebP) or pages (TIFF) the header declares; 1 for other formats. */
    int frames() {
        return frames;
    }

    /**
     * Decodes the first frame, shrinking on load: libjpeg-turbo scales by 1/{@code dctDenominator} in the DCT
     * domain, ImageIO keeps every {@code subsampling}-th pixel of every {@code subsampling}-th row. Abandons the
     * decode once {@code budgetNanos} have passed.
     */
    BufferedImage read(int subsampling, int dctDenominator, long budgetNanos) throws ImageRejectedException {
        if (turbo != null) {
            return readWithTurbo(dctDenominator, budgetNanos);
        }
        if (heif != null) {
            return readWithHeif(budgetNanos);
        }
        ImageReadParam param = reader.getDefaultReadParam();
        if (subsampling > 1) {
            param.setSourceSubsampling(subsampling, subsampling, 0, 0);
        }
        DecodeDeadline deadline = new DecodeDeadline(System.nanoTime() + budgetNanos);
        TruncationWatch truncation = new TruncationWatch();
        reader.addIIOReadProgressListener(deadline);
        reader.addIIOReadWarningListener(truncation);
        BufferedImage image;
        try {
            image = reader.read(0, param);
        } catch (IOException | RuntimeException e) {
            if (deadline.expired()) {
                throw timeout(budgetNanos);
            }
            throw corrupt(format, e);
        } catch (OutOfMemoryError e) {
            // The pixel limit is meant to make this impossible; if the heap is smaller than the limit assumes,
            // fail this image rather than the worker.
            throw new ImageRejectedException("image_too_large", "decoding " + width + "x" + height
                    + " pixels ran out of memory; lower the pixel limit or raise the heap", e);
        }
        if (deadline.expired()) {
            throw timeout(budgetNanos);
        }
        if (truncation.message != null) {
            throw new ImageRejectedException("corrupt_image", "the " + format.key() + " data is damaged: it ends early",
                    new IllegalStateException(truncation.message));
        }
        if (image == null) {
            throw new ImageRejectedException("corrupt_image", "the " + format.key() + " decoder returned no image");
        }
        return image;
    }

    /**
     * libjpeg-turbo cannot be interrupted, but its decode time is bounded by the pixel limit (about 10 ms per
     * megapixel); the budget is checked when it returns.
     */
    private BufferedImage readWithTurbo(int denominator, long budgetNanos) throws ImageRejectedException {
        long start = System.nanoTime();
        BufferedImage image;
        try {
            image = turbo.decode(input, width, height, denominator);
        } catch (RuntimeException e) {
            throw corrupt(format, e);
        } catch (OutOfMemoryError e) {
            throw new ImageRejectedException("image_too_large", "decoding " + width + "x" + height
                    + " pixels ran out of memory; lower the pixel limit or raise the heap", e);
        }
        if (System.nanoTime() - start > budgetNanos) {
            throw timeout(budgetNanos);
        }
        return image;
    }

    /** libheif cannot be interrupted either; its decode time is bounded by the pixel limit checked before. */
    private BufferedImage readWithHeif(long budgetNanos) throws ImageRejectedException {
        long start = System.nanoTime();
        BufferedImage image;
        try {
            image = heif.decode();
        } catch (RuntimeException e) {
            throw corrupt(format, e);
        } catch (OutOfMemoryError e) {
            throw new ImageRejectedException("image_too_large", "decoding " + width + "x" + height
                    + " pixels ran out of memory; lower the pixel limit or raise the heap", e);
        }
        if (System.nanoTime() - start > budgetNanos) {
            throw timeout(budgetNanos);
        }
        return image;
    }

    private static ImageRejectedException timeout(long budgetNanos) {
        return new ImageRejectedException("decode_timeout", "decoding took longer than the budget of "
                + budgetNanos / 1_000_000 + " ms");
    }

    private static ImageRejectedException corrupt(ImageFormat format, Throwable e) {
        if (e instanceof ImageRejectedException rejected) {
            return rejected;
        }
        // The decoder's own words stay in the worker's log (the cause); the person gets a plain sentence (issue 12).
        return new ImageRejectedException("corrupt_image", "the " + format.key() + " data cannot be decoded", e);
    }

    @Override
    public void close() {
        if (reader != null) {
            dispose(reader, stream);
        }
        if (heif != null) {
            heif.close();
        }
    }

    private static void dispose(ImageReader reader, ImageInputStream stream) {
        reader.dispose();
        try {
            stream.close();
        } catch (IOException e) {
            // an in-memory stream has nothing to release
        }
    }

    /** Aborts the decode from the reader's own progress callbacks once the deadline has passed. */
    private static final class DecodeDeadline implements IIOReadProgressListener {
        private final long deadlineNanos;
        private volatile boolean expired;

        DecodeDeadline(long deadlineNanos) {
            this.deadlineNanos = deadlineNanos;
        }

        boolean expired() {
            return expired || System.nanoTime() - deadlineNanos > 0;
        }

        private void check(ImageReader source) {
            if (System.nanoTime() - deadlineNanos > 0) {
                expired = true;
                source.abort();
            }
        }

        @Override public void imageStarted(ImageReader source, int imageIndex) { check(source); }
        @Override public void imageProgress(ImageReader source, float percentageDone) { check(source); }
        @Override public void imageComplete(ImageReader source) { check(source); }
        @Override public void sequenceStarted(ImageReader source, int minIndex) { }
        @Override public void sequenceComplete(ImageReader source) { }
        @Override public void thumbnailStarted(ImageReader source, int imageIndex, int thumbnailIndex) { }
        @Override public void thumbnailProgress(ImageReader source, float percentageDone) { }
        @Override public void thumbnailComplete(ImageReader source) { }
        @Override public void readAborted(ImageReader source) { }
    }

    /**
     * The JPEG decoder fills a truncated file with grey and only warns; a cut-off upload must fail instead. Other
     * warnings (stray bytes before a marker and the like) are common in camera files and harmless.
     */
    private static final class TruncationWatch implements IIOReadWarningListener {
        private String message;

        @Override
        public void warningOccurred(ImageReader source, String warning) {
            String w = warning == null ? "" : warning.toLowerCase(Locale.ROOT);
            if (message == null && (w.contains("premature end") || w.contains("truncated"))) {
                message = warning;
            }
        }
    }
}
