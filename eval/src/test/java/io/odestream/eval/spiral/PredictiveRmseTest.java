package io.odestream.eval.spiral;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.eval.spiral.SpiralDataset.Spiral;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The metric: 0 for a forecaster that returns the noise-free truth, exactly the offset for one
 * that is off by a constant, and it only ever asks for times after the conditioning half.
 */
class PredictiveRmseTest {
    private static final List<Spiral> TEST = SpiralDataset.generate(20, 3L);

    /** truth + (dx, dy) at the query times, finding the spiral from its first conditioning value. */
    private static PredictiveRmse.Forecaster offsetTruth(double dx, double dy) {
        return (times, values, queries) -> {
            Spiral spiral = TEST.stream().filter(s -> Arrays.stream(s.observed())
                    .anyMatch(row -> Arrays.equals(row, values[0]))).findFirst().orElseThrow();
            double[][] out = new double[queries.length][];
            for (int q = 0; q < queries.length; q++) {
                int k = Arrays.binarySearch(spiral.timesMillis(), queries[q]);
                out[q] = new double[] {spiral.truth()[k][0] + dx, spiral.truth()[k][1] + dy};
            }
            return out;
        };
    }

    @Test
    void truthScoresZero() {
        for (int n : new int[] {30, 50, 100}) {
            assertEquals(0.0, PredictiveRmse.of(TEST, n, 11L, offsetTruth(0, 0)), 0.0, "n = " + n);
        }
    }

    @Test
    void aConstantOffsetScoresThatOffset() {
        assertEquals(0.25, PredictiveRmse.of(TEST, 30, 11L, offsetTruth(0.25, -0.25)), 1e-12);
        // different offsets per coordinate: the RMSE over both coordinates is √((a² + b²)/2)
        assertEquals(Math.sqrt((0.09 + 0.16) / 2), PredictiveRmse.of(TEST, 50, 11L, offsetTruth(0.3, 0.4)), 1e-12);
    }

    @Test
    void conditionsOnTheFirstHalfAndQueriesEveryLaterStretchTime() {
        int[] calls = {0};
        PredictiveRmse.of(TEST, 30, 11L, (times, values, queries) -> {
            calls[0]++;
            assertEquals(15, times.length);
            assertTrue(queries[0] > times[times.length - 1], "first query after the last conditioning point");
            assertEquals(TEST.get(0).timesMillis()[99], queries[queries.length - 1], "last query is the stretch end");
            for (int q = 1; q < queries.length; q++) {
                assertEquals(1, Arrays.binarySearch(TEST.get(0).timesMillis(), queries[q])
                        - Arrays.binarySearch(TEST.get(0).timesMillis(), queries[q - 1]), "every stretch time");
            }
            return new double[queries.length][2];
        });
        assertEquals(TEST.size(), calls[0]);
    }

    @Test
    void rejectsBadArguments() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PredictiveRmse.of(TEST, 1, 1L, offsetTruth(0, 0)));
        assertTrue(e.getMessage().startsWith("n must be"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PredictiveRmse.of(List.of(), 30, 1L, offsetTruth(0, 0)));
        assertTrue(e.getMessage().startsWith("test must"), e.getMessage());
    }
}
