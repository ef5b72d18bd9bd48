package io.imgpipe.transformer.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Edits of an EXIF block (a TIFF structure) for the metadata a result keeps: the orientation set to upright once
 * the pixels have been turned, and a minimal block that carries only the Artist and Copyright fields. Anything
 * malformed reads as having no such field.
 */
final class TiffFields {

    static final int ORIENTATION = 0x0112;
    static final int ARTIST = 0x013B;
    static final int COPYRIGHT = 0x8298;
    private static final int ASCII = 2;
    private static final int MAX_FIELD_BYTES = 4096;

    private TiffFields() {
    }

    /** A copy with IFD0's orientation set to 1; the block as it is when it has none. */
    static byte[] upright(byte[] tiff) {
        byte[] out = tiff.clone();
        try {
            boolean little = little(out);
            int ifd = (int) u32(out, 4, little);
            int count = u16(out, ifd, little);
            for (int n = 0; n < count; n++) {
                int e = ifd + 2 + 12 * n;
                if (u16(out, e, little) == ORIENTATION) {
                    put16(out, e + 8, 1, little);
                }
            }
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            return tiff;
        }
        return out;
    }

    /** A new little-endian EXIF block with only IFD0's Artist and Copyright, or null when the source has neither. */
    static byte[] copyrightOnly(byte[] tiff) {
        Map<Integer, byte[]> fields = new LinkedHashMap<>();
        for (int tag : new int[] {ARTIST, COPYRIGHT}) {
            byte[] value = ascii(tiff, tag);
            if (value != null) {
                fields.put(tag, value);
            }
        }
        return fields.isEmpty() ? null : write(fields);
    }

    /** An ASCII field of IFD0, with its terminating NUL, or null. */
    static byte[] ascii(byte[] tiff, int tag) {
        try {
            boolean little = little(tiff);
            int ifd = (int) u32(tiff, 4, little);
            int count = u16(tiff, ifd, little);
            for (int n = 0; n < count; n++) {
                int e = ifd + 2 + 12 * n;
                if (u16(tiff, e, little) == tag && u16(tiff, e + 2, little) == ASCII) {
                    long length = u32(tiff, e + 4, little);
                    if (length < 1 || length > MAX_FIELD_BYTES) {
                        return null;
                    }
                    int at = length <= 4 ? e + 8 : (int) u32(tiff, e + 8, little);
                    if (at < 0 || at + length > tiff.length) {
                        return null;
                    }
                    byte[] v = Arrays.copyOfRange(tiff, at, at + (int) length);
                    if (v[v.length - 1] != 0) {
                        v = Arrays.copyOf(v, v.length + 1);
                    }
                    return v;
                }
            }
        } catch (IndexOutOfBoundsException | IllegalArgumentException | ArithmeticException e) {
            return null;
        }
        return null;
    }

    /** "II", 42, IFD0 at 8 with the ASCII fields in tag order, their values after the IFD. */
    private static byte[] write(Map<Integer, byte[]> fields) {
        int ifdBytes = 2 + 12 * fields.size() + 4;
        int size = 8 + ifdBytes + fields.values().stream().mapToInt(v -> v.length + (v.length & 1)).sum();
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.put("II".getBytes(StandardCharsets.ISO_8859_1)).putShort((short) 42).putInt(8);
        b.putShort((short) fields.size());
        int value = 8 + ifdBytes;
        for (Map.Entry<Integer, byte[]> f : fields.entrySet()) {
            byte[] v = f.getValue();
            b.putShort((short) (int) f.getKey()).putShort((short) ASCII).putInt(v.length);
            if (v.length <= 4) {
                b.put(Arrays.copyOf(v, 4));
            } else {
                b.putInt(value);
                value += v.length + (v.length & 1);
            }
        }
        b.putInt(0); // no IFD1
        for (byte[] v : fields.values()) {
            if (v.length > 4) {
                b.put(v);
                if ((v.length & 1) != 0) {
                    b.put((byte) 0);
                }
            }
        }
        return Arrays.copyOf(b.array(), b.position());
    }

    private static boolean little(byte[] d) {
        String order = new String(d, 0, 2, StandardCharsets.ISO_8859_1);
        return switch (order) {
            case "II" -> true;
            case "MM" -> false;
            default -> throw new IllegalArgumentException("not a TIFF header");
        };
    }

    /** An unsigned 16-bit TIFF field at {@code i}, in the file's byte order (also read by {@link Exif}). */
    static int u16(byte[] d, int i, boolean little) {
        int a = d[i] & 0xFF;
        int b = d[i + 1] & 0xFF;
        return little ? b << 8 | a : a << 8 | b;
    }

    /** An unsigned 32-bit TIFF field at {@code i}, in the file's byte order. */
    static long u32(byte[] d, int i, boolean little) {
        long a = d[i] & 0xFF;
        long b = d[i + 1] & 0xFF;
        long c = d[i + 2] & 0xFF;
        long e = d[i + 3] & 0xFF;
        return little ? e << 24 | c << 16 | b << 8 | a : a << 24 | b << 16 | c << 8 | e;
    }

    private static void put16(byte[] d, int i, int v, boolean little) {
        d[i] = (byte) (little ? v : v >>> 8);
        d[i + 1] = (byte) (little ? v >>> 8 : v);
    }
}
