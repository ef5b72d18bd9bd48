package io.imgpipe.transformer.engine;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import io.imgpipe.transformer.engine.ops.Pixels;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Writes AVIF through libheif's AV1 encoder (libaom); one call per image, nothing shared between calls. */
final class AvifWriter {

    /**
     * libaom's speed (0 slowest .. 9 fastest) for AVIF output, chosen for throughput: in the AVIF benchmark
     * (docs/benchmarks.md) the engine at 8 encodes at least 1.4× as many images per second as avifenc at its default
     * (6), for about 10 % more bytes at the same SSIM. A worker encodes one image per thread, so the encoder is held
     * to one thread too.
     */
    static final int AVIF_SPEED = 8;
    /** Above this quality the encoder keeps full chroma (4:4:4): sharper colour edges at near-lossless settings. */
    private static final int FULL_CHROMA_QUALITY = 90;

    private final Heif.Api api;

    AvifWriter(Heif.Api api) {
        this.api = api;
    }

    /**
     * Encodes as AVIF with libaom at {@link #AVIF_SPEED}, in 8-bit 4:2:0 (4:4:4 above quality
     * {@value #FULL_CHROMA_QUALITY}), sRGB unless {@code metadata} carries the ICC profile the pixels are in. The
     * kept EXIF and XMP become the image's {@code Exif} and {@code mime} items, the profile its {@code colr}
     * ({@code prof}) property; IPTC has no standard place in HEIF and is left out, and so is an EXIF or XMP block
     * libheif refuses (as a JPEG result leaves out a segment too large for it). {@code maxBytes} bounds the whole
     * file, metadata included.
     *
     * @throws ImageRejectedException {@code result_too_large}, {@code unsupported_output} when the encoder fails
     */
    byte[] encode(BufferedImage image, int quality, long maxBytes, Metadata metadata) throws ImageRejectedException {
        boolean withAlpha = Pixels.hasAlpha(image);
        int w = image.getWidth();
        int h = image.getHeight();
        PointerByReference ref = new PointerByReference();
        encoderCheck(api.heif_image_create(w, h, Heif.COLORSPACE_RGB, withAlpha ? Heif.CHROMA_RGBA : Heif.CHROMA_RGB,
                ref));
        Pointer heifImage = ref.getValue();
        Pointer context = null;
        Pointer encoder = null;
        PointerByReference handleRef = new PointerByReference();
        try {
            encoderCheck(api.heif_image_add_plane(heifImage, Heif.CHANNEL_INTERLEAVED, w, h, 8));
            IntByReference stride = new IntByReference();
            Pointer plane = api.heif_image_get_plane(heifImage, Heif.CHANNEL_INTERLEAVED, stride);
            copyPixels(image, withAlpha, plane, stride.getValue());
            if (metadata.icc() != null) {
                encoderCheck(api.heif_image_set_raw_color_profile(heifImage, "prof", metadata.icc(),
                        metadata.icc().length));
            }
            context = api.heif_context_alloc();
            PointerByReference encoderRef = new PointerByReference();
            encoderCheck(api.heif_context_get_encoder_for_format(context, Heif.COMPRESSION_AV1, encoderRef));
            encoder = encoderRef.getValue();
            encoderCheck(api.heif_encoder_set_lossy_quality(encoder, quality));
            encoderCheck(api.heif_encoder_set_parameter_integer(encoder, "speed", AVIF_SPEED));
            encoderCheck(api.heif_encoder_set_parameter_integer(encoder, "threads", 1));
            encoderCheck(api.heif_encoder_set_parameter(encoder, "chroma",
                    quality > FULL_CHROMA_QUALITY ? "444" : "420"));
            encoderCheck(api.heif_context_encode_image(context, heifImage, encoder, null, handleRef));
            if (metadata.exif() != null) {
                api.heif_context_add_exif_metadata(context, handleRef.getValue(), metadata.exif(),
                        metadata.exif().length); // refused (no TIFF header): left out
            }
            if (metadata.xmp() != null) {
                api.heif_context_add_XMP_metadata(context, handleRef.getValue(), metadata.xmp(),
                        metadata.xmp().length);
            }
            BoundedSink sink = new BoundedSink(maxBytes);
            Heif.Error written = api.heif_context_write(context, new Heif.Writer(sink), null);
            if (sink.tooLarge) {
                throw new ImageRejectedException("result_too_large", "the encoded avif result is larger than the"
                        + " limit of " + maxBytes + " bytes");
            }
            encoderCheck(written);
            return sink.out.toByteArray();
        } finally {
            if (handleRef.getValue() != null) {
                api.heif_image_handle_release(handleRef.getValue());
            }
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
