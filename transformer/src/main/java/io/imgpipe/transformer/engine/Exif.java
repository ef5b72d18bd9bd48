package io.imgpipe.transformer.engine;

import io.imgpipe.contract.format.ImageFormat;

import java.nio.charset.StandardCharsets;

/**
 * Finds the EXIF orientation (TIFF tag 0x0112) without decoding anything: in a JPEG's APP1 "Exif" segment, a PNG's
 * eXIf chunk, a WebP's EXIF chunk, or a TIFF's first IFD. Anything malformed reads as 1 (upright), since a broken
 * tag must not make a readable image fail.
 */
final class Exif {

    static final int UPRIGHT = 1;
    private static final int ORIENTATION_TAG = 0x0112;

    private Exif() {
    }

    static int orientation(byte[] data, ImageFormat format) {
        try {
            int tiff = switch (format) {
                case JPEG -> jpegExif(data);
                case PNG -> pngExif(data);
                case WEBP -> webpExif(data);
                case TIFF -> 0;
                default -> -1;
            };
            return tiff < 0 ? UPRIGHT : tiffOrientation(data, tiff);
        } catch (IndexOutOfBoundsException e) {
            return UPRIGHT;
        }
    }

    /** Offset of the TIFF header inside the APP1 Exif segment, or -1. Stops at the first scan. */
    private static int jpegExif(byte[] d) {
        int i = 2;
        while (i + 4 <= d.length) {
            if ((d[i] & 0xFF) != 0xFF) {
                return -1;
            }
            int marker = d[i + 1] & 0xFF;
            if (marker == 0xFF) { // fill byte
                i++;
                continue;
            }
            if (marker == 0xDA || marker == 0xD9) {
                return -1;
            }
            int length = u16(d, i + 2, false);
            if (marker == 0xE1 && length >= 8 && ascii(d, i + 4, 6).equals("Exif\0\0")) {
                return i + 10;
            }
            i += 2 + length;
        }
        return -1;
    }

    private static int pngExif(byte[] d) {
        int i = 8;
        while (i + 8 <= d.length) {
            int length = (int) Math.min(u32(d, i, false), Integer.MAX_VALUE);
            String type = ascii(d, i + 4, 4);
            if (type.equals("eXIf")) {
                return i + 8;
            }
            if (type.equals("IDAT") || type.equals("IEND") || length < 0) {
                return -1;
            }
            i += 12 + length;
        }
        return -1;
    }

    private static int webpExif(byte[] d) {
        int i = 12;
        while (i + 8 <= d.length) {
            String type = ascii(d, i, 4);
            int length = (int) Math.min(u32(d, i + 4, true), Integer.MAX_VALUE - 16);
            if (type.equals("EXIF")) {
                int start = i + 8;
                // some writers keep the JPEG "Exif\0\0" prefix
                return ascii(d, start, 6).equals("Exif\0\0") ? start + 6 : start;
            }
            i += 8 + length + (length & 1);
        }
        return -1;
    }

    private static int tiffOrientation(byte[] d, int tiff) {
        boolean little = switch (ascii(d, tiff, 2)) {
            case "II" -> true;
            case "MM" -> false;
            default -> throw new IndexOutOfBoundsException("not a TIFF header");
        };
        long ifd = u32(d, tiff + 4, little);
        if (ifd <= 0 || tiff + ifd + 2 > d.length) {
            return UPRIGHT;
        }
        int entries = tiff + (int) ifd;
        int count = u16(d, entries, little);
        for (int n = 0; n < count; n++) {
            int e = entries + 2 + 12 * n;
            if (u16(d, e, little) == ORIENTATION_TAG) {
                int value = u16(d, e + 8, little); // SHORT, left-justified in the value field
                return value >= 1 && value <= 8 ? value : UPRIGHT;
            }
        }
        return UPRIGHT;
    }

    private static int u16(byte[] d, int i, boolean little) {
        int a = d[i] & 0xFF;
        int b = d[i + 1] & 0xFF;
        return little ? b << 8 | a : a << 8 | b;
    }

    private static long u32(byte[] d, int i, boolean little) {
        long a = d[i] & 0xFF;
        long b = d[i + 1] & 0xFF;
        long c = d[i + 2] & 0xFF;
        long e = d[i + 3] & 0xFF;
        return little ? e << 24 | c << 16 | b << 8 | a : a << 24 | b << 16 | c << 8 | e;
    }

    private static String ascii(byte[] d, int i, int n) {
        if (i < 0 || i + n > d.length) {
            throw new IndexOutOfBoundsException(i);
        }
        return new String(d, i, n, StandardCharsets.ISO_8859_1);
    }
}
