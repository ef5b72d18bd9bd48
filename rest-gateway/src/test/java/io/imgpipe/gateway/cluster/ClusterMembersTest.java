package io.imgpipe.gateway.cluster;

import io.imgpipe.contract.Heartbeat;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ClusterMembersTest {

    private static final class StepClock extends Clock {
        private Instant now = Instant.ofEpochMilli(1_000_000);

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final StepClock clock = new StepClock();
    private final ClusterMembers members = new ClusterMembers(clock);

    private static Heartbeat beat(String instance, String service, long at, long handled) {
        return new Heartbeat(instance, service, "1.0", 0, at, 5, List.of(service), 1, 2, handled);
    }

    @Test
    void givenOneBeat_whenListed_thenTheInstanceShowsWithoutARateYet() {
        members.seen(beat("h-1", "transformer", 10_000, 4));

        assertThat(members.current()).singleElement().satisfies(m -> {
            assertThat(m.service()).isEqualTo("transformer");
            assertThat(m.uptimeSeconds()).isEqualTo(10);
            assertThat(m.inFlight()).isEqualTo(2);
            assertThat(m.ratePerSecond()).isNull();
            assertThat(m.lastSeen()).isEqualTo(1_000_000);
        });
    }

    @Test
    void givenTwoBeats_whenListed_thenTheRateIsHandledOverTheSendersInterval() {
        members.seen(beat("h-1", "transformer", 10_000, 4));
        clock.advance(Duration.ofSeconds(5));
        members.seen(beat("h-1", "transformer", 15_000, 54));

        assertThat(members.current()).singleElement()
                .satisfies(m -> assertThat(m.ratePerSecond()).isEqualTo(10.0));
    }

    @Test
    void givenAnInstanceThatMissedThreeBeats_whenListed_thenItIsGone() {
        members.seen(beat("h-1", "transformer", 10_000, 0));
        members.seen(beat("h-2", "save2db", 10_000, 0));
        clock.advance(Duration.ofSeconds(15));
        members.seen(beat("h-2", "save2db", 25_000, 0));

        assertThat(members.current()).extracting(ClusterMembers.Member::instance).containsExactlyInAnyOrder("h-1", "h-2");

        clock.advance(Duration.ofMillis(1));

        assertThat(members.current()).extracting(ClusterMembers.Member::instance).containsExactly("h-2");
    }

    @Test
    void givenAnOlderBeatAfterANewerOne_whenSeen_thenTheNewerStays() {
        members.seen(beat("h-1", "logger", 20_000, 9));
        members.seen(beat("h-1", "logger", 15_000, 3));

        assertThat(members.current()).singleElement().satisfies(m -> assertThat(m.handled()).isEqualTo(9));
    }

    @Test
    void givenSeveralServices_whenListed_thenSortedByServiceThenInstance() {
        members.seen(beat("b", "transformer", 1, 0));
        members.seen(beat("a", "transformer", 1, 0));
        members.seen(beat("z", "gateway", 1, 0));

        assertThat(members.current()).extracting(ClusterMembers.Member::instance).containsExactly("z", "a", "b");
    }
}
