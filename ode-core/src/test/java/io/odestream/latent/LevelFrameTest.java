package io.odestream.latent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** When a series' frame moves under {@link LevelShift}, and what a moved frame does to forecasts. */
class LevelFrameTest {
    /** Two channels trained at mean 10 and 0, standard deviations 2 and 1: bounds 10 ± 16 and 0 ± 8 at 8 σ. */
    private static final LatentOdeSpec SPEC = LatentOdeSpec.of(2, 2, 4, new int[] {4}, new int[] {4}, 1000.0)
            .withNormalisation(new double[] {10, 0}, new double[] {2, 1});
    private static final LevelShift RULE = new LevelShift(3, 8);

    @Test
    void theRuleRowsInARowBeyondTheBoundOnOneSideMoveTheChannelToTheirMean() {
        LevelFrame f = LevelFrame.of(2);
        assertFalse(f.observe(new double[] {30, 0}, null, SPEC, RULE));
        assertFalse(f.observe(new double[] {33, 0}, null, SPEC, RULE));
        assertTrue(f.observe(new double[] {36, 0}, null, SPEC, RULE));
        assertArrayEquals(new double[] {33 - 10, 0}, f.shift, 0.0, "the run's mean lands on the training mean");
        assertArrayEquals(new int[] {0, 0}, f.run, "the run starts again");
        assertTrue(f.shifted());
        double[] seen = new double[2];
        f.toFrame(new double[] {34, 0.5}, seen);
        assertArrayEquals(new double[] {11, 0.5}, seen, 0.0);
    }

    @Test
    void aValueInsideTheBoundOrOnTheOtherSideStartsTheRunAgain() {
        LevelFrame f = LevelFrame.of(2);
        f.observe(new double[] {30, 0}, null, SPEC, RULE);
        f.observe(new double[] {30, 0}, null, SPEC, RULE);
        assertFalse(f.observe(new double[] {25, 0}, null, SPEC, RULE), "10 + 16 = 26: inside");
        f.observe(new double[] {30, 0}, null, SPEC, RULE);
        f.observe(new double[] {30, 0}, null, SPEC, RULE);
        assertFalse(f.observe(new double[] {-7, 0}, null, SPEC, RULE), "beyond, but below");
        assertEquals(-1, f.run[0]);
        assertFalse(f.shifted());
    }

    @Test
    void missingValuesNeitherCountNorBreakARun() {
        LevelFrame f = LevelFrame.of(2);
        f.observe(new double[] {0, 9}, null, SPEC, RULE);
        f.observe(new double[] {0, 9}, new boolean[] {true, false}, SPEC, RULE);
        f.observe(new double[] {0, Double.NaN}, null, SPEC, RULE);
        assertEquals(1, f.run[1], "the masked and the NaN value left the run where it was");
        f.observe(new double[] {0, 9}, null, SPEC, RULE);
        assertTrue(f.observe(new double[] {0, 12}, null, SPEC, RULE));
        assertArrayEquals(new double[] {0, 10}, f.shift, 0.0, "only the channel that left moves");
    }

    @Test
    void aSeriesThatReturnsMovesBackTheSameWay() {
        LevelFrame f = LevelFrame.of(2);
        for (int i = 0; i < 3; i++) {
            f.observe(new double[] {110, 0}, null, SPEC, RULE);
        }
        assertEquals(100, f.shift[0], 0.0);
        double[] seen = new double[2];
        for (int i = 0; i < 3; i++) {
            f.toFrame(new double[] {10, 0}, seen); // back at the trained level: −90 in the moved frame
            f.observe(seen, null, SPEC, RULE);
        }
        assertEquals(0, f.shift[0], 0.0);
        assertFalse(f.shifted());
    }

    @Test
    void aForecastInAMovedFrameGetsItsShiftBackOnLocationsNotOnSpread() {
        LevelFrame f = LevelFrame.of(2);
        f.shift[0] = 100;
        Prediction p = new Prediction(new long[] {1, 2}, new double[][] {{1, 2}, {3, 4}}, new double[][] {{5, 6}, {7, 8}},
                new double[][] {{0, 1}, {2, 3}}, new double[][] {{1, 2}, {3, 4}}, new double[][] {{2, 3}, {4, 5}}, 16,
                new String[] {null, "refused"});
        Prediction u = f.unshifted(p);
        assertArrayEquals(new double[] {101, 2}, u.mean()[0], 0.0);
        assertArrayEquals(new double[] {103, 4}, u.mean()[1], 0.0);
        assertArrayEquals(new double[] {100, 1}, u.q05()[0], 0.0);
        assertArrayEquals(new double[] {101, 2}, u.q50()[0], 0.0);
        assertArrayEquals(new double[] {104, 5}, u.q95()[1], 0.0);
        assertSame(p.std(), u.std());
        assertArrayEquals(p.refused(), u.refused());
        assertArrayEquals(new double[] {1, 2}, p.mean()[0], 0.0, "the frame's prediction is left as it was");
        assertSame(p, LevelFrame.of(2).unshifted(p), "an unmoved frame returns the prediction itself");
    }

    @Test
    void theCommandLineFormIsRowsCommaStdsOrOff() {
        assertEquals(new LevelShift(6, 8), LevelShift.parse("6,8"));
        assertEquals(new LevelShift(4, 2.5), LevelShift.parse(" 4 , 2.5 "));
        assertEquals(null, LevelShift.parse("OFF"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LevelShift.parse("6"))
                .getMessage().contains("ROWS,STDS"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LevelShift.parse("six,8"))
                .getMessage().contains("six,8"));
        assertThrows(IllegalArgumentException.class, () -> LevelShift.parse("0,8"));
        assertThrows(IllegalArgumentException.class, () -> LevelShift.parse("6,-1"));
    }
}
