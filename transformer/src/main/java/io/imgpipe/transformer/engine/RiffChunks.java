package io.imgpipe.transformer.engine;

import java.nio.charset.StandardCharsets;

/** The one reader of a WebP's RIFF chunks (VP8X, ICCP, EXIF, ...). */
final class RiffChunks {

    /** "RIFF", the file size, "WEBP". */
    private static final int HEADER_BYTES = 12;

    private RiffChunks() {
    }

    /** The first chunk of {@code type}, or null; its data may run past the end of a truncated file. */
    static Chunk find(byte[] d, String type) {
        int i = HEADER_BYTES;
        while (i + 8 <= d.length) {
            String name = new String(d, i, 4, StandardCharsets.ISO_8859_1);
            int length = (d[i + 4] & 0xFF) | (d[i + 5] & 0xFF) << 8 | (d[i + 6] & 0xFF) << 16 | (d[i + 7] & 0xFF) << 24;
            if (length < 0) {
                return null;
            }
            if (name.equals(type)) {
                return new Chunk(i + 8, length);
            }
            i += 8 + length + (length & 1); // chunks are padded to an even size
        }
        return null;
    }
}
