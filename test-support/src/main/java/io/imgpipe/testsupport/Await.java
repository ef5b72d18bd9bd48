package io.imgpipe.testsupport;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Bounded waiting for things that happen asynchronously (a consumer, the logger, a balancer's health check): every
 * wait has a patience and polls at a fixed interval, so no test loop can run away.
 */
public final class Await {

    /** How often {@link #until(Duration, Probe, Predicate)} looks again. */
    public static final Duration EVERY = Duration.ofMillis(100);

    private Await() {
    }

    /** What is asked again: a query may throw (an SQL probe its {@code SQLException}), and the wait passes it on. */
    @FunctionalInterface
    public interface Probe<T, E extends Exception> {
        T get() throws E;
    }

    /** Probes until {@code done} accepts the value or {@code patience} passes; returns the last value either way. */
    public static <T, E extends Exception> T until(Duration patience, Probe<T, E> probe, Predicate<T> done) throws E {
        return until(patience, EVERY, probe, done);
    }

    /** As {@link #until(Duration, Probe, Predicate)}, looking again every {@code every}. */
    public static <T, E extends Exception> T until(Duration patience, Duration every, Probe<T, E> probe,
                                                   Predicate<T> done) throws E {
        long deadline = System.nanoTime() + patience.toNanos();
        T last = probe.get();
        while (!done.test(last) && System.nanoTime() < deadline) {
            pause(every);
            last = probe.get();
        }
        return last;
    }

    /**
     * Probes until it finds a value; fails naming {@code what} when {@code patience} passes first.
     *
     * @param failure what to add to the failure message (a log tail, a status), asked only on failure
     */
    public static <T, E extends Exception> T found(String what, Duration patience, Duration every,
                                                   Probe<Optional<T>, E> probe, Supplier<String> failure) throws E {
        Optional<T> found = until(patience, every, probe, Optional::isPresent);
        return found.orElseThrow(() -> new AssertionError("no " + what + " within " + patience + failure.get()));
    }

    /** Sleeps; an interrupt ends the wait and the test (the flag is kept). */
    public static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting", e);
        }
    }

    public static void pause(long millis) {
        pause(Duration.ofMillis(millis));
    }
}
