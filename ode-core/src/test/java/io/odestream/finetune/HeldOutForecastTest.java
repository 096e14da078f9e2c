package io.odestream.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.latent.FilterState;
import io.odestream.latent.LatentFilter;
import io.odestream.latent.LatentOdeModel;
import io.odestream.latent.Prediction;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the held-out forecast metrics measure: the filter absorbs a window's context and forecasts its
 * horizon without absorbing it, so a horizon equal to the forecast mean has no error, a horizon moved
 * by d has an error of exactly d, and values far outside the 5–95 % interval are not covered.
 */
class HeldOutForecastTest {
    private static final int LENGTH = 8;
    private static final int SPLIT = 5;
    private static final int SAMPLES = 16;
    private static final long SEED = 77;

    private final LatentFilter filter = new LatentFilter(LatentOdeModel.create(FineTuneRoundTest.SPEC, 5), "m", 1);

    private static long[] times() {
        long[] t = new long[LENGTH];
        for (int k = 0; k < LENGTH; k++) {
            t[k] = FineTuneRoundTest.START + 1_000L * k + (k * k) * 37L; // irregular gaps
        }
        return t;
    }

    /** A window whose context is a sine and whose horizon is the filter's own forecast mean plus {@code shift}. */
    private TrainingWindow window(double shift) {
        long[] t = times();
        double[][] rows = new double[LENGTH][1];
        FilterState state = filter.start(t[0]);
        for (int k = 0; k < SPLIT; k++) {
            rows[k][0] = Math.sin(0.7 * k);
            state = filter.update(state, t[k], rows[k], null);
        }
        long[] horizon = java.util.Arrays.copyOfRange(t, SPLIT, LENGTH);
        Prediction p = filter.predict(state, horizon, SAMPLES, HeldOutForecast.windowSeed(SEED, 0));
        for (int k = SPLIT; k < LENGTH; k++) {
            rows[k][0] = p.mean()[k - SPLIT][0] + shift;
        }
        return new TrainingWindow("s", t, rows, SPLIT);
    }

    @Test
    void aHorizonAtTheForecastMeanHasNoErrorAndIsCovered() {
        ForecastMetrics m = HeldOutForecast.of(filter, List.of(window(0)), SAMPLES, SEED);
        assertEquals(0, m.mae(), 1e-12);
        assertEquals(1.0, m.coverage90());
        assertEquals(LENGTH - SPLIT, m.observations(), "every horizon observation, none of the context");
        assertTrue(Double.isFinite(m.nllPerObservation()));
    }

    @Test
    void theErrorIsTheDistanceFromTheForecastMeanAndFarValuesAreNotCovered() {
        ForecastMetrics atMean = HeldOutForecast.of(filter, List.of(window(0)), SAMPLES, SEED);
        ForecastMetrics shifted = HeldOutForecast.of(filter, List.of(window(-0.25)), SAMPLES, SEED);
        assertEquals(0.25, shifted.mae(), 1e-12, "the horizon is forecast, never absorbed: moving it moves no forecast");
        ForecastMetrics far = HeldOutForecast.of(filter, List.of(window(40)), SAMPLES, SEED);
        assertEquals(40, far.mae(), 1e-9);
        assertEquals(0.0, far.coverage90());
        assertTrue(far.nllPerObservation() > shifted.nllPerObservation()
                && shifted.nllPerObservation() > atMean.nllPerObservation(), atMean + " " + shifted + " " + far);
    }

    @Test
    void missingHorizonValuesAreNotCountedAndTheSameInputsGiveTheSameNumbers() {
        TrainingWindow w = window(0.5);
        double[][] rows = new double[LENGTH][1];
        long[] t = times();
        for (int k = 0; k < LENGTH; k++) {
            rows[k][0] = k == LENGTH - 1 ? Double.NaN : w.value(k, 0);
        }
        ForecastMetrics gap = HeldOutForecast.of(filter, List.of(new TrainingWindow("s", t, rows, SPLIT)), SAMPLES, SEED);
        assertEquals(LENGTH - SPLIT - 1, gap.observations());
        assertEquals(0.5, gap.mae(), 1e-12);
        assertEquals(HeldOutForecast.of(filter, List.of(w, w), SAMPLES, SEED).observations(), 2L * (LENGTH - SPLIT));
        assertEquals(HeldOutForecast.of(filter, List.of(w), SAMPLES, SEED),
                HeldOutForecast.of(filter, List.of(w), SAMPLES, SEED), "seeded: a model measured twice agrees");
    }

    @Test
    void windowsWithoutAnyObservedHorizonValueAreRefused() {
        double[][] rows = new double[LENGTH][1];
        for (int k = 0; k < LENGTH; k++) {
            rows[k][0] = k < SPLIT ? 1.0 : Double.NaN;
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HeldOutForecast.of(filter, List.of(new TrainingWindow("s", times(), rows, SPLIT)), SAMPLES, SEED));
        assertTrue(e.getMessage().contains("no held-out window has an observed horizon value"), e.getMessage());
    }
}
