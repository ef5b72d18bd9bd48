package io.imgpipe.transformer.engine;

import java.nio.charset.StandardCharsets;

/** The one reader of a PNG's chunks before the image data (eXIf, iCCP live there). */
final class PngChunks {

    private static final int SIGNATURE_BYTES = 8;

    private PngChunks() {
    }

    /**
     * The first chunk of {@code type} before IDAT, or null. Its data may run past the end of a truncated file: the
     * caller checks what it reads.
     */
    static Chunk find(byte[] d, String type) {
        int i = SIGNATURE_BYTES;
        while (i + 8 <= d.length) {
            int length = (d[i] & 0xFF) << 24 | (d[i + 1] & 0xFF) << 16 | (d[i + 2] & 0xFF) << 8 | d[i + 3] & 0xFF;
            String name = new String(d, i + 4, 4, StandardCharsets.ISO_8859_1);
            if (name.equals(type)) {
                return new Chunk(i + 8, length);
            }
            if (length < 0 || name.equals("IDAT") || name.equals("IEND")) {
                return null;
            }
            i += 12 + length; // length, type, data, CRC
        }
        return null;
    }
}
