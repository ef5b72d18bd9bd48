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

    private static final int MAX_PROFILE_BYTES = 4 * 1024 * 1024;

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
        int i = 2;
        while (i + 4 <= d.length && (d[i] & 0xFF) == 0xFF) {
            int marker = d[i + 1] & 0xFF;
            if (marker == 0xFF) {
                i++;
                continue;
            }
            if (marker == 0xDA || marker == 0xD9) {
                break;
            }
            int length = (d[i + 2] & 0xFF) << 8 | d[i + 3] & 0xFF;
            if (marker == 0xE2 && length > 16 && i + 2 + length <= d.length
                    && new String(d, i + 4, 12, StandardCharsets.ISO_8859_1).equals("ICC_PROFILE\0")) {
                // chunks are in order in every file seen in practice; the sequence bytes are not re-sorted
                out.write(d, i + 18, length - 16);
            }
            i += 2 + length;
        }
        return out.size() == 0 ? null : out.toByteArray();
    }

    private static byte[] png(byte[] d) {
        int i = 8;
        while (i + 12 <= d.length) {
            int length = (d[i] & 0xFF) << 24 | (d[i + 1] & 0xFF) << 16 | (d[i + 2] & 0xFF) << 8 | d[i + 3] & 0xFF;
            String type = new String(d, i + 4, 4, StandardCharsets.ISO_8859_1);
            if (length < 0 || type.equals("IDAT")) {
                return null;
            }
            if (type.equals("iCCP") && i + 8 + length <= d.length) {
                int nameEnd = i + 8;
                while (nameEnd < i + 8 + length && d[nameEnd] != 0) {
                    nameEnd++;
                }
                int start = nameEnd + 2; // NUL, compression method
                return inflate(d, start, i + 8 + length - start);
            }
            i += 12 + length;
        }
        return null;
    }

    private static byte[] webp(byte[] d) {
        int i = 12;
        while (i + 8 <= d.length) {
            String type = new String(d, i, 4, StandardCharsets.ISO_8859_1);
            int length = (d[i + 4] & 0xFF) | (d[i + 5] & 0xFF) << 8 | (d[i + 6] & 0xFF) << 16 | (d[i + 7] & 0xFF) << 24;
            if (length < 0) {
                return null;
            }
            if (type.equals("ICCP") && i + 8 + length <= d.length) {
                byte[] out = new byte[length];
                System.arraycopy(d, i + 8, out, 0, length);
                return out;
            }
            i += 8 + length + (length & 1);
        }
        return null;
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
