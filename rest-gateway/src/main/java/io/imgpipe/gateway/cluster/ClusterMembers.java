package io.imgpipe.gateway.cluster;

import io.imgpipe.contract.Heartbeat;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The service instances this gateway has heard a {@link Heartbeat} from, newest beat each. An instance that missed
 * {@value #MISSED_BEATS} beats is gone (stopped, killed or cut off). Times that decide expiry are this gateway's own
 * clock at receipt; the rate comes from the sender's clock alone, so clock skew between hosts matters to neither.
 */
public final class ClusterMembers {

    static final int MISSED_BEATS = 3;

    /**
     * One live instance as the cluster view shows it.
     *
     * @param ratePerSecond messages handled per second between its last two beats; null after its first beat
     * @param lastSeen      when this gateway last heard it, in epoch milliseconds
     */
    public record Member(String instance, String service, String version, long startedAt, long uptimeSeconds,
                         List<String> queues, int consumers, int inFlight, long handled, Double ratePerSecond,
                         long lastSeen) {
    }

    private record Seen(Heartbeat beat, long receivedAt, Double ratePerSecond) {
    }

    private final Clock clock;
    private final Map<String, Seen> byInstance = new HashMap<>();

    public ClusterMembers(Clock clock) {
        this.clock = clock;
    }

    public synchronized void seen(Heartbeat beat) {
        long now = clock.millis();
        Seen previous = byInstance.get(beat.instance());
        if (previous != null && beat.at() <= previous.beat().at()) {
            return; // an older beat overtaken by a newer one
        }
        byInstance.put(beat.instance(), new Seen(beat, now, previous == null ? null : rate(previous.beat(), beat)));
        expire(now);
    }

    /** The live instances, by service then instance. */
    public synchronized List<Member> current() {
        long now = clock.millis();
        expire(now);
        List<Member> members = new ArrayList<>();
        for (Seen s : byInstance.values()) {
            Heartbeat b = s.beat();
            long uptimeMillis = Math.max(0, b.at() - b.startedAt()) + (now - s.receivedAt());
            members.add(new Member(b.instance(), b.service(), b.version(), b.startedAt(), uptimeMillis / 1000,
                    b.queues(), b.consumers(), b.inFlight(), b.handled(), s.ratePerSecond(), s.receivedAt()));
        }
        members.sort(Comparator.comparing(Member::service).thenComparing(Member::instance));
        return members;
    }

    private void expire(long now) {
        byInstance.values().removeIf(s -> now - s.receivedAt() > MISSED_BEATS * s.beat().intervalSeconds() * 1000L);
    }

    private static Double rate(Heartbeat earlier, Heartbeat later) {
        long millis = later.at() - earlier.at();
        long handled = later.handled() - earlier.handled();
        if (millis <= 0 || handled < 0) {
            return null;
        }
        return handled * 1000.0 / millis;
    }
}
