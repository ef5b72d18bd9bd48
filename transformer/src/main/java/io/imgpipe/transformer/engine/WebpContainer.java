package io.imgpipe.transformer.engine;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The WebP (RIFF) container's layout for animations, read and written: its chunks in order, a frame's bitstream
 * wrapped as a still image for the decoder, and still images' bitstreams wrapped as ANMF frames for the writer
 * (the WebP writer in use encodes stills only).
 */
final class WebpContainer {

    static final int ANIMATION_FLAG = 0x02;
    static final int ALPHA_FLAG = 0x10;
    /** "RIFF", the file size, "WEBP". */
    private static final int HEADER_BYTES = 12;

    /** A chunk's type and where its data lies; the data may run past the end of a truncated file. */
    record Chunk(String type, int data, int length) {
        boolean within(byte[] d) {
            return data + (long) length <= d.length;
        }
    }

    private WebpContainer() {
    }

    static List<Chunk> chunks(byte[] d) {
        return chunks(d, HEADER_BYTES, d.length);
    }

    /** The chunks between {@code from} and {@code to}; stops at the first that is cut short. */
    static List<Chunk> chunks(byte[] d, int from, int to) {
        List<Chunk> out = new ArrayList<>();
        int i = from;
        int end = Math.min(to, d.length);
        while (i + 8 <= end) {
            long length = uint32(d, i + 4);
            if (i + 8 + length > end) {
                out.add(new Chunk(type(d, i), i + 8, (int) Math.min(length, Integer.MAX_VALUE)));
                break;
            }
            out.add(new Chunk(type(d, i), i + 8, (int) length));
            i += 8 + (int) length + (int) (length & 1); // chunks are padded to an even size
        }
        return out;
    }

    /** The frame's chunks ({@code ALPH}, {@code VP8 } or {@code VP8L}) from {@code from} to {@code to}, as a still WebP. */
    static byte[] still(byte[] d, int from, int to, int width, int height) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        boolean alpha = false;
        for (Chunk c : chunks(d, from, to)) {
            if (!c.within(d)) {
                break;
            }
            alpha |= c.type().equals("ALPH");
            chunk(body, c.type(), d, c.data(), c.length());
        }
        return riff(vp8x(alpha ? ALPHA_FLAG : 0, width, height), body.toByteArray());
    }

    /** The bitstream chunks of an encoded still ({@code ALPH}, {@code VP8 }, {@code VP8L}), ready to go in an ANMF. */
    static byte[] bitstream(byte[] still) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Chunk c : chunks(still)) {
            if (c.within(still) && (c.type().equals("ALPH") || c.type().equals("VP8 ") || c.type().equals("VP8L"))) {
                chunk(out, c.type(), still, c.data(), c.length());
            }
        }
        return out.toByteArray();
    }

    static boolean hasAlpha(byte[] bitstream) {
        for (Chunk c : chunks(bitstream, 0, bitstream.length)) {
            if (c.type().equals("ALPH")) {
                return true;
            }
            if (c.type().equals("VP8L") && c.length() >= 5) {
                // the alpha_is_used bit of the VP8L header
                return (bitstream[c.data() + 4] & 0x10) != 0;
            }
        }
        return false;
    }

    static byte[] vp8x(int flags, int width, int height) {
        byte[] data = new byte[10];
        data[0] = (byte) flags;
        putUint24(data, 4, width - 1);
        putUint24(data, 7, height - 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        chunk(out, "VP8X", data, 0, data.length);
        return out.toByteArray();
    }

    /** {@code ANIM}: a transparent background and how many times to play (0: forever). */
    static byte[] anim(int plays) {
        byte[] data = new byte[6];
        data[4] = (byte) plays;
        data[5] = (byte) (plays >>> 8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        chunk(out, "ANIM", data, 0, data.length);
        return out.toByteArray();
    }

    /** An {@code ANMF} chunk's 16-byte header for a whole-canvas frame that replaces the one before (no blending). */
    static byte[] anmfHeader(int bitstreamBytes, int width, int height, int durationMillis) {
        byte[] h = new byte[8 + 16];
        writeChunkHeader(h, "ANMF", 16 + bitstreamBytes);
        putUint24(h, 8 + 6, width - 1);
        putUint24(h, 8 + 9, height - 1);
        putUint24(h, 8 + 12, Math.min(durationMillis, 0xFFFFFF));
        h[8 + 15] = 0x02; // do not blend, do not dispose
        return h;
    }

    /** "RIFF", size, "WEBP", then the chunks. */
    static byte[] riff(byte[]... parts) {
        long size = 4;
        for (byte[] p : parts) {
            size += p.length;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("RIFF".getBytes(StandardCharsets.ISO_8859_1));
        writeUint32(out, size);
        out.writeBytes("WEBP".getBytes(StandardCharsets.ISO_8859_1));
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[] riffHeader(long size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("RIFF".getBytes(StandardCharsets.ISO_8859_1));
        writeUint32(out, size);
        out.writeBytes("WEBP".getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    static void chunk(ByteArrayOutputStream out, String type, byte[] d, int off, int len) {
        out.writeBytes(type.getBytes(StandardCharsets.ISO_8859_1));
        writeUint32(out, len);
        out.write(d, off, len);
        if ((len & 1) != 0) {
            out.write(0);
        }
    }

    private static void writeChunkHeader(byte[] h, String type, int len) {
        byte[] t = type.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(t, 0, h, 0, 4);
        h[4] = (byte) len;
        h[5] = (byte) (len >>> 8);
        h[6] = (byte) (len >>> 16);
        h[7] = (byte) (len >>> 24);
    }

    private static void writeUint32(ByteArrayOutputStream out, long v) {
        out.write((int) v & 0xFF);
        out.write((int) (v >>> 8) & 0xFF);
        out.write((int) (v >>> 16) & 0xFF);
        out.write((int) (v >>> 24) & 0xFF);
    }

    private static void putUint24(byte[] d, int at, int v) {
        d[at] = (byte) v;
        d[at + 1] = (byte) (v >>> 8);
        d[at + 2] = (byte) (v >>> 16);
    }

    private static String type(byte[] d, int i) {
        return new String(d, i, 4, StandardCharsets.ISO_8859_1);
    }

    static int uint16(byte[] d, int i) {
        return (d[i] & 0xFF) | (d[i + 1] & 0xFF) << 8;
    }

    static int uint24(byte[] d, int i) {
        return (d[i] & 0xFF) | (d[i + 1] & 0xFF) << 8 | (d[i + 2] & 0xFF) << 16;
    }

    private static long uint32(byte[] d, int i) {
        return (d[i] & 0xFFL) | (d[i + 1] & 0xFFL) << 8 | (d[i + 2] & 0xFFL) << 16 | (d[i + 3] & 0xFFL) << 24;
    }
}
