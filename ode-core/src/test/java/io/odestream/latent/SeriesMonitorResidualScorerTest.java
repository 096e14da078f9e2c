package io.odestream.latent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.odestream.alert.AlertPolicy;
import org.junit.jupiter.api.Test;

/** A monitor with a residual scorer judges the scorer's value; where the scorer declines, the Gaussian's. */
class SeriesMonitorResidualScorerTest {
    private static final LatentOdeSpec SPEC = LatentOdeSpec.of(2, 4, 8, new int[] {16}, new int[] {16}, 1000.0);
    private static final LatentFilter FILTER = new LatentFilter(LatentOdeModel.create(SPEC, 11), "m", 1);
    private static final MonitorSettings SETTINGS = new MonitorSettings(AlertPolicy.defaults(), 8, 8, 16);
    private final double[] x = {0.1, -0.2};
    private final boolean[] all = {true, true};

    @Test
    void theScorersValueReplacesTheGaussianNegativeLogDensityGivenTheResidualsAndTheGap() {
        double[] seenZ = new double[2];
        long[] seenGap = new long[1];
        ResidualScorer scorer = (z, gap) -> {
            System.arraycopy(z, 0, seenZ, 0, 2);
            seenGap[0] = gap;
            return 42.0;
        };
        InMemorySeries s = new InMemorySeries(SETTINGS.alertPolicy().newTrack());
        SeriesMonitor monitor = new SeriesMonitor(SETTINGS, scorer);
        monitor.step(s, FILTER, 1_000, x, all, 7);
        FilterState before = s.state();

        SeriesMonitor.Verdict v = monitor.step(s, FILTER, 3_500, x, all, 9);

        Score gaussian = FILTER.score(before, 3_500, x, all, SETTINGS.scoreMode(), SETTINGS.scoreSamples(), 9);
        assertEquals(42.0, v.score().negativeLogDensity(), 0.0);
        assertArrayEquals(gaussian.zScores(), v.score().zScores(), 0.0);
        assertArrayEquals(gaussian.zScores(), seenZ, 0.0);
        assertEquals(2_500, seenGap[0]);
    }

    @Test
    void whereTheScorerDeclinesTheGaussianScoreStands() {
        InMemorySeries s = new InMemorySeries(null);
        SeriesMonitor monitor = new SeriesMonitor(SETTINGS, (z, gap) -> Double.NaN);
        monitor.step(s, FILTER, 1_000, x, all, 7);
        FilterState before = s.state();

        SeriesMonitor.Verdict v = monitor.step(s, FILTER, 2_000, x, all, 9);

        assertEquals(FILTER.score(before, 2_000, x, all, SETTINGS.scoreMode(), SETTINGS.scoreSamples(), 9).negativeLogDensity(),
                v.score().negativeLogDensity(), 0.0);
    }
}
