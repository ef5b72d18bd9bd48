package io.imgpipe.transformer.engine;

import io.imgpipe.contract.format.ImageFormat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Puts kept metadata into an encoded result, since the writers in use write pixels only: JPEG APP1 (Exif, XMP),
 * APP13 (IPTC) and APP2 (ICC, in chunks) segments after SOI/JFIF; PNG iCCP, eXIf and iTXt (XMP) chunks after IHDR;
 * WebP EXIF, XMP and ICCP chunks in the extended (VP8X) layout. A block too large for its container (a JPEG
 * segment holds at most 65533 bytes) is left out.
 */
final class MetadataWriter {

    private static final int SEGMENT_MAX = 65533;
    private static final int ICC_CHUNK = SEGMENT_MAX - 14;
    private static final int PNG_IHDR_END = 8 + 25;
    private static final int WEBP_ICC = 0x20;
    private static final int WEBP_EXIF = 0x08;
    private static final int WEBP_XMP = 0x04;
    private static final Set<String> PNG_COLOUR_CHUNKS = Set.of("iCCP", "sRGB", "gAMA", "cHRM");

    private MetadataWriter() {
    }

    /** Whether results in {@code format} keep metadata: here, or for AVIF in {@link AvifWriter} as it encodes. */
    static boolean canHold(ImageFormat format) {
        return format == ImageFormat.JPEG || format == ImageFormat.PNG || format == ImageFormat.WEBP
                || format == ImageFormat.AVIF;
    }

    static byte[] embed(byte[] encoded, ImageFormat format, Metadata m, int width, int height) {
        if (m.isEmpty()) {
            return encoded;
        }
        return switch (format) {
            case JPEG -> jpeg(encoded, m);
            case PNG -> png(encoded, m);
            case WEBP -> webp(encoded, m, width, height);
            default -> encoded;
        };
    }

    private static byte[] jpeg(byte[] d, Metadata m) {
        int at = 2;
        List<JpegSegments.Segment> segments = JpegSegments.read(d).segments();
        if (!segments.isEmpty() && segments.get(0).marker() == 0xE0) { // JFIF stays first
            at = segments.get(0).start() + 2 + segments.get(0).length();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(d.length + 1024);
        out.write(d, 0, at);
        if (m.exif() != null) {
            segment(out, 0xE1, "Exif\0\0".getBytes(StandardCharsets.ISO_8859_1), m.exif());
        }
        if (m.xmp() != null) {
            segment(out, 0xE1, Metadata.XMP_JPEG.getBytes(StandardCharsets.ISO_8859_1), m.xmp());
        }
        if (m.iptc() != null) {
            segment(out, JpegSegments.APP13, Metadata.PHOTOSHOP.getBytes(StandardCharsets.ISO_8859_1), m.iptc());
        }
        if (m.icc() != null) {
            int chunks = (m.icc().length + ICC_CHUNK - 1) / ICC_CHUNK;
            if (chunks <= 255) {
                for (int i = 0; i < chunks; i++) {
                    int from = i * ICC_CHUNK;
                    int len = Math.min(ICC_CHUNK, m.icc().length - from);
                    byte[] head = Metadata.concat("ICC_PROFILE\0".getBytes(StandardCharsets.ISO_8859_1),
                            new byte[] {(byte) (i + 1), (byte) chunks});
                    byte[] part = new byte[len];
                    System.arraycopy(m.icc(), from, part, 0, len);
                    segment(out, JpegSegments.APP2, head, part);
                }
            }
        }
        out.write(d, at, d.length - at);
        return out.toByteArray();
    }

    private static void segment(ByteArrayOutputStream out, int marker, byte[] signature, byte[] payload) {
        int length = 2 + signature.length + payload.length;
        if (length - 2 > SEGMENT_MAX) {
            return;
        }
        out.write(0xFF);
        out.write(marker);
        out.write(length >>> 8);
        out.write(length & 0xFF);
        out.writeBytes(signature);
        out.writeBytes(payload);
    }

    private static byte[] png(byte[] d, Metadata m) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(d.length + 1024);
        out.write(d, 0, PNG_IHDR_END);
        if (m.icc() != null) {
            pngChunk(out, "iCCP", Metadata.concat("ICC profile\0\0".getBytes(StandardCharsets.ISO_8859_1),
                    deflate(m.icc())));
        }
        if (m.exif() != null) {
            pngChunk(out, "eXIf", m.exif());
        }
        if (m.xmp() != null) {
            pngChunk(out, "iTXt", Metadata.concat((Metadata.XMP_PNG + "\0\0\0\0\0")
                    .getBytes(StandardCharsets.ISO_8859_1), m.xmp()));
        }
        // the writer's own colour chunks would contradict a kept profile
        int i = PNG_IHDR_END;
        while (i + 12 <= d.length) {
            int length = (d[i] & 0xFF) << 24 | (d[i + 1] & 0xFF) << 16 | (d[i + 2] & 0xFF) << 8 | d[i + 3] & 0xFF;
            String type = new String(d, i + 4, 4, StandardCharsets.ISO_8859_1);
            int next = i + 12 + length;
            if (!(m.icc() != null && PNG_COLOUR_CHUNKS.contains(type))) {
                out.write(d, i, next - i);
            }
            i = next;
        }
        return out.toByteArray();
    }

    private static void pngChunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.ISO_8859_1);
        writeInt(out, data.length);
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        writeInt(out, (int) crc.getValue());
    }

    private static void writeInt(ByteArrayOutputStream out, int v) {
        out.write(v >>> 24);
        out.write(v >>> 16 & 0xFF);
        out.write(v >>> 8 & 0xFF);
        out.write(v & 0xFF);
    }

    private static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        try {
            deflater.setInput(data);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            while (!deflater.finished()) {
                out.write(buf, 0, deflater.deflate(buf));
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    /** VP8X, ICCP, the image's own chunks (ALPH, VP8 or VP8L), EXIF, XMP: the order the WebP container requires. */
    private static byte[] webp(byte[] d, Metadata m, int width, int height) {
        int flags = 0;
        ByteArrayOutputStream image = new ByteArrayOutputStream(d.length);
        for (WebpContainer.Chunk c : WebpContainer.chunks(d)) {
            if (c.type().equals("VP8X")) {
                flags |= d[c.data()] & 0xFF;
            } else if (Set.of("ALPH", "VP8 ", "VP8L").contains(c.type())) {
                WebpContainer.chunk(image, c.type(), d, c.data(), c.length());
            }
        }
        byte[] bitstream = image.toByteArray();
        if (WebpContainer.hasAlpha(bitstream)) {
            flags |= WebpContainer.ALPHA_FLAG;
        }
        ByteArrayOutputStream meta = new ByteArrayOutputStream();
        if (m.exif() != null) {
            flags |= WEBP_EXIF;
            WebpContainer.chunk(meta, "EXIF", m.exif(), 0, m.exif().length);
        }
        if (m.xmp() != null) {
            flags |= WEBP_XMP;
            WebpContainer.chunk(meta, "XMP ", m.xmp(), 0, m.xmp().length);
        }
        ByteArrayOutputStream icc = new ByteArrayOutputStream();
        if (m.icc() != null) {
            flags |= WEBP_ICC;
            WebpContainer.chunk(icc, "ICCP", m.icc(), 0, m.icc().length);
        }
        return WebpContainer.riff(WebpContainer.vp8x(flags, width, height), icc.toByteArray(), bitstream,
                meta.toByteArray());
    }
}
