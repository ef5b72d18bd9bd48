package io.imgpipe.transformer.engine;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import io.imgpipe.contract.format.ImageFormat;
import io.imgpipe.transformer.engine.ops.Pixels;

import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.util.Arrays;

/**
 * The primary image of a HEIC/AVIF file libheif has opened ({@link HeifCodec#open}); close it to free libheif's
 * context. Decoding applies the file's irot/imir/clap transforms, so the size is the displayed one.
 */
final class HeifSource implements AutoCloseable {

    private static final int DECODING_OPTIONS_VERSION_2 = 2;
    /** Offset of {@code convert_hdr_to_8bit} in {@code struct heif_decoding_options} (after 4 pointers). */
    private static final int CONVERT_HDR_TO_8BIT = 40;
    /** Offsets of {@code color_primaries} and {@code transfer_characteristics} in {@code heif_color_profile_nclx}. */
    private static final int NCLX_PRIMARIES = 4;
    private static final int NCLX_TRANSFER = 8;
    static final String XMP_CONTENT_TYPE = "application/rdf+xml";
    /** Bounds what a metadata item may make the worker hold (libheif may inflate a compressed one). */
    private static final int MAX_METADATA_BYTES = 1 << 20;
    private static final int MAX_METADATA_BLOCKS = 8;

    private final Heif.Api api;
    private final ImageFormat format;
    private final Memory memory;
    private final Pointer context;
    private final Pointer handle;
    private final int width;
    private final int height;
    private final boolean alpha;

    HeifSource(Heif.Api api, ImageFormat format, Memory memory, Pointer context, Pointer handle) {
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

    /**
     * The primary image's EXIF (the TIFF structure, without the offset libheif stores in front of it) and XMP
     * ({@code mime} item of type {@value #XMP_CONTENT_TYPE}); a block that is missing, damaged or larger than
     * {@value #MAX_METADATA_BYTES} bytes is null.
     */
    Metadata metadata() {
        byte[] exif = block("Exif", null);
        return new Metadata(exif == null ? null : tiff(exif), block("mime", XMP_CONTENT_TYPE), null, null);
    }

    private byte[] block(String type, String contentType) {
        int[] ids = new int[MAX_METADATA_BLOCKS];
        int count = Math.min(ids.length, api.heif_image_handle_get_list_of_metadata_block_IDs(handle, type, ids,
                ids.length));
        for (int i = 0; i < count; i++) {
            if (contentType != null
                    && !contentType.equals(api.heif_image_handle_get_metadata_content_type(handle, ids[i]))) {
                continue;
            }
            long size = api.heif_image_handle_get_metadata_size(handle, ids[i]);
            if (size <= 0 || size > MAX_METADATA_BYTES) {
                continue;
            }
            byte[] data = new byte[(int) size];
            if (!api.heif_image_handle_get_metadata(handle, ids[i], data).failed()) {
                return data;
            }
        }
        return null;
    }

    /** The TIFF structure of a HEIF Exif block: a 4-byte big-endian offset to the TIFF header, then the data. */
    static byte[] tiff(byte[] exif) {
        if (exif.length < 4) {
            return null;
        }
        long offset = (exif[0] & 0xFFL) << 24 | (exif[1] & 0xFF) << 16 | (exif[2] & 0xFF) << 8 | exif[3] & 0xFF;
        long start = 4 + offset;
        return start + 8 <= exif.length ? Arrays.copyOfRange(exif, (int) start, exif.length) : null;
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
            HeifCodec.check(api.heif_decode_image(handle, ref, Heif.COLORSPACE_RGB,
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
