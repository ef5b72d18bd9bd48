package io.imgpipe.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the outcomes of one timed run, from any thread. The rate counts only what finished inside the window, so
 * the drain at the end of a closed-loop run (fewer items in flight) does not lower it; when everything finished
 * before the window ended (the count bound stopped the run), it is over the time the run actually took.
 */
final class Tally {

    private final long start;
    private final long deadline;
    private final AtomicInteger issued = new AtomicInteger();
    private final AtomicInteger ok = new AtomicInteger();
    private final AtomicInteger okInWindow = new AtomicInteger();
    private final AtomicLong lastOk = new AtomicLong();
    private final ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
    private final Map<String, AtomicInteger> errors = new ConcurrentHashMap<>();
    private final int max;

    Tally(long windowNanos, int max) {
        this.start = System.nanoTime();
        this.deadline = start + windowNanos;
        this.max = max;
        this.lastOk.set(start);
    }

    /** The index of the next item to start, or -1 when the count or the window is used up. */
    int next() {
        if (System.nanoTime() >= deadline) {
            return -1;
        }
        int n = issued.getAndIncrement();
        return n < max ? n : -1;
    }

    void success(long latencyNanos) {
        long now = System.nanoTime();
        ok.incrementAndGet();
        if (now <= deadline) {
            okInWindow.incrementAndGet();
        }
        lastOk.accumulateAndGet(now, Math::max);
        latencies.add(latencyNanos);
    }

    void failure(String kind) {
        errors.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
    }

    Throughput result() {
        long last = lastOk.get();
        boolean finishedEarly = last <= deadline;
        double seconds = ((finishedEarly ? last : deadline) - start) / 1e9;
        int counted = finishedEarly ? ok.get() : okInWindow.get();
        Map<String, Integer> errs = new TreeMap<>();
        errors.forEach((k, v) -> errs.put(k, v.get()));
        int failed = errs.values().stream().mapToInt(Integer::intValue).sum();
        long[] nanos = latencies.stream().mapToLong(Long::longValue).toArray();
        return new Throughput(ok.get(), failed, seconds > 0 ? counted / seconds : 0, seconds, Latencies.of(nanos), errs);
    }
}
