package io.odestream.cli.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class EventTimeOrderTest {
    private static final Duration BOUND = Duration.ofSeconds(5);

    @Test
    void aReplayInEventTimeOrderHasNothingToSay() {
        EventTimeOrder order = new EventTimeOrder(BOUND);
        for (long t : new long[] {1_000, 2_000, 2_000, 9_000}) {
            order.accept(t);
        }
        assertEquals(0, order.behind());
        assertEquals(Duration.ZERO, order.largestStepBack());
        assertTrue(order.warning().isEmpty());
    }

    @Test
    void rowsBehindTheLatestAreCountedAgainstTheLatestNotTheirPredecessor() {
        EventTimeOrder order = new EventTimeOrder(BOUND);
        for (long t : new long[] {10_000, 20_000, 17_000, 14_000, 21_000, 19_500}) {
            order.accept(t);
        }
        // 17 000 and 14 000 are 3 s and 6 s behind 20 000; 19 500 is 1.5 s behind 21 000
        assertEquals(3, order.behind());
        assertEquals(1, order.behindBeyondBound());
        assertEquals(Duration.ofSeconds(6), order.largestStepBack());
    }

    @Test
    void theWarningSaysHowManyHowFarAndWhatToDo() {
        EventTimeOrder order = new EventTimeOrder(BOUND);
        order.accept(60_000);
        order.accept(0);
        String warning = order.warning().orElseThrow();
        assertTrue(warning.startsWith("1 of 2 observations were sent after a later one (largest step back PT1M)"), warning);
        assertTrue(warning.contains("1 of them are further back than PT5S"), warning);
        assertTrue(warning.contains("late topic"), warning);
        assertTrue(warning.contains("--out-of-orderness PT1M"), warning);
    }

    @Test
    void aNegativeBoundIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new EventTimeOrder(Duration.ofSeconds(-1)));
    }
}
