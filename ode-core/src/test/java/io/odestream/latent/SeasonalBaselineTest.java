package io.odestream.latent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The seasonal baseline's contract: fitted on noisy rows it recovers a known daily and weekly
 * pattern; updated online with forgetting it follows a pattern whose phase drifts, which a fit that
 * stops learning cannot; its estimate does not depend on the values' unit or offset; missing values
 * change nothing.
 */
class SeasonalBaselineTest {
    private static final long START = 1_600_000_000_000L; // a Sunday, 12:26 UTC: no phase is special
    private static final long STEP = 600_000L; // 10 minutes
    private static final double DAY = 86_400_000.0;

    /** 5 + 2·sin(day phase + 0.7) + 1·cos(week phase) (+ phase drift) */
    private static double truth(long t, double drift) {
        double day = 2 * Math.PI * ((t % (long) DAY) / DAY);
        double week = 2 * Math.PI * ((t % (long) (7 * DAY)) / (7 * DAY));
        return 5 + 2 * Math.sin(day + 0.7 + drift) + Math.cos(week);
    }

    @Test
    void aFitOnNoisyRowsRecoversTheDailyAndWeeklyPattern() {
        int rows = 4 * 1008; // four weeks
        long[] t = new long[rows];
        double[] x = new double[rows];
        Random random = new Random(11);
        for (int i = 0; i < rows; i++) {
            t[i] = START + i * STEP;
            x[i] = truth(t[i], 0) + 0.5 * random.nextGaussian(); // noise σ 0.5, a quarter of the daily amplitude
        }
        SeasonalBaseline baseline = SeasonalBaseline.fitted(new SeasonalBaseline.Config(3, 3, 28, 10), t, x, rows);
        // judged on the week after the data, at times between the rows
        double worst = 0;
        for (int k = 0; k < 1008; k++) {
            long at = START + rows * STEP + k * STEP + STEP / 3;
            worst = Math.max(worst, Math.abs(baseline.baseline(at) - truth(at, 0)));
        }
        assertTrue(worst < 0.15, "largest error of the recovered pattern over a week: " + worst);
        long at = START + rows * STEP;
        assertEquals(5.0, baseline.level(), 0.05, "the level");
        assertEquals(baseline.baseline(at) - baseline.level(), baseline.season(at), 1e-12, "the season alone");
    }

    @Test
    void onlineUpdatesFollowADriftingPhaseThatAFrozenFitLoses() {
        int rows = 8 * 1008; // eight weeks, the daily peak drifting by half a day (π) over them
        SeasonalBaseline.Config config = new SeasonalBaseline.Config(3, 3, 3, 10);
        SeasonalBaseline online = new SeasonalBaseline(config);
        SeasonalBaseline frozen = new SeasonalBaseline(config);
        Random random = new Random(12);
        double onlineError = 0;
        double frozenError = 0;
        int judged = 0;
        for (int i = 0; i < rows; i++) {
            long t = START + i * STEP;
            double drift = Math.PI * i / rows;
            double expected = truth(t, drift);
            if (i >= 7 * 1008) { // the last week: each row predicted before it is absorbed
                onlineError += Math.abs(online.baseline(t) - expected);
                frozenError += Math.abs(frozen.baseline(t) - expected);
                judged++;
            }
            double x = expected + 0.5 * random.nextGaussian();
            online.update(t, x);
            if (i < 2 * 1008) {
                frozen.update(t, x);
            }
        }
        onlineError /= judged;
        frozenError /= judged;
        assertTrue(onlineError < 0.3, "online mean absolute error in the last week: " + onlineError);
        assertTrue(frozenError > 4 * onlineError, "frozen " + frozenError + " against online " + onlineError);
    }

    @Test
    void theEstimateDoesNotDependOnTheValuesUnitOrOffset() {
        SeasonalBaseline a = new SeasonalBaseline(SeasonalBaseline.Config.defaults());
        SeasonalBaseline b = new SeasonalBaseline(SeasonalBaseline.Config.defaults());
        Random random = new Random(13);
        for (int i = 0; i < 600; i++) { // two days: the weekly terms held by the prior
            long t = START + i * STEP;
            double x = truth(t, 0) + random.nextGaussian();
            a.update(t, x);
            b.update(t, 1000 * x - 70_000);
        }
        long at = START + 600 * STEP;
        assertEquals(1000 * a.baseline(at) - 70_000, b.baseline(at), 1e-6 * 70_000);
    }

    @Test
    void missingValuesAndRepeatedTimesAreHandled() {
        SeasonalBaseline a = new SeasonalBaseline(SeasonalBaseline.Config.defaults());
        SeasonalBaseline b = new SeasonalBaseline(SeasonalBaseline.Config.defaults());
        assertEquals(0.0, a.baseline(START), "nothing absorbed: no season");
        for (int i = 0; i < 300; i++) {
            long t = START + i * STEP;
            a.update(t, truth(t, 0));
            b.update(t, truth(t, 0));
            b.update(t + STEP / 2, Double.NaN); // missing: not a row, not a lapse of memory
        }
        assertArrayEquals(a.coefficients(), b.coefficients(), 0.0);
        a.update(START, 100); // a late row: absorbed, nothing forgotten for it
        assertTrue(Double.isFinite(a.baseline(START + 300 * STEP)));
    }

    @Test
    void settingsThatCannotDescribeASeasonAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new SeasonalBaseline.Config(0, 0, 14, 10));
        assertThrows(IllegalArgumentException.class, () -> new SeasonalBaseline.Config(3, 7, 14, 10));
        assertThrows(IllegalArgumentException.class, () -> new SeasonalBaseline.Config(3, 3, 0, 10));
        assertThrows(IllegalArgumentException.class, () -> new SeasonalBaseline.Config(3, 3, 14, 0));
        assertThrows(IllegalArgumentException.class, () -> new SeasonalBaseline(null));
    }
}
