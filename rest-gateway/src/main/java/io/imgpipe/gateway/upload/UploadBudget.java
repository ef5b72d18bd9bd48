package io.imgpipe.gateway.upload;

import io.imgpipe.gateway.http.ApiException;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of uploads the gateway holds at once, bounded: each upload reserves its declared length (or the upload
 * limit when it is sent chunked) before its body is read, and gives it back once the broker confirmed it. Without
 * it, {@code IMGPIPE_HTTP_THREADS} uploads of {@code IMGPIPE_MAX_UPLOAD_BYTES} could all be in memory together; with
 * it, an upload past the budget is a 503 with Retry-After before any body byte is sent (the reservation comes before
 * {@code 100 Continue}).
 */
public final class UploadBudget {

    private final long capacity;
    private final AtomicLong reserved = new AtomicLong();

    /** @param capacity bytes of uploads held at once ({@code IMGPIPE_MAX_INFLIGHT_UPLOAD_BYTES}) */
    public UploadBudget(long capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("IMGPIPE_MAX_INFLIGHT_UPLOAD_BYTES must be positive, got " + capacity);
        }
        this.capacity = capacity;
    }

    /**
     * Reserves {@code bytes}, or refuses with 503 when the budget cannot hold them now. One upload larger than the
     * whole budget is still admitted when nothing else is held, so the budget never refuses an upload for good.
     */
    public Reservation reserve(long bytes) {
        while (true) {
            long now = reserved.get();
            if (now > 0 && now + bytes > capacity) {
                throw new ApiException(503, "overloaded", "the gateway holds as many uploads as it may ("
                        + now + " bytes); retry shortly", 1);
            }
            if (reserved.compareAndSet(now, now + bytes)) {
                return new Reservation(bytes);
            }
        }
    }

    /** Bytes reserved now (a gauge). */
    public long reserved() {
        return reserved.get();
    }

    public long capacity() {
        return capacity;
    }

    /** Bytes held by one upload; closing gives them back, once however often it is closed. */
    public final class Reservation implements AutoCloseable {
        private final long bytes;
        private final AtomicBoolean released = new AtomicBoolean();

        private Reservation(long bytes) {
            this.bytes = bytes;
        }

        @Override
        public void close() {
            if (released.compareAndSet(false, true)) {
                reserved.addAndGet(-bytes);
            }
        }
    }
}
