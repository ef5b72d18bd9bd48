package io.imgpipe.transformer.engine;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import io.imgpipe.contract.format.ImageFormat;

import java.awt.image.BufferedImage;
import java.util.Optional;

/**
 * HEIC and AVIF input, AVIF output, through {@link Heif} (libheif) when it is installed and enabled.
 *
 * <p><b>Containing native code.</b> The engine otherwise prefers pure-Java decoders so that untrusted bytes never
 * reach native code ({@link Codecs}); there is no Java HEVC or AV1 decoder, so here libheif is the only choice. What
 * reaches it is narrowed first: the format is sniffed from the {@code ftyp} brands, {@link IsoBoxes} walks the box
 * structure in Java (truncated boxes, garbage after {@code ftyp} and missing image properties fail there), and the
 * declared size is checked against the pixel budget before libheif parses anything; libheif's own size limit is set
 * as well, and its reported size checked again before decoding. Debian's libheif/libde265/dav1d receive security
 * updates; an operator who would rather not run them on untrusted input sets {@code IMGPIPE_NATIVE_HEIF=false}, and
 * HEIC/AVIF then fail {@code unsupported_format} naming the library, like a worker without it.
 *
 * <p>Orientation: libheif applies the file's {@code irot}/{@code imir}/{@code clap} transforms while decoding (HEIF
 * makes them part of the image, and an EXIF Orientation in a HEIF only repeats them), so the engine never applies
 * EXIF orientation to these formats ({@link Exif} reads it from JPEG, PNG, WebP and TIFF only).
 */
final class HeifCodec {

    /** libheif 1.15's default limit on an image's width and height. */
    private static final int LIBHEIF_MAX_SIDE = 32_768;

    private final Heif heif;
    private final boolean readsHevc;
    private final boolean readsAv1;
    private final boolean writesAv1;

    private HeifCodec(Heif heif) {
        this.heif = heif;
        this.readsHevc = heif != null && heif.api().heif_have_decoder_for_format(Heif.COMPRESSION_HEVC) != 0;
        this.readsAv1 = heif != null && heif.api().heif_have_decoder_for_format(Heif.COMPRESSION_AV1) != 0;
        this.writesAv1 = heif != null && heif.api().heif_have_encoder_for_format(Heif.COMPRESSION_AV1) != 0;
    }

    /** @param enabled false keeps every HEIC and AVIF out of native code (they are then refused) */
    static HeifCodec load(boolean enabled) {
        return new HeifCodec(enabled ? Heif.load().orElse(null) : null);
    }

    /** libheif's version, when it is loaded. */
    Optional<String> version() {
        return heif == null ? Optional.empty() : Optional.of(heif.version());
    }

    /** Whether {@code format} is one of this codec's (read through libheif or refused naming it). */
    static boolean handles(ImageFormat format) {
        return format == ImageFormat.HEIF || format == ImageFormat.AVIF;
    }

    boolean canRead(ImageFormat format) {
        return format == ImageFormat.HEIF ? readsHevc : format == ImageFormat.AVIF && readsAv1;
    }

    boolean canWrite(ImageFormat format) {
        return format == ImageFormat.AVIF && writesAv1;
    }

    /** Why {@code format} cannot be read or written here, naming what is missing. */
    String missing(ImageFormat format, boolean write) {
        if (heif == null) {
            return Heif.LIBRARY + " is not installed on this transformer (or IMGPIPE_NATIVE_HEIF=false)";
        }
        String codec = format == ImageFormat.HEIF ? "HEVC decoder (libde265)"
                : write ? "AV1 encoder (libaom)" : "AV1 decoder (dav1d or libaom)";
        return "libheif " + heif.version() + " on this transformer has no " + codec;
    }

    /**
     * Opens a HEIC or AVIF after its structure and declared size passed the Java checks.
     *
     * @throws ImageRejectedException {@code corrupt_image}, {@code image_too_large}
     */
    HeifSource open(byte[] input, ImageFormat format, EngineLimits limits) throws ImageRejectedException {
        long[] extent = IsoBoxes.largestExtent(input, format.key());
        requireWithin(extent[0], extent[1], limits);
        Heif.Api api = heif.api();
        Memory memory = Heif.copy(input);
        Pointer context = api.heif_context_alloc();
        if (context == null) {
            throw new IllegalStateException("heif_context_alloc failed");
        }
        boolean opened = false;
        try {
            // libheif's own guard refuses any side above this: only ever tightened from its default (32768), on top
            // of the area check above
            api.heif_context_set_maximum_image_size_limit(context, (int) Math.min(LIBHEIF_MAX_SIDE,
                    limits.maxPixels()));
            // a worker runs one transform per thread: tiles are decoded on the calling thread, not a pool of its own
            api.heif_context_set_max_decoding_threads(context, 0);
            check(api.heif_context_read_from_memory_without_copy(context, memory, input.length, null), format);
            PointerByReference ref = new PointerByReference();
            check(api.heif_context_get_primary_image_handle(context, ref), format);
            Pointer handle = ref.getValue();
            HeifSource source = new HeifSource(api, format, memory, context, handle);
            requireWithin(source.width(), source.height(), limits);
            opened = true;
            return source;
        } finally {
            if (!opened) {
                api.heif_context_free(context);
            }
        }
    }

    private static void requireWithin(long width, long height, EngineLimits limits) throws ImageRejectedException {
        if (width < 1 || height < 1) {
            throw new ImageRejectedException("corrupt_image", "the image declares " + width + "x" + height
                    + " pixels");
        }
        if (width * height > limits.maxPixels()) {
            throw new ImageRejectedException("image_too_large", "the image is " + width + "x" + height + " = "
                    + width * height + " pixels, more than the limit of " + limits.maxPixels());
        }
    }

    static void check(Heif.Error error, ImageFormat format) throws ImageRejectedException {
        if (error.failed()) {
            // libheif's words stay in the worker's log (the cause); the person gets a plain sentence (issue 12)
            throw new ImageRejectedException("corrupt_image", "the " + format.key() + " data cannot be decoded",
                    new IllegalStateException("libheif: " + error.text()));
        }
    }

    /**
     * Encodes as AVIF ({@link AvifWriter}), with the metadata the options keep ({@link Metadata#NONE} for none).
     *
     * @throws ImageRejectedException {@code result_too_large}, {@code unsupported_output} when the encoder fails
     */
    byte[] encodeAvif(BufferedImage image, int quality, long maxBytes, Metadata metadata)
            throws ImageRejectedException {
        return new AvifWriter(heif.api()).encode(image, quality, maxBytes, metadata);
    }
}
