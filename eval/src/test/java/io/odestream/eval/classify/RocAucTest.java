package io.odestream.eval.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The AUC against cases counted by hand (pairs of one positive and one negative). */
class RocAucTest {

    @Test
    void threeOfFourPairsRankedRight() {
        // Positives 0.35 and 0.8, negatives 0.1 and 0.4: of the four pairs only (0.35, 0.4) is wrong → 3/4.
        assertEquals(0.75, RocAuc.of(new double[] {0.1, 0.4, 0.35, 0.8}, new boolean[] {false, false, true, true}),
                1e-15);
    }

    @Test
    void tiesCountOneHalf() {
        // Positive 0.5 against negatives 0.5 (tie, ½) and 0.2 (right, 1); positive 0.9 beats both (2): 3.5 / 4.
        assertEquals(0.875, RocAuc.of(new double[] {0.5, 0.5, 0.2, 0.9}, new boolean[] {true, false, false, true}),
                1e-15);
    }

    @Test
    void perfectAndReversedRankings() {
        boolean[] labels = {false, true, false, true, true};
        assertEquals(1.0, RocAuc.of(new double[] {0.1, 0.7, 0.2, 0.8, 0.9}, labels), 1e-15);
        assertEquals(0.0, RocAuc.of(new double[] {0.9, 0.2, 0.8, 0.1, 0.0}, labels), 1e-15);
    }

    @Test
    void oneClassOnlyHasNoAuc() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RocAuc.of(new double[] {0.1, 0.2}, new boolean[] {true, true}));
        assertEquals("an AUC needs positives and negatives; got 2 and 0", e.getMessage());
    }
}
