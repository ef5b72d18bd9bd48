package io.imgpipe.bench;

import java.util.Arrays;
import java.util.Locale;

/** Nearest-rank percentiles of a set of durations, in nanoseconds. */
record Latencies(int count, long p50, long p90, long p99, long max) {

    static final Latencies NONE = new Latencies(0, 0, 0, 0, 0);

    static Latencies of(long[] nanos) {
        if (nanos.length == 0) {
            return NONE;
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return new Latencies(sorted.length, rank(sorted, 50), rank(sorted, 90), rank(sorted, 99),
                sorted[sorted.length - 1]);
    }

    private static long rank(long[] sorted, int percentile) {
        int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
    }

    /** {@code p50 / p90 / p99 / max} in milliseconds. */
    String summary() {
        return count == 0 ? "n/a" : millis(p50) + " / " + millis(p90) + " / " + millis(p99) + " / " + millis(max) + " ms";
    }
}
