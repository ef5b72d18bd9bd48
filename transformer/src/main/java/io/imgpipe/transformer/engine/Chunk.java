package io.imgpipe.transformer.engine;

/**
 * Where a chunk's data lies in a container (PNG, RIFF).
 *
 * @param data   offset of the first data byte
 * @param length the data's declared length
 */
record Chunk(int data, int length) {

    /** Whether all the declared data is inside {@code d}. */
    boolean within(byte[] d) {
        return data + (long) length <= d.length;
    }
}
