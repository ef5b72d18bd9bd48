package io.imgpipe.transformer.engine;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import io.imgpipe.contract.format.ImageFormat;
import io.imgpipe.transformer.engine.ops.Pixels;

import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
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

    /**
     * libaom's speed (0 slowest .. 9 fastest) for AVIF output, chosen for throughput: in the AVIF benchmark
     * (docs/benchmarks.md) the engine at 8 encodes at least 1.4× as many images per second as avifenc at its default
     * (6), for about 10 % more bytes at the same SSIM. A worker encodes one image per thread, so the encoder is held
     * to one thread too.
     */
    static final int AVIF_SPEED = 8;
    /** Above this quality the encoder keeps full chroma (4:4:4): sharper colour edges at near-lossless settings. */
    private static final int FULL_CHROMA_QUALITY = 90;
    private static final int NCLX_PRIMARIES = 4;
    private static final int NCLX_TRANSFER = 8;
    /** libheif 1.15's default limit on an image's width and height. */
    private static final int LIBHEIF_MAX_SIDE = 32_768;
    private static final int DECODING_OPTIONS_VERSION_2 = 2;
    /** Offset of {@code convert_hdr_to_8bit} in {@code struct heif_decoding_options} (after 4 pointers). */
    private static final int CONVERT_HDR_TO_8BIT = 40;

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

    /** The primary image of an opened HEIF/AVIF file; close it to free libheif's context. */
    static final class HeifSource implements AutoCloseable {
        private final Heif.Api api;
        private final ImageFormat format;
        private final Memory memory;
        private final Pointer context;
        private final Pointer handle;
        private final int width;
        private final int height;
        private final boolean alpha;

        private HeifSource(Heif.Api api, ImageFormat format, Memory memory, Pointer context, Pointer handle) {
            this.api = api;
            this.format = format;
            this.memory = memory;
            this.context = context;
            this.handle = handle;
            // the size after irot/imir/clap, i.e. as displayed
            this.width = api.heif_image_handle_get_width(handle);
            this.height = api.heif_image_handle_get_height(handle);
            this.alpha = api.heif_image_handle_has_alpha_channel(handle) != 0;
        }

        int width() {
            return width;
        }

        int height() {
            return height;
        }

        /**
         * The colour space of the decoded samples when it is not sRGB: the embedded ICC profile ({@code colr} of
         * type {@code prof}/{@code rICC}, as iPhones write Display P3), or one built for an nclx description with
         * wide-gamut primaries ({@link NclxProfiles}); null for sRGB, none, or a damaged profile. libheif applies
         * the nclx matrix and range itself when it converts YCbCr to RGB.
         */
        ICC_Profile profile() {
            int type = api.heif_image_handle_get_color_profile_type(handle);
            if (type == Heif.PROFILE_NCLX) {
                return nclxProfile();
            }
            if (type != Heif.PROFILE_PROF && type != Heif.PROFILE_RICC) {
                return null;
            }
            long size = api.heif_image_handle_get_raw_color_profile_size(handle);
            if (size <= 0 || size > IccProfiles.MAX_PROFILE_BYTES) {
                return null;
            }
            Memory out = new Memory(size);
            if (api.heif_image_handle_get_raw_color_profile(handle, out).failed()) {
                return null;
            }
            try {
                return ICC_Profile.getInstance(out.getByteArray(0, (int) size));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }

        private ICC_Profile nclxProfile() {
            PointerByReference ref = new PointerByReference();
            if (api.heif_image_handle_get_nclx_color_profile(handle, ref).failed() || ref.getValue() == null) {
                return null;
            }
            Pointer nclx = ref.getValue();
            try {
                // struct heif_color_profile_nclx: uint8_t version, then the enums (ints) from offset 4
                return NclxProfiles.forCodePoints(nclx.getInt(NCLX_PRIMARIES), nclx.getInt(NCLX_TRANSFER));
            } finally {
                api.heif_nclx_color_profile_free(nclx);
            }
        }

        /** Decodes to 8-bit RGB(A), with the file's transformations applied. */
        BufferedImage decode() throws ImageRejectedException {
            Pointer options = api.heif_decoding_options_alloc();
            PointerByReference ref = new PointerByReference();
            Pointer image = null;
            try {
                if (options != null && options.getByte(0) >= DECODING_OPTIONS_VERSION_2) {
                    options.setByte(CONVERT_HDR_TO_8BIT, (byte) 1); // 10/12-bit files come back as 8-bit samples
                }
                check(api.heif_decode_image(handle, ref, Heif.COLORSPACE_RGB,
                        alpha ? Heif.CHROMA_RGBA : Heif.CHROMA_RGB, options), format);
                image = ref.getValue();
                return pixels(image);
            } finally {
                if (image != null) {
                    api.heif_image_release(image);
                }
                if (options != null) {
                    api.heif_decoding_options_free(options);
                }
            }
        }

        private BufferedImage pixels(Pointer image) throws ImageRejectedException {
            int w = api.heif_image_get_primary_width(image);
            int h = api.heif_image_get_primary_height(image);
            IntByReference strideRef = new IntByReference();
            Pointer plane = api.heif_image_get_plane_readonly(image, Heif.CHANNEL_INTERLEAVED, strideRef);
            int channels = alpha ? 4 : 3;
            int stride = strideRef.getValue();
            if (plane == null || w != width || h != height || stride < w * channels) {
                throw new ImageRejectedException("corrupt_image", "the " + format.key() + " decoder returned "
                        + w + "x" + h + " pixels, not the " + width + "x" + height + " the header declares");
            }
            BufferedImage out = Pixels.create(w, h, alpha);
            int[] argb = Pixels.data(out);
            byte[] row = new byte[w * channels];
            for (int y = 0; y < h; y++) {
                plane.read((long) y * stride, row, 0, row.length);
                int o = y * w;
                for (int x = 0, i = 0; x < w; x++, i += channels) {
                    int a = alpha ? row[i + 3] & 0xFF : 0xFF;
                    argb[o + x] = a << 24 | (row[i] & 0xFF) << 16 | (row[i + 1] & 0xFF) << 8 | row[i + 2] & 0xFF;
                }
            }
            return out;
        }

        @Override
        public void close() {
            api.heif_image_handle_release(handle);
            api.heif_context_free(context);
            memory.close();
        }
    }

    /**
     * Encodes as AVIF with libaom at {@link #AVIF_SPEED}, in 8-bit 4:2:0 (4:4:4 above quality
     * {@value #FULL_CHROMA_QUALITY}), sRGB.
     *
     * @throws ImageRejectedException {@code result_too_large}, {@code unsupported_output} when the encoder fails
     */
    byte[] encodeAvif(BufferedImage image, int quality, long maxBytes) throws ImageRejectedException {
        Heif.Api api = heif.api();
        boolean withAlpha = Pixels.hasAlpha(image);
        int w = image.getWidth();
        int h = image.getHeight();
        PointerByReference ref = new PointerByReference();
        encoderCheck(api.heif_image_create(w, h, Heif.COLORSPACE_RGB, withAlpha ? Heif.CHROMA_RGBA : Heif.CHROMA_RGB,
                ref));
        Pointer heifImage = ref.getValue();
        Pointer context = null;
        Pointer encoder = null;
        try {
            encoderCheck(api.heif_image_add_plane(heifImage, Heif.CHANNEL_INTERLEAVED, w, h, 8));
            IntByReference stride = new IntByReference();
            Pointer plane = api.heif_image_get_plane(heifImage, Heif.CHANNEL_INTERLEAVED, stride);
            copyPixels(image, withAlpha, plane, stride.getValue());
            context = api.heif_context_alloc();
            PointerByReference encoderRef = new PointerByReference();
            encoderCheck(api.heif_context_get_encoder_for_format(context, Heif.COMPRESSION_AV1, encoderRef));
            encoder = encoderRef.getValue();
            encoderCheck(api.heif_encoder_set_lossy_quality(encoder, quality));
            encoderCheck(api.heif_encoder_set_parameter_integer(encoder, "speed", AVIF_SPEED));
            encoderCheck(api.heif_encoder_set_parameter_integer(encoder, "threads", 1));
            encoderCheck(api.heif_encoder_set_parameter(encoder, "chroma",
                    quality > FULL_CHROMA_QUALITY ? "444" : "420"));
            encoderCheck(api.heif_context_encode_image(context, heifImage, encoder, null, null));
            BoundedSink sink = new BoundedSink(maxBytes);
            Heif.Error written = api.heif_context_write(context, new Heif.Writer(sink), null);
            if (sink.tooLarge) {
                throw new ImageRejectedException("result_too_large", "the encoded avif result is larger than the"
                        + " limit of " + maxBytes + " bytes");
            }
            encoderCheck(written);
            return sink.out.toByteArray();
        } finally {
            if (encoder != null) {
                api.heif_encoder_release(encoder);
            }
            if (context != null) {
                api.heif_context_free(context);
            }
            api.heif_image_release(heifImage);
        }
    }

    private static void copyPixels(BufferedImage image, boolean withAlpha, Pointer plane, int stride) {
        int w = image.getWidth();
        int[] argb = Pixels.data(image);
        int channels = withAlpha ? 4 : 3;
        byte[] row = new byte[w * channels];
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0, i = 0; x < w; x++, i += channels) {
                int p = argb[y * w + x];
                row[i] = (byte) (p >>> 16);
                row[i + 1] = (byte) (p >>> 8);
                row[i + 2] = (byte) p;
                if (withAlpha) {
                    row[i + 3] = (byte) (p >>> 24);
                }
            }
            plane.write((long) y * stride, row, 0, row.length);
        }
    }

    private static void encoderCheck(Heif.Error error) throws ImageRejectedException {
        if (error.failed()) {
            throw new ImageRejectedException("unsupported_output", "the avif encoder failed",
                    new IllegalStateException("libheif: " + error.text()));
        }
    }

    /** Collects libheif's output, refusing (with an error libheif passes back) what outgrows the limit. */
    private static final class BoundedSink implements Heif.WriteCallback {
        private final long maxBytes;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        /** libheif passes the returned error's text on, so it must be a live C string, never null. */
        private final Memory errorText = nulTerminated("result larger than the limit");
        private boolean tooLarge;

        BoundedSink(long maxBytes) {
            this.maxBytes = maxBytes;
        }

        @Override
        public Heif.Error invoke(Pointer context, Pointer data, long size, Pointer userData) {
            Heif.Error result = new Heif.Error();
            if (out.size() + size > maxBytes) {
                tooLarge = true;
                result.code = 9; // heif_error_Encoding_error; the caller reads tooLarge
                result.message = errorText;
                return result;
            }
            out.write(data.getByteArray(0, (int) size), 0, (int) size);
            return result;
        }
    }

    private static Memory nulTerminated(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        Memory m = new Memory(bytes.length + 1L);
        m.write(0, bytes, 0, bytes.length);
        m.setByte(bytes.length, (byte) 0);
        return m;
    }
}
