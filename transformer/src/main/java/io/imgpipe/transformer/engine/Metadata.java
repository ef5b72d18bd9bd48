package io.imgpipe.transformer.engine;

import io.imgpipe.contract.format.ImageFormat;
import io.imgpipe.contract.options.Keep;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The metadata a result may carry over from its source, as raw blocks: EXIF (a TIFF structure, from "II"/"MM"
 * on), XMP (the packet's XML), IPTC (Photoshop's image resource blocks, as in a JPEG APP13) and an ICC profile.
 * Read from JPEG APP1/APP13 segments, PNG eXIf/iTXt chunks and WebP EXIF/XMP chunks here, from HEIC and AVIF Exif
 * and XMP items through libheif ({@link HeifSource#metadata}); any block may be null.
 */
record Metadata(byte[] exif, byte[] xmp, byte[] iptc, byte[] icc) {

    static final Metadata NONE = new Metadata(null, null, null, null);
    static final String XMP_JPEG = "http://ns.adobe.com/xap/1.0/\0";
    static final String XMP_PNG = "XML:com.adobe.xmp";
    static final String PHOTOSHOP = "Photoshop 3.0\0";
    private static final int PNG_SIGNATURE_BYTES = 8;

    /**
     * What the options keep of the source's metadata (the ICC profile is the engine's to add: it knows the pixels).
     *
     * @param all      the source's metadata ({@link SourceImage#metadata})
     * @param oriented whether the result's pixels are upright, so that a kept orientation must say so
     */
    static Metadata kept(Metadata all, Keep keep, boolean oriented) {
        if (keep == Keep.COPYRIGHT) {
            return new Metadata(all.exif == null ? null : TiffFields.copyrightOnly(all.exif), null, null, null);
        }
        return new Metadata(all.exif != null && oriented ? TiffFields.upright(all.exif) : all.exif, all.xmp,
                all.iptc, null);
    }

    Metadata withIcc(byte[] profile) {
        return new Metadata(exif, xmp, iptc, profile);
    }

    boolean isEmpty() {
        return exif == null && xmp == null && iptc == null && icc == null;
    }

    static Metadata read(byte[] d, ImageFormat format) {
        try {
            return switch (format) {
                case JPEG -> jpeg(d);
                case PNG -> png(d);
                case WEBP -> webp(d);
                default -> NONE;
            };
        } catch (IndexOutOfBoundsException e) {
            return NONE; // a damaged block is dropped, never a reason to fail the image
        }
    }

    private static Metadata jpeg(byte[] d) {
        byte[] exif = null;
        byte[] xmp = null;
        byte[] iptc = null;
        for (JpegSegments.Segment s : JpegSegments.read(d).segments()) {
            if (s.start() + 2 + s.length() > d.length) {
                break;
            }
            int end = s.start() + 2 + s.length();
            if (s.marker() == JpegSegments.APP1 && exif == null && s.startsWith(d, "Exif\0\0")) {
                exif = Arrays.copyOfRange(d, s.payload() + 6, end);
            } else if (s.marker() == JpegSegments.APP1 && xmp == null && s.startsWith(d, XMP_JPEG)) {
                xmp = Arrays.copyOfRange(d, s.payload() + XMP_JPEG.length(), end);
            } else if (s.marker() == JpegSegments.APP13 && iptc == null && s.startsWith(d, PHOTOSHOP)) {
                iptc = Arrays.copyOfRange(d, s.payload() + PHOTOSHOP.length(), end);
            }
        }
        return new Metadata(exif, xmp, iptc, null);
    }

    private static Metadata png(byte[] d) {
        byte[] exif = null;
        byte[] xmp = null;
        int i = PNG_SIGNATURE_BYTES;
        while (i + 12 <= d.length) {
            int length = (d[i] & 0xFF) << 24 | (d[i + 1] & 0xFF) << 16 | (d[i + 2] & 0xFF) << 8 | d[i + 3] & 0xFF;
            String type = new String(d, i + 4, 4, StandardCharsets.ISO_8859_1);
            int data = i + 8;
            if (length < 0 || data + (long) length > d.length || type.equals("IEND")) {
                break;
            }
            if (type.equals("eXIf") && exif == null) {
                exif = Arrays.copyOfRange(d, data, data + length);
            } else if (type.equals("iTXt") && xmp == null) {
                xmp = uncompressedText(d, data, length, XMP_PNG);
            }
            i = data + length + 4;
        }
        return new Metadata(exif, xmp, null, null);
    }

    /** The text of an uncompressed iTXt chunk with this keyword, or null. */
    private static byte[] uncompressedText(byte[] d, int data, int length, String keyword) {
        int end = data + length;
        byte[] key = (keyword + "\0").getBytes(StandardCharsets.ISO_8859_1);
        if (length < key.length + 2 || !Arrays.equals(d, data, data + key.length, key, 0, key.length)) {
            return null;
        }
        int p = data + key.length;
        if (d[p] != 0) {
            return null; // compressed XMP is rare (the XMP spec asks for it uncompressed); dropped
        }
        p += 2; // compression flag, method
        for (int nul = 0; nul < 2; nul++) { // language tag, translated keyword
            while (p < end && d[p] != 0) {
                p++;
            }
            p++;
        }
        return p <= end ? Arrays.copyOfRange(d, p, end) : null;
    }

    private static Metadata webp(byte[] d) {
        byte[] exif = null;
        byte[] xmp = null;
        for (WebpContainer.Chunk c : WebpContainer.chunks(d)) {
            if (!c.within(d)) {
                break;
            }
            if (c.type().equals("EXIF") && exif == null) {
                int skip = c.length() >= 6 && new String(d, c.data(), 6, StandardCharsets.ISO_8859_1)
                        .equals("Exif\0\0") ? 6 : 0; // some writers keep the JPEG prefix
                exif = Arrays.copyOfRange(d, c.data() + skip, c.data() + c.length());
            } else if (c.type().equals("XMP ") && xmp == null) {
                xmp = Arrays.copyOfRange(d, c.data(), c.data() + c.length());
            }
        }
        return new Metadata(exif, xmp, null, null);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
