package io.imgpipe.transformer.engine;

import javax.imageio.stream.ImageOutputStreamImpl;
import java.io.IOException;
import java.util.Arrays;

/**
 * Where the encoder writes: one growable array, kept by its worker thread from one image to the next, so that
 * results are not assembled in fresh arrays that double their way up (each step of a multi-megabyte result is a G1
 * humongous allocation) and copied twice more on the way out. Writing past {@code limit} fails at once with
 * {@link TooLarge}, so an oversized result costs no more than the limit.
 */
final class ResultBuffer extends ImageOutputStreamImpl {

    /** Arrays up to this size stay with their thread; a larger one (a rare huge result) is left to the GC. */
    static final int RETAINED_BYTES = 16 * 1024 * 1024;
    private static final int INITIAL_BYTES = 64 * 1024;

    private final long limit;
    private byte[] buf;
    private int length;

    /** @param reused an array a previous image left, or null */
    ResultBuffer(byte[] reused, long limit) {
        this.buf = reused != null ? reused : new byte[INITIAL_BYTES];
        this.limit = limit;
    }

    /** The result so far, as a new array of its exact length. */
    byte[] toByteArray() {
        return Arrays.copyOf(buf, length);
    }

    /** The array to keep for the next image on this thread, or null when it grew too large to keep. */
    byte[] reusable() {
        return buf.length <= RETAINED_BYTES ? buf : null;
    }

    private void ensure(long end) throws IOException {
        if (end > limit) {
            throw new TooLarge(limit);
        }
        if (end > buf.length) {
            buf = Arrays.copyOf(buf, (int) Math.min(Math.max(end, 2L * buf.length), Integer.MAX_VALUE - 8));
        }
    }

    @Override
    public void write(int b) throws IOException {
        flushBits();
        ensure(streamPos + 1);
        buf[(int) streamPos++] = (byte) b;
        length = Math.max(length, (int) streamPos);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        flushBits();
        ensure(streamPos + len);
        System.arraycopy(b, off, buf, (int) streamPos, len);
        streamPos += len;
        length = Math.max(length, (int) streamPos);
    }

    @Override
    public int read() throws IOException {
        checkClosed();
        bitOffset = 0;
        return streamPos < length ? buf[(int) streamPos++] & 0xFF : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        checkClosed();
        bitOffset = 0;
        if (streamPos >= length) {
            return -1;
        }
        int n = (int) Math.min(len, length - streamPos);
        System.arraycopy(buf, (int) streamPos, b, off, n);
        streamPos += n;
        return n;
    }

    @Override
    public long length() {
        return length;
    }

    /** The result outgrew its limit: the writer is stopped by this exception, the job fails result_too_large. */
    static final class TooLarge extends IOException {
        TooLarge(long limit) {
            super("the result grew past its limit of " + limit + " bytes", null);
        }
    }
}
