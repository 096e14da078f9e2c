package io.odestream.eval.physionet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.latent.LatentOdeTraining.Series;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Min-max scaling learned from the training stays only, applied unchanged to the test stays. */
class MinMaxNormalisationTest {
    private static final double NAN = Double.NaN;

    private final List<Series> train = List.of(
            new Series(new long[] {0, 60_000}, new double[][] {{50, 7, NAN}, {150, 7, 2}}),
            new Series(new long[] {0}, new double[][] {{100, 7, NAN}}));

    @Test
    void trainingValuesMapOntoZeroToOneFromTheirOwnMinAndMax() {
        MinMaxNormalisation scaling = MinMaxNormalisation.fromTraining(train, 3);
        assertArrayEquals(new double[] {50, 7, 2}, scaling.min());
        assertArrayEquals(new double[] {150, 7, 2}, scaling.max());
        Series scaled = scaling.apply(train.get(0));
        assertEquals(0.0, scaled.values()[0][0]);
        assertEquals(1.0, scaled.values()[1][0]);
        assertEquals(0.5, scaling.apply(train.get(1)).values()[0][0]);
        // a constant channel is only shifted; a missing value stays missing
        assertEquals(0.0, scaled.values()[0][1]);
        assertTrue(Double.isNaN(scaled.values()[0][2]));
        assertArrayEquals(new long[] {0, 60_000}, scaled.timesMillis());
    }

    @Test
    void testStaysUseTheTrainingScaleAndMayLeaveZeroToOne() {
        MinMaxNormalisation scaling = MinMaxNormalisation.fromTraining(train, 3);
        Series test = new Series(new long[] {0, 1}, new double[][] {{250, 9, 2}, {0, 7, 3}});
        Series scaled = scaling.apply(test);
        // a test scale would have mapped 250 to 1 and 0 to 0
        assertEquals(2.0, scaled.values()[0][0]);
        assertEquals(-0.5, scaled.values()[1][0]);
        assertEquals(2.0, scaled.values()[0][1]);
        assertEquals(1.0, scaled.values()[1][2]);
    }

    @Test
    void aChannelNeverObservedInTrainingIsRejected() {
        List<Series> noThird = List.of(new Series(new long[] {0}, new double[][] {{1, 2, NAN}}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MinMaxNormalisation.fromTraining(noThird, 3));
        assertTrue(e.getMessage().contains("channel 2 is never observed"), e.getMessage());
    }
}
