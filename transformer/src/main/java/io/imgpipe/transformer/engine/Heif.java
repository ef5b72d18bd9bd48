package io.imgpipe.transformer.engine;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;

import java.util.List;
import java.util.Optional;

/**
 * The system's libheif (Debian package {@code libheif1}, 1.15), when installed: it reads HEIC (through libde265) and
 * AVIF (through dav1d or libaom) and writes AVIF (through libaom). Loaded through JNA like {@link TurboJpeg}; without
 * it those formats are refused with a reason that names the library. {@link HeifCodec} is what the engine calls.
 *
 * <p>Only the part of the C API ({@code heif.h}) the engine uses is declared. Every call returns a
 * {@code struct heif_error} by value; its {@code code} is 0 on success.
 */
final class Heif {

    static final String LIBRARY = "libheif (Debian package libheif1)";

    static final int COMPRESSION_HEVC = 1;      // heif_compression_HEVC
    static final int COMPRESSION_AV1 = 4;       // heif_compression_AV1
    static final int COLORSPACE_RGB = 1;        // heif_colorspace_RGB
    static final int CHROMA_RGB = 10;           // heif_chroma_interleaved_RGB: R, G, B bytes
    static final int CHROMA_RGBA = 11;          // heif_chroma_interleaved_RGBA
    static final int CHANNEL_INTERLEAVED = 10;  // heif_channel_interleaved
    static final int PROFILE_NCLX = fourcc("nclx");
    static final int PROFILE_RICC = fourcc("rICC");
    static final int PROFILE_PROF = fourcc("prof");

    /** {@code struct heif_error}: returned by value from nearly every function. */
    public static class Error extends Structure implements Structure.ByValue {
        public int code;
        public int subcode;
        public Pointer message;

        @Override
        protected List<String> getFieldOrder() {
            return List.of("code", "subcode", "message");
        }

        boolean failed() {
            return code != 0;
        }

        String text() {
            return message == null ? "error " + code + "/" + subcode : message.getString(0) + " (" + code + "/"
                    + subcode + ")";
        }
    }

    /** {@code heif_writer.write}: receives the whole file in one or more calls. */
    interface WriteCallback extends Callback {
        Error invoke(Pointer context, Pointer data, long size, Pointer userData);
    }

    /** {@code struct heif_writer}, version 1. */
    public static class Writer extends Structure {
        public int writer_api_version = 1;
        public WriteCallback write;

        Writer(WriteCallback write) {
            this.write = write;
        }

        @Override
        protected List<String> getFieldOrder() {
            return List.of("writer_api_version", "write");
        }
    }

    /** The libheif 1.15 C API, the part used here ({@code size_t} is a Java long: 64-bit platforms only). */
    interface Api extends Library {
        Error heif_init(Pointer params);

        String heif_get_version();

        int heif_have_decoder_for_format(int format);

        int heif_have_encoder_for_format(int format);

        Pointer heif_context_alloc();

        void heif_context_free(Pointer context);

        void heif_context_set_maximum_image_size_limit(Pointer context, int maximumWidth);

        void heif_context_set_max_decoding_threads(Pointer context, int maxThreads);

        Error heif_context_read_from_memory_without_copy(Pointer context, Pointer memory, long size, Pointer options);

        Error heif_context_get_primary_image_handle(Pointer context, PointerByReference handle);

        int heif_image_handle_get_width(Pointer handle);

        int heif_image_handle_get_height(Pointer handle);

        int heif_image_handle_has_alpha_channel(Pointer handle);

        int heif_image_handle_get_color_profile_type(Pointer handle);

        long heif_image_handle_get_raw_color_profile_size(Pointer handle);

        Error heif_image_handle_get_raw_color_profile(Pointer handle, Pointer out);

        Error heif_image_handle_get_nclx_color_profile(Pointer handle, PointerByReference nclx);

        void heif_nclx_color_profile_free(Pointer nclx);

