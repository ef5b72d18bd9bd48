package io.imgpipe.transformer.engine;

import io.imgpipe.contract.format.ImageFormat;

import java.awt.color.ICC_Profile;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Finds an embedded ICC profile in the encoded bytes (JPEG APP2 "ICC_PROFILE" chunks, PNG iCCP, WebP ICCP), for
 * decoders that return samples labelled sRGB whatever the file says (libjpeg-turbo). A damaged profile counts as none: the colours
 * are then read as sRGB, which is what every browser does too.
 */
final class IccProfiles {

    static final int MAX_PROFILE_BYTES = 4 * 1024 * 1024;

    private IccProfiles() {
    }

    static ICC_Profile embedded(byte[] data, ImageFormat format) {
        try {
            byte[] bytes = switch (format) {
                case JPEG -> jpeg(data);
                case PNG -> png(data);
                case WEBP -> webp(data);
                default -> null;
            };
            return bytes == null ? null : ICC_Profile.getInstance(bytes);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Whether a profile is (a variant of) sRGB, so converting through it would change nothing visible. */
    static boolean isSrgb(ICC_Profile profile) {
        byte[] desc = profile.getData(ICC_Profile.icSigProfileDescriptionTag);
        if (desc == null) {
            return false;
        }
        String text = new String(desc, StandardCharsets.ISO_8859_1).replace("\0", "").toLowerCase(Locale.ROOT);
        // "linear sRGB" shares sRGB's primaries but not its tone curve: converting it matters
        return (text.contains("srgb") || text.contains("iec61966-2")) && !text.contains("linear");
    }

    private static byte[] jpeg(byte[] d) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (JpegSegments.Segment s : JpegSegments.read(d).segments()) {
            if (s.marker() == JpegSegments.APP2 && s.length() > 16 && s.start() + 2 + s.length() <= d.length
                    && s.startsWith(d, "ICC_PROFILE\0")) {
                // chunks are in order in every file seen in practice; the sequence bytes are not re-sorted
                out.write(d, s.payload() + 14, s.length() - 16);
            }
        }
        return out.size() == 0 ? null : out.toByteArray();
    }

    private static byte[] png(byte[] d) {
        Chunk iccp = PngChunks.find(d, "iCCP");
        if (iccp == null || iccp.length() < 0 || !iccp.within(d)) {
            return null;
        }
        int end = iccp.data() + iccp.length();
        int nameEnd = iccp.data();
        while (nameEnd < end && d[nameEnd] != 0) {
            nameEnd++;
        }
        int start = nameEnd + 2; // NUL, compression method
        return inflate(d, start, end - start);
    }

    private static byte[] webp(byte[] d) {
        Chunk iccp = RiffChunks.find(d, "ICCP");
        if (iccp == null || !iccp.within(d)) {
            return null;
        }
        byte[] out = new byte[iccp.length()];
        System.arraycopy(d, iccp.data(), out, 0, iccp.length());
        return out;
    }

    private static byte[] inflate(byte[] d, int offset, int length) {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(d, offset, length);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            while (!inflater.finished() && out.size() <= MAX_PROFILE_BYTES) {
                int n = inflater.inflate(buf);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    return null;
                }
                out.write(buf, 0, n);
            }
            return inflater.finished() ? out.toByteArray() : null;
        } catch (DataFormatException e) {
            return null;
        } finally {
            inflater.end();
        }
    }
}
