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

    /** Offset of the TIFF header inside the APP1 Exif segment, or -1. */
    private static int jpegExif(byte[] d) {
        for (JpegSegments.Segment s : JpegSegments.read(d).segments()) {
            if (s.marker() == JpegSegments.APP1 && s.length() >= 8 && s.startsWith(d, "Exif\0\0")) {
                return s.payload() + 6;
            }
        }
        return -1;
    }

    private static int pngExif(byte[] d) {
        Chunk exif = PngChunks.find(d, "eXIf");
        return exif == null ? -1 : exif.data();
    }

    private static int webpExif(byte[] d) {
        Chunk exif = RiffChunks.find(d, "EXIF");
        if (exif == null) {
            return -1;
        }
        // some writers keep the JPEG "Exif\0\0" prefix
        return ascii(d, exif.data(), 6).equals("Exif\0\0") ? exif.data() + 6 : exif.data();
    }

    private static int tiffOrientation(byte[] d, int tiff) {
        boolean little = switch (ascii(d, tiff, 2)) {
            case "II" -> true;
            case "MM" -> false;
            default -> throw new IndexOutOfBoundsException("not a TIFF header");
        };
        long ifd = TiffFields.u32(d, tiff + 4, little);
        if (ifd <= 0 || tiff + ifd + 2 > d.length) {
            return UPRIGHT;
        }
        int entries = tiff + (int) ifd;
        int count = TiffFields.u16(d, entries, little);
        for (int n = 0; n < count; n++) {
            int e = entries + 2 + 12 * n;
            if (TiffFields.u16(d, e, little) == ORIENTATION_TAG) {
                int value = TiffFields.u16(d, e + 8, little); // SHORT, left-justified in the value field
                return value >= 1 && value <= 8 ? value : UPRIGHT;
            }
        }
        return UPRIGHT;
    }

    private static String ascii(byte[] d, int i, int n) {
        if (i < 0 || i + n > d.length) {
            throw new IndexOutOfBoundsException(i);
        }
        return new String(d, i, n, StandardCharsets.ISO_8859_1);
    }
}