        void heif_image_handle_release(Pointer handle);

        Pointer heif_decoding_options_alloc();

        void heif_decoding_options_free(Pointer options);

        Error heif_decode_image(Pointer handle, PointerByReference image, int colorspace, int chroma, Pointer options);

        Pointer heif_image_get_plane_readonly(Pointer image, int channel, IntByReference stride);

        Pointer heif_image_get_plane(Pointer image, int channel, IntByReference stride);

        int heif_image_get_primary_width(Pointer image);

        int heif_image_get_primary_height(Pointer image);

        Error heif_image_create(int width, int height, int colorspace, int chroma, PointerByReference image);

        Error heif_image_add_plane(Pointer image, int channel, int width, int height, int bitDepth);

        void heif_image_release(Pointer image);

        Error heif_context_get_encoder_for_format(Pointer context, int format, PointerByReference encoder);

        Error heif_encoder_set_lossy_quality(Pointer encoder, int quality);

        Error heif_encoder_set_parameter_integer(Pointer encoder, String name, int value);

        Error heif_encoder_set_parameter(Pointer encoder, String name, String value);

        void heif_encoder_release(Pointer encoder);

        Error heif_context_encode_image(Pointer context, Pointer image, Pointer encoder, Pointer options,
                                        PointerByReference handle);

        Error heif_context_write(Pointer context, Writer writer, Pointer userData);

        Error heif_image_set_raw_color_profile(Pointer image, String fourcc, byte[] profile, long size);

        /** Takes the TIFF structure (from "II"/"MM"); libheif finds the header and writes the offset in front. */
        Error heif_context_add_exif_metadata(Pointer context, Pointer handle, byte[] data, int size);

        Error heif_context_add_XMP_metadata(Pointer context, Pointer handle, byte[] data, int size);

        int heif_image_handle_get_list_of_metadata_block_IDs(Pointer handle, String typeFilter, int[] ids,
                                                              int count);

        String heif_image_handle_get_metadata_type(Pointer handle, int id);

        String heif_image_handle_get_metadata_content_type(Pointer handle, int id);

        long heif_image_handle_get_metadata_size(Pointer handle, int id);

        /** The block as stored: for Exif, a 4-byte big-endian offset to the TIFF header, then the Exif data. */
        Error heif_image_handle_get_metadata(Pointer handle, int id, byte[] out);
    }

    private final Api api;

    private Heif(Api api) {
        this.api = api;
    }

    /** The library, or empty when it is not installed (or JNA cannot load it on this platform). */
    static Optional<Heif> load() {
        if (Native.SIZE_T_SIZE != Long.BYTES) {
            return Optional.empty();
        }
        try {
            Api api = Native.load("heif", Api.class);
            api.heif_get_version(); // a library of that name that is not libheif fails here, not mid-transform
            return init(api) ? Optional.of(new Heif(api)) : Optional.empty();
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Loads the codec plugins of libheif 1.14+ (Debian 13 and Ubuntu 24.04 package them separately); reference-counted
     * and never undone, since the engine keeps the library for the life of the process. Older versions (Ubuntu 22.04
     * has 1.12) have no heif_init and need none.
     */
    private static boolean init(Api api) {
        try {
            return !api.heif_init(null).failed();
        } catch (UnsatisfiedLinkError e) {
            return true;
        }
    }

    Api api() {
        return api;
    }

    String version() {
        return api.heif_get_version();
    }

    /** A memory area holding {@code bytes}: libheif reads it in place, so it must outlive the context. */
    static Memory copy(byte[] bytes) {
        Memory memory = new Memory(Math.max(1, bytes.length));
        memory.write(0, bytes, 0, bytes.length);
        return memory;
    }

    private static int fourcc(String code) {
        return code.charAt(0) << 24 | code.charAt(1) << 16 | code.charAt(2) << 8 | code.charAt(3);
    }
}
