package io.imgpipe.transformer.engine;

import java.nio.charset.StandardCharsets;

/**
 * The one Java reader of an ISO-BMFF (HEIF, AVIF) file's box structure, run before any byte reaches libheif: the
 * top-level boxes must tile the file exactly (a truncated box or garbage after {@code ftyp} fails here), a
 * {@code meta} box must be there, and the largest image spatial extent ({@code ispe}) it declares is the size the
 * pixel budget is checked against. Native code thus only ever sees files whose structure and size are sane.
 */
final class IsoBoxes {

    /** A real HEIC has 3-5 top-level boxes and a few dozen properties; more is a hostile file. */
    private static final int MAX_BOXES = 256;
    private static final int BOX_HEADER = 8;
    private static final int FULL_BOX_HEADER = 12;

    private IsoBoxes() {
    }

    /**
     * The largest width and height any {@code ispe} property of the file declares (the primary image's full size;
     * grid tiles and thumbnails are smaller).
     *
     * @throws ImageRejectedException {@code corrupt_image} when the structure is broken, {@code unsupported_format}
     *                                for a sequence ({@code moov}) without a still image
     */
    static long[] largestExtent(byte[] d, String format) throws ImageRejectedException {
        Box meta = null;
        boolean movie = false;
        int count = 0;
        for (int i = 0; i < d.length; ) {
            Box box = box(d, i, d.length, format);
            if (++count > MAX_BOXES) {
                throw corrupt(format, "more than " + MAX_BOXES + " top-level boxes");
            }
            if (box.type.equals("meta") && meta == null) {
                meta = box;
            }
            movie |= box.type.equals("moov");
            i = box.end;
        }
        if (meta == null && movie) {
            throw new ImageRejectedException("unsupported_format", "the " + format + " file is an image sequence"
                    + " without a still image; only still images (and a sequence's still image) are read");
        }
        if (meta == null) {
            throw corrupt(format, "no 'meta' box: the file holds no image item");
        }
        Box iprp = child(d, meta.start + FULL_BOX_HEADER, meta.end, "iprp", format);
        Box ipco = iprp == null ? null : child(d, iprp.start + BOX_HEADER, iprp.end, "ipco", format);
        if (ipco == null) {
            throw corrupt(format, "no item properties ('iprp'/'ipco')");
        }
        long width = 0;
        long height = 0;
        count = 0;
        for (int i = ipco.start + BOX_HEADER; i < ipco.end; ) {
            Box property = box(d, i, ipco.end, format);
            if (++count > MAX_BOXES) {
                throw corrupt(format, "more than " + MAX_BOXES + " item properties");
            }
            if (property.type.equals("ispe")) {
                if (property.end - property.start < FULL_BOX_HEADER + 8) {
                    throw corrupt(format, "an 'ispe' property is too short");
                }
                width = Math.max(width, u32(d, property.start + FULL_BOX_HEADER) & 0xFFFFFFFFL);
                height = Math.max(height, u32(d, property.start + FULL_BOX_HEADER + 4) & 0xFFFFFFFFL);
            }
            i = property.end;
        }
        if (width == 0 || height == 0) {
            throw corrupt(format, "no image size ('ispe' property)");
        }
        return new long[] {width, height};
    }

    private record Box(String type, int start, int end) {
    }

    /** The first child of {@code type} between {@code from} and {@code to}, or null. */
    private static Box child(byte[] d, int from, int to, String type, String format) throws ImageRejectedException {
        int count = 0;
        for (int i = from; i < to && ++count <= MAX_BOXES; ) {
            Box box = box(d, i, to, format);
            if (box.type.equals(type)) {
                return box;
            }
            i = box.end;
        }
        return null;
    }

    /** The box at {@code i}, which must lie entirely before {@code limit}. */
    private static Box box(byte[] d, int i, int limit, String format) throws ImageRejectedException {
        if (limit - i < BOX_HEADER) {
            throw corrupt(format, "a box header is cut off at byte " + i);
        }
        long size = u32(d, i) & 0xFFFFFFFFL;
        String type = new String(d, i + 4, 4, StandardCharsets.ISO_8859_1);
        int header = BOX_HEADER;
        if (size == 1) { // 64-bit size follows the type
            if (limit - i < BOX_HEADER + 8) {
                throw corrupt(format, "the '" + printable(type) + "' box's size is cut off");
            }
            size = (u32(d, i + 8) & 0xFFFFFFFFL) << 32 | (u32(d, i + 12) & 0xFFFFFFFFL);
            header += 8;
        } else if (size == 0) { // the box runs to the end of its container
            size = limit - i;
        }
        if (size < header) {
            throw corrupt(format, "the '" + printable(type) + "' box declares " + size + " bytes");
        }
        if (size > limit - i) {
            throw new ImageRejectedException("corrupt_image", "the " + format + " data is truncated: the '"
                    + printable(type) + "' box needs " + size + " bytes, " + (limit - i) + " are left");
        }
        return new Box(type, i, (int) (i + size));
    }

    private static int u32(byte[] d, int i) {
        return (d[i] & 0xFF) << 24 | (d[i + 1] & 0xFF) << 16 | (d[i + 2] & 0xFF) << 8 | d[i + 3] & 0xFF;
    }

    private static String printable(String type) {
        return type.chars().allMatch(c -> c >= 0x20 && c < 0x7F) ? type : "?";
    }

    private static ImageRejectedException corrupt(String format, String why) {
        return new ImageRejectedException("corrupt_image", "the " + format + " data is damaged: " + why);
    }
}
