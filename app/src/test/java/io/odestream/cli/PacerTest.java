package io.odestream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PacerTest {
    /** A clock that only moves when the pacer sleeps, plus the given work time per record. */
    static final class FakeClock implements Pacer.Clock {
        long now = 1_000_000;
        final List<Long> sleeps = new ArrayList<>();

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void sleepNanos(long nanos) {
            sleeps.add(nanos);
            now += nanos;
        }
    }

    @Test
    void sleepsTheEventTimeGapDividedByTheSpeedupWithoutDrift() throws Exception {
        FakeClock clock = new FakeClock();
        Pacer pacer = new Pacer(10, clock);
        pacer.await(60_000);         // first record: due at once
        pacer.await(70_000);         // 10 s of event time at speedup 10 -> due 1 s after the start
        clock.now += 300_000_000;    // sending took 0.3 s
        pacer.await(80_000);         // due 2 s after the start: waits 0.7 s, not 1 s
        pacer.await(75_000);         // went back in time: due at once
        assertEquals(List.of(1_000_000_000L, 700_000_000L), clock.sleeps);
    }

    @Test
    void speedupZeroNeverSleeps() throws Exception {
        FakeClock clock = new FakeClock();
        Pacer pacer = new Pacer(Pacer.parseSpeedup("max"), clock);
        pacer.await(0);
        pacer.await(3_600_000);
        assertTrue(clock.sleeps.isEmpty());
        assertEquals(0, Pacer.parseSpeedup("0"));
        assertEquals(2.5, Pacer.parseSpeedup("2.5"));
    }

    @Test
    void invalidSpeedupsSayWhatIsAllowed() {
        for (String bad : new String[] {"fast", "-1", "Infinity", "NaN"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Pacer.parseSpeedup(bad));
            assertTrue(e.getMessage().contains("0 / max"), e.getMessage());
        }
    }
}
