package io.odestream.eval.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.latent.SeasonalBaseline;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What the model is given under each seasonality: the step-scaled series makes a busy half-day's
 * steps as large as a quiet one's, the shape removes a daily cycle, and either way a row's input
 * depends on that row and the rows before it only.
 */
class SeasonalInputTest {
    private static final long STEP = 300_000L;
    private static final int ROWS = 288 * 6; // six days at 5 minutes
    private static final int FIT = 288 * 2;
    private static final SeasonalBaseline.Config DAILY = new SeasonalBaseline.Config(3, 0, 14, 10);

    /** A random walk whose steps are 4 times larger from 06:00 to 18:00 (of the day of the row) than at night. */
    private static double[] busyDays(long[] times, long seed) {
        Random random = new Random(seed);
        double[] x = new double[ROWS];
        for (int i = 1; i < ROWS; i++) {
            x[i] = x[i - 1] + (busy(times[i]) ? 4 : 1) * random.nextGaussian();
        }
        return x;
    }

    private static boolean busy(long t) {
        long hour = (t / 3_600_000L) % 24;
        return hour >= 6 && hour < 18;
    }

    private static long[] times() {
        long[] t = new long[ROWS];
        for (int i = 0; i < ROWS; i++) {
            t[i] = 1_600_041_600_000L + i * STEP; // midnight UTC
        }
        return t;
    }

    private static double[] run(Seasonality seasonality, long[] t, double[] x) {
        SeasonalInput s = SeasonalInput.fitted(seasonality, t, x, FIT);
        for (int i = FIT; i < ROWS; i++) {
            s.next(i);
            s.teach(i);
        }
        return s.inputs();
    }

    @Test
    void scaledStepsOfABusyHourAreAsLargeAsAQuietHours() {
        long[] t = times();
        double[] x = busyDays(t, 1);
        double[] y = run(new Seasonality(DAILY, Seasonality.Kind.SCALE), t, x);
        double busyRaw = 0;
        double quietRaw = 0;
        double busyScaled = 0;
        double quietScaled = 0;
        for (int i = FIT + 1; i < ROWS; i++) {
            double raw = Math.abs(x[i] - x[i - 1]);
            double scaled = Math.abs(y[i] - y[i - 1]);
            if (busy(t[i])) {
                busyRaw += raw;
                busyScaled += scaled;
            } else {
                quietRaw += raw;
                quietScaled += scaled;
            }
        }
        assertTrue(busyRaw / quietRaw > 3, "the raw steps differ by ~4: " + busyRaw / quietRaw);
        double ratio = busyScaled / quietScaled;
        assertTrue(ratio > 0.6 && ratio < 1.6, "busy over quiet mean scaled step: " + ratio);
    }

    @Test
    void theShapeTakesTheDailyCycleOut() {
        long[] t = times();
        Random random = new Random(2);
        double[] x = new double[ROWS];
        for (int i = 0; i < ROWS; i++) {
            x[i] = 100 + 30 * Math.sin(2 * Math.PI * i / 288.0) + random.nextGaussian();
        }
        double[] y = run(new Seasonality(DAILY, Seasonality.Kind.SHAPE), t, x);
        double spread = 0;
        for (int i = FIT; i < ROWS; i++) {
            spread = Math.max(spread, Math.abs(y[i] - 100));
        }
        assertTrue(spread < 5, "largest distance of the scored inputs from the level: " + spread);
    }

    @Test
    void aRowsInputDependsOnItAndEarlierRowsOnly() {
        long[] t = times();
        for (Seasonality.Kind kind : Seasonality.Kind.values()) {
            double[] x = busyDays(t, 3);
            double[] changed = x.clone();
            for (int i = 1000; i < ROWS; i++) {
                changed[i] = 10 * changed[i] + 7;
            }
            Seasonality seasonality = new Seasonality(DAILY, kind);
            double[] a = run(seasonality, t, x);
            double[] b = run(seasonality, t, changed);
            for (int i = 0; i < 1000; i++) {
                assertEquals(a[i], b[i], 0.0, kind + " input of row " + i);
            }
            assertTrue(a[1000] != b[1000], kind + ": row 1000 itself changed");
        }
    }
}
