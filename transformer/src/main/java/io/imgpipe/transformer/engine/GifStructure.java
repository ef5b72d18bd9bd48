package io.imgpipe.transformer.engine;

/**
 * Walks a GIF's blocks without decoding any: ImageIO's reader silently drops a frame cut short by the end of the
 * data, so an animation would lose its last frames without a word. A complete GIF reaches its trailer (0x3B).
 */
final class GifStructure {

    private static final int HEADER_BYTES = 13; // "GIF89a", logical screen descriptor
    private static final int EXTENSION = 0x21;
    private static final int IMAGE = 0x2C;
    private static final int TRAILER = 0x3B;

    private GifStructure() {
    }

    static boolean isComplete(byte[] d) {
        if (d.length < HEADER_BYTES) {
            return false;
        }
        int i = HEADER_BYTES + colourTable(d[10]);
        while (i < d.length) {
            int block = d[i] & 0xFF;
            if (block == TRAILER) {
                return true;
            } else if (block == EXTENSION) {
                i = skipSubBlocks(d, i + 2);
            } else if (block == IMAGE) {
                if (i + 10 > d.length) {
                    return false;
                }
                i = skipSubBlocks(d, i + 10 + colourTable(d[i + 9]) + 1); // descriptor, table, LZW code size
            } else {
                return false;
            }
            if (i < 0) {
                return false;
            }
        }
        return false;
    }

    /** Bytes of the colour table a packed-fields byte announces. */
    private static int colourTable(byte packed) {
        return (packed & 0x80) == 0 ? 0 : 3 << ((packed & 0x07) + 1);
    }

    /** The offset after a chain of data sub-blocks and its terminator, or -1 when the data ends first. */
    private static int skipSubBlocks(byte[] d, int i) {
        while (i < d.length) {
            int size = d[i] & 0xFF;
            i += 1 + size;
            if (size == 0) {
                return i;
            }
        }
        return -1;
    }
}
