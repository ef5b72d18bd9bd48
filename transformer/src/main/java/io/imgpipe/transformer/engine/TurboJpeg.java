package io.imgpipe.transformer.engine;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.Locale;
import java.util.Optional;

/**
 * The system's libjpeg-turbo (Debian package {@code libturbojpeg0}), when installed, decodes plain YCbCr and gray
 * JPEGs instead of ImageIO. It shrinks on load in the DCT domain (1/2, 1/4, 1/8: an area average, sharper and
 * cheaper than ImageIO's subsampling, which only skips pixels), and decodes a progressive JPEG in one pass where the
 * JDK's decoder renders the image once per scan. Without the library the engine uses ImageIO for everything.
 */
final class TurboJpeg {

    private static final int PIXEL_FORMAT_BGRX = 3; // TJPF_BGRX: an int 0x..RRGGBB in little-endian memory
    private static final int ERROR_FATAL = 1;       // TJERR_FATAL; TJERR_WARNING (0) still yields the image

    /** The TurboJPEG 2.x C API, the part used here. */
    interface Api extends Library {
        Pointer tjInitDecompress();

        int tjDecompressHeader3(Pointer handle, byte[] jpeg, NativeLong size, IntByReference width,
                                IntByReference height, IntByReference subsampling, IntByReference colourspace);

        int tjDecompress2(Pointer handle, byte[] jpeg, NativeLong size, int[] destination, int width, int pitch,
                          int height, int pixelFormat, int flags);

        int tjGetErrorCode(Pointer handle);

        String tjGetErrorStr2(Pointer handle);

        int tjDestroy(Pointer handle);
    }

    private final Api api;

    private TurboJpeg(Api api) {
        this.api = api;
    }

    /** The library, or empty when it is not installed (or JNA cannot load it on this platform). */
    static Optional<TurboJpeg> load() {
        try {
            return Optional.of(new TurboJpeg(Native.load("turbojpeg", Api.class)));
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Decodes at 1/{@code denominator} of the full size (1, 2, 4 or 8), rounding up as libjpeg does.
     *
     * @throws ImageRejectedException {@code corrupt_image} when the decoder fails
     */
    BufferedImage decode(byte[] jpeg, int width, int height, int denominator) throws ImageRejectedException {
        if (denominator != 1 && denominator != 2 && denominator != 4 && denominator != 8) {
            throw new IllegalArgumentException("scale is 1/1, 1/2, 1/4 or 1/8, got 1/" + denominator);
        }
        int w = (width + denominator - 1) / denominator;
        int h = (height + denominator - 1) / denominator;
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        Pointer handle = api.tjInitDecompress();
        if (handle == null) {
            throw new IllegalStateException("tjInitDecompress failed");
        }
        try {
            // asking for w x h makes TurboJPEG pick the scaling factor that yields exactly that
            int rc = api.tjDecompress2(handle, jpeg, new NativeLong(jpeg.length), pixels, w, w * 4, h,
                    PIXEL_FORMAT_BGRX, 0);
            if (rc != 0 && api.tjGetErrorCode(handle) == ERROR_FATAL) {
                throw new ImageRejectedException("corrupt_image", "the jpeg data cannot be decoded",
                        new IllegalStateException(api.tjGetErrorStr2(handle)));
            }
            if (rc != 0 && isDamage(api.tjGetErrorStr2(handle))) {
                // A warning about the entropy-coded data itself means the pixels are (partly) invented; warnings
                // such as extraneous bytes before a marker are common in camera files and harmless.
                throw new ImageRejectedException("corrupt_image", "the jpeg data is damaged: "
                        + api.tjGetErrorStr2(handle));
            }
        } finally {
            api.tjDestroy(handle);
        }
        return image;
    }

    /**
     * Whether a libjpeg warning means image data was lost or made up (bad Huffman codes, unknown markers inside
     * the scan, premature end). The two warnings real camera files often carry, extraneous bytes before a marker
     * and SOS parameters of a sequential JPEG, are harmless: the pixels are all there.
     */
    static boolean isDamage(String warning) {
        String w = warning == null ? "" : warning.toLowerCase(Locale.ROOT);
        return !(w.contains("extraneous bytes") || w.contains("invalid sos parameters for sequential"));
    }
}
