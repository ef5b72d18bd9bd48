package io.imgpipe.bench;

import java.util.Locale;
import java.util.Map;

/**
 * What one timed run produced.
 *
 * @param ok        successes, those finishing after the window included
 * @param failed    failures (by kind in {@code errors})
 * @param perSecond successes per second over the measured window (or, when the count bound stopped the run
 *                  before the window ended, over the time the run took)
 * @param seconds   the time the rate was computed over
 * @param latencies per-item latencies of the successes
 */
record Throughput(int ok, int failed, double perSecond, double seconds, Latencies latencies, Map<String, Integer> errors) {

    String rate() {
        return String.format(Locale.ROOT, "%.2f", perSecond);
    }

    String counts() {
        return String.format(Locale.ROOT, "%d ok in %.1f s", ok, seconds)
                + (failed == 0 ? "" : ", " + failed + " failed " + errors);
    }
}
