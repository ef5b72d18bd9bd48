package io.imgpipe.gateway.live;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

class CompletionWaitersTest {

    @Test
    void aRegisteredWaiterIsWokenByTheNextFinish() {
        CompletionWaiters waiters = new CompletionWaiters();
        CompletableFuture<Void> f = waiters.register("a");

        waiters.finished("b");
        assertThat(f).isNotDone();
        waiters.finished("a");

        assertThat(f).isDone();
        assertThat(waiters.size()).isZero();
    }

    @Test
    void anUnregisteredWaiterLeavesNothingBehind() {
        CompletionWaiters waiters = new CompletionWaiters();
        CompletableFuture<Void> f = waiters.register("a");

        waiters.unregister("a", f);

        assertThat(waiters.size()).isZero();
    }

    /**
     * An image's original and result are announced by separate events: a waiter that registers while the first is
     * being handled must still be woken by the second (the lost wake-up made a {@code GET ?wait=60} take 60 s). One
     * thread registers waiters as fast as it can while another announces the image as fast as it can; after one
     * more announcement every waiter must have been woken.
     */
    @Test
    void noWaiterRegisteredDuringAnAnnouncementIsLeftUnwoken() throws Exception {
        CompletionWaiters waiters = new CompletionWaiters();
        List<CompletableFuture<Void>> registered = new ArrayList<>();
        AtomicBoolean done = new AtomicBoolean();
        Thread announcer = new Thread(() -> {
            while (!done.get()) {
                waiters.finished("id");
            }
        });
        announcer.start();
        try {
            for (int i = 0; i < 2_000_000; i++) {
                registered.add(waiters.register("id"));
            }
        } finally {
            done.set(true);
            announcer.join(10_000);
        }
        waiters.finished("id"); // the last event

        assertThat(registered).allMatch(CompletableFuture::isDone, "woken");
    }
}
