package io.imgpipe.transformer.engine.ops;

import java.time.Duration;

/**
 * The moment a transform must be finished by. Long operations check it once per band of rows, and the engine after
 * every step, so no step can run away with a worker thread: past the deadline {@link #check} throws
 * {@link Exceeded}, which the engine turns into the outcome {@code timeout}.
 */
public final class Deadline {

    /** A deadline that never passes, for operations applied outside a transform (tests, tools). */
    public static final Deadline NONE = new Deadline(Long.MAX_VALUE);

    /** Rows between two checks inside an operation: a band costs microseconds, a check a few nanoseconds. */
    static final int BAND = 16;

    private final long budgetNanos;
    private final long endNanos;

    private Deadline(long budgetNanos) {
        this.budgetNanos = budgetNanos;
        this.endNanos = System.nanoTime() + budgetNanos; // may wrap: compared by difference, as nanoTime requires
    }

    /** A deadline {@code budget} from now. */
    public static Deadline after(Duration budget) {
        if (budget.isNegative()) {
            throw new IllegalArgumentException("a budget cannot be negative, got " + budget);
        }
        return new Deadline(budget.toNanos());
    }

    public boolean expired() {
        return this != NONE && System.nanoTime() - endNanos > 0;
    }

    /** Nanoseconds left, 0 once expired. */
    public long remainingNanos() {
        return this == NONE ? Long.MAX_VALUE : Math.max(0, endNanos - System.nanoTime());
    }

    /** @throws Exceeded once the deadline has passed */
    public void check() {
        if (expired()) {
            throw new Exceeded(budgetNanos / 1_000_000);
        }
    }

    /** Checks at the start of every {@link #BAND}-th row only, which keeps checks off the inner loops' cost. */
    void checkRow(int row) {
        if ((row & (BAND - 1)) == 0) {
            check();
        }
    }

    /** The transform ran past its budget; unchecked so that it passes through the image operations. */
    public static final class Exceeded extends RuntimeException {
        private final long budgetMillis;

        Exceeded(long budgetMillis) {
            super("the transform took longer than its budget of " + budgetMillis + " ms", null, false, false);
            this.budgetMillis = budgetMillis;
        }

        public long budgetMillis() {
            return budgetMillis;
        }
    }
}
