package io.odestream.eval.spiral;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.eval.spiral.SpiralDataset.Spiral;
import io.odestream.eval.spiral.SpiralDataset.Subsample;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The spiral generator reproduces torchdiffeq's latent_ode.py geometry: Archimedean radius law
 * r = 0.3·θ around (+5, 0) counter-clockwise, r = 0.3·50/(6π + 1 − t) around (−5, 0) clockwise,
 * N(0, 0.3²) observation noise, exactly half of each orientation; subsamples are sorted,
 * irregular and reproducible.
 */
class SpiralDatasetTest {
    private static final List<Spiral> SPIRALS = SpiralDataset.generate(200, 7L);

    @Test
    void radiusFollowsTheArchimedeanLawAroundItsCentre() {
        for (Spiral s : SPIRALS) {
            double cx = s.counterClockwise() ? 5.0 : -5.0;
            for (int k = 0; k < SpiralDataset.STRETCH; k++) {
                double t = s.originalTime(k);
                double expected = s.counterClockwise() ? 0.3 * t : 0.3 * 50 / (6 * Math.PI + 1 - t);
                double[] p = s.truth()[k];
                assertEquals(expected, Math.hypot(p[0] - cx, p[1]), 1e-12, "radius at stretch point " + k);
            }
        }
    }

    @Test
    void counterClockwiseSpiralsStartAtTheirCentrePlusFive() {
        double[][] cc = SpiralDataset.trajectory(true);
        assertEquals(5.0, cc[0][0], 1e-15);
        assertEquals(0.0, cc[0][1], 1e-15);
        double[][] cw = SpiralDataset.trajectory(false);
        // clockwise: the last point has z = 1, r = 15, at angle 1 rad from (−5, 0)
        assertEquals(-5.0 + 15 * Math.cos(1.0), cw[999][0], 1e-9);
        assertEquals(15 * Math.sin(1.0), cw[999][1], 1e-9);
    }

    @Test
    void orientationIsTheSignOfTheCrossProductAboutTheCentre() {
        for (Spiral s : SPIRALS) {
            double cx = s.counterClockwise() ? 5.0 : -5.0;
            for (int k = 0; k + 1 < SpiralDataset.STRETCH; k++) {
                double[] a = s.truth()[k];
                double[] b = s.truth()[k + 1];
                double cross = (a[0] - cx) * b[1] - a[1] * (b[0] - cx);
                assertEquals(s.counterClockwise() ? 1.0 : -1.0, Math.signum(cross), "cross product at " + k);
            }
        }
    }

    @Test
    void exactlyHalfTurnEachWay() {
        long cc = SPIRALS.stream().filter(Spiral::counterClockwise).count();
        assertEquals(100, cc);
    }

    @Test
    void observationNoiseIsZeroMeanWithStdPointThree() {
        double sum = 0;
        double sumSq = 0;
        long n = 0;
        for (Spiral s : SPIRALS) {
            for (int k = 0; k < SpiralDataset.STRETCH; k++) {
                for (int j = 0; j < 2; j++) {
                    double e = s.observed()[k][j] - s.truth()[k][j];
                    sum += e;
                    sumSq += e * e;
                    n++;
                }
            }
        }
        double mean = sum / n;
        double std = Math.sqrt(sumSq / n - mean * mean);
        // 40 000 residuals: the std of the estimate of σ is ≈ 0.3/√80 000 ≈ 0.001, of the mean 0.0015
        assertEquals(0.0, mean, 0.006);
        assertEquals(0.3, std, 0.005);
    }

    @Test
    void stretchLiesInsideTheTrajectoryWithAFullContinuation() {
        for (Spiral s : SPIRALS) {
            assertTrue(s.startIndex() >= 100 && s.startIndex() <= 800, "t0 = " + s.startIndex());
            double[][] full = SpiralDataset.trajectory(s.counterClockwise());
            assertArrayEquals(full[s.startIndex()], s.truth()[0], 0.0);
            assertArrayEquals(full[s.startIndex() + 199], s.continuation()[99], 0.0);
            assertEquals(0L, s.timesMillis()[0]);
            assertTrue(s.continuationTimesMillis()[0] > s.timesMillis()[99]);
        }
    }

    @Test
    void generationIsSeeded() {
        List<Spiral> again = SpiralDataset.generate(200, 7L);
        List<Spiral> other = SpiralDataset.generate(200, 8L);
        assertArrayEquals(SPIRALS.get(17).observed()[3], again.get(17).observed()[3], 0.0);
        assertEquals(SPIRALS.get(17).startIndex(), again.get(17).startIndex());
        assertNotEquals(SPIRALS.get(17).observed()[3][0], other.get(17).observed()[3][0]);
    }

    @Test
    void subsampleIsSortedIrregularAndSeeded() {
        Spiral s = SPIRALS.get(0);
        Subsample a = s.subsample(30, 5L);
        assertEquals(30, a.indices().length);
        for (int i = 1; i < 30; i++) {
            assertTrue(a.indices()[i] > a.indices()[i - 1], "strictly increasing at " + i);
            assertTrue(a.timesMillis()[i] > a.timesMillis()[i - 1]);
        }
        for (int i = 0; i < 30; i++) {
            assertArrayEquals(s.observed()[a.indices()[i]], a.values()[i], 0.0);
            assertEquals(s.timesMillis()[a.indices()[i]], a.timesMillis()[i]);
        }
        long distinctGaps = IntStream.range(1, 30)
                .map(i -> a.indices()[i] - a.indices()[i - 1]).distinct().count();
        assertTrue(distinctGaps >= 3, "gaps are irregular, found " + distinctGaps + " distinct gap lengths");
        assertArrayEquals(a.indices(), s.subsample(30, 5L).indices());
        assertFalse(Arrays.equals(a.indices(), s.subsample(30, 6L).indices()));
        assertEquals(100, s.subsample(100, 1L).indices().length);
    }

    @Test
    void badArgumentsAreRejectedNamingThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SPIRALS.get(0).subsample(0, 1L));
        assertTrue(e.getMessage().startsWith("n must be"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SpiralDataset.generate(7, 1L));
        assertTrue(e.getMessage().startsWith("count must be"), e.getMessage());
    }
}
