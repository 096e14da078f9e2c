package io.odestream.eval.nab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SeedSpreadTest {

    @Test
    void aListNamesSeedsAndRangesInItsOrder() {
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), SeedSpread.parse("1-9"));
        assertEquals(List.of(3L, 7L, 11L), SeedSpread.parse("3,7,11"));
        assertEquals(List.of(5L, 1L, 2L, 3L, 42L), SeedSpread.parse("5, 1-3 ,42"));
        assertEquals(List.of(-2L, -1L, 0L), SeedSpread.parse("-2--0"));
    }

    @Test
    void aListThatNamesASeedTwiceOrIsNotSeedsSaysWhatIsWrong() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SeedSpread.parse("1-3,2")).getMessage()
                .contains("named twice"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SeedSpread.parse("9-1")).getMessage()
                .contains("upwards"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SeedSpread.parse("1,,2")).getMessage()
                .contains("'' is not a seed"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SeedSpread.parse("seven")).getMessage()
                .contains("'seven' is not a seed"));
    }

    @Test
    void theMeanLeadsAndTheLinesSayEachSeedAndTheSpread() {
        SeedSpread spread = new SeedSpread(List.of(1L, 2L, 3L), List.of(
                new NabReport.Row("d", "", 60, 50, 70),
                new NabReport.Row("d", "", 64, 52, 72),
                new NabReport.Row("d", "", 68, 60, 71)));

        NabReport.Row mean = spread.mean("odestream, mean of 3 seeds", "39 series");
        assertEquals(64, mean.standard(), 1e-12);
        assertEquals(54, mean.lowFp(), 1e-12);
        assertEquals(71, mean.lowFn(), 1e-12);
        assertEquals("odestream, mean of 3 seeds", mean.detector());
        assertEquals(List.of(
                "standard / reward_low_FP_rate / reward_low_FN_rate per seed: seed 1 60.00 / 50.00 / 70.00; "
                        + "seed 2 64.00 / 52.00 / 72.00; seed 3 68.00 / 60.00 / 71.00",
                "over the 3 seeds: mean 64.00 / 54.00 / 71.00, standard deviation 4.00 / 5.29 / 1.00, "
                        + "range 60.00–68.00 / 50.00–60.00 / 70.00–72.00"), spread.lines());
    }

    @Test
    void oneSeedHasNoSpreadToEstimate() {
        SeedSpread one = new SeedSpread(List.of(7L), List.of(new NabReport.Row("d", "", 67.93, 61.17, 72.05)));
        assertTrue(one.lines().get(1).contains("standard deviation – / – / –"), one.lines().get(1));
        assertThrows(IllegalArgumentException.class, () -> new SeedSpread(List.of(1L, 2L),
                List.of(new NabReport.Row("d", "", 1, 2, 3))));
    }
}
