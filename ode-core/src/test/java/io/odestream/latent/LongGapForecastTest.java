package io.odestream.latent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.train.Trainer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The numerical rules of {@link ForecastLimits}, on a model trained on short gaps only (sine waves
 * sampled every ~0.3 s, consecutive windows of 8 observations, stride 1) and then asked about gaps
 * and horizons 100 times its trained horizon T:
 * <ul>
 *   <li>an update after such a gap is absorbed (no solver failure), is the update after a gap of T,
 *       and keeps the series' history;</li>
 *   <li>a forecast 100 T ahead is the training marginal: the channel's training mean and standard
 *       deviation;</li>
 *   <li>up to T a forecast is the model's own; beyond it the mean moves toward the marginal mean and
 *       the spread grows from the model's toward the marginal's;</li>
 *   <li>a query before the state is refused with its reason, the other points are still answered;</li>
 *   <li>a forecast outside the envelope is refused with its reason and served as no number.</li>
 * </ul>
 */
class LongGapForecastTest {
    private static final int SAMPLES = 64;
    private static LatentOdeModel model;
    private static LatentFilter filter;
    private static double horizonMillis;
    private static LatentOdeTraining.Series history;

    @BeforeAll
    static void trainOnShortGaps() {
        Random random = new Random(3);
        List<LatentOdeTraining.Series> train = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            train.add(LatentOdeCalibrationTest.sineSeries(random, 60));
        }
        LatentOdeTraining.Config config = new LatentOdeTraining.Config(8, 5, 8, 60, 0.01, 0.1, 4);
        LatentOdeSpec spec = LatentOdeTraining.normalisedFor(
                LatentOdeSpec.of(1, 3, 8, new int[] {16}, new int[] {16}, 1000.0), train);
        spec = spec.withHorizon(LatentOdeTraining.trainedHorizon(spec, train, config));
        model = LatentOdeModel.create(spec, 5);
        LatentOdeTraining.train(model, train, config, Trainer.ProgressListener.silent());
        filter = new LatentFilter(model, "sines", 1);
        horizonMillis = spec.horizon() * spec.timeUnitMillis();
        history = LatentOdeCalibrationTest.sineSeries(random, 12);
    }

    private static FilterState afterHistory() {
        FilterState state = filter.start(history.timesMillis()[0]);
        for (int k = 0; k < history.timesMillis().length; k++) {
            state = filter.update(state, history.timesMillis()[k], history.values()[k], null);
        }
        return state;
    }

    private static long ahead(FilterState state, double horizons) {
        return state.timeMillis() + Math.round(horizons * horizonMillis);
    }

    @Test
    void theTrainedHorizonIsAFewTrainingGapsSoAHundredOfThemIsFarOutsideWhatTheModelSaw() {
        // 3 gaps of ~0.3 s after the context: about a second
        assertTrue(horizonMillis > 300 && horizonMillis < 3000, "trained horizon " + horizonMillis + " ms");
    }

    @Test
    void anObservationAfterAHundredHorizonsIsAbsorbedAsAfterOneAndTheSeriesKeepsItsHistory() {
        FilterState state = afterHistory();
        double[] value = {0.5};
        FilterState afterLongGap = filter.update(state, ahead(state, 100), value, null);
        FilterState afterOneHorizon = filter.update(state, ahead(state, 1), value, null);
        for (double h : afterLongGap.hidden()) {
            assertTrue(Double.isFinite(h), "the encoder state stays finite");
        }
        assertArrayEquals(afterOneHorizon.hidden(), afterLongGap.hidden(), 0.0,
                "a gap longer than T is carried as T, the longest the encoder was trained on");
        FilterState forgotten = filter.update(filter.start(ahead(state, 100)), ahead(state, 100), value, null);
        assertFalse(Arrays.equals(forgotten.hidden(), afterLongGap.hidden()),
                "the history before the gap still shapes the state: it was not forgotten");
        assertEquals(ahead(state, 100), afterLongGap.timeMillis());
    }

    @Test
    void aForecastAHundredHorizonsAheadIsTheTrainingMarginal() {
        FilterState state = afterHistory();
        Prediction p = filter.predict(state, new long[] {ahead(state, 100)}, SAMPLES, 7);
        assertTrue(p.answered(0));
        LatentOdeSpec spec = model.spec();
        assertEquals(spec.channelMean()[0], p.mean()[0][0], 1e-9 * spec.channelStd()[0], "the training mean");
        assertEquals(spec.channelStd()[0], p.std()[0][0], 1e-9 * spec.channelStd()[0], "the training spread");
        double z = 1.6448536269514722; // the standard normal's 95 % quantile
        assertEquals(spec.channelMean()[0] - z * spec.channelStd()[0], p.q05()[0][0], 1e-6);
        assertEquals(spec.channelMean()[0] + z * spec.channelStd()[0], p.q95()[0][0], 1e-6);
    }

    @Test
    void upToTheHorizonAForecastIsTheModelsOwn() {
        FilterState state = afterHistory();
        long[] times = {ahead(state, 0.25), ahead(state, 0.5), ahead(state, 1)};
        Prediction limited = filter.predict(state, times, SAMPLES, 7);
        Prediction own = filter.reconstruct(state, times, SAMPLES, 7);
        for (int i = 0; i < times.length; i++) {
            assertArrayEquals(own.mean()[i], limited.mean()[i], 0.0);
            assertArrayEquals(own.std()[i], limited.std()[i], 0.0);
            assertArrayEquals(own.q05()[i], limited.q05()[i], 0.0);
        }
    }

    @Test
    void beyondTheHorizonTheMeanMovesTowardTheMarginalMeanAndTheSpreadGrowsTowardTheMarginalSpread() {
        FilterState state = afterHistory();
        double[] horizons = {1, 1.5, 2, 3, 5, 8, 13, 30, 100};
        long[] times = new long[horizons.length];
        for (int i = 0; i < horizons.length; i++) {
            times[i] = ahead(state, horizons[i]);
        }
        Prediction p = filter.predict(state, times, SAMPLES, 11);
        double mu = model.spec().channelMean()[0];
        double s = model.spec().channelStd()[0];
        double modelStd = p.std()[0][0];
        assertTrue(modelStd < 0.8 * s, "the trained model is sharper than the marginal at T: " + modelStd + " vs " + s);
        for (int i = 1; i < horizons.length; i++) {
            String at = horizons[i] + " T: mean " + p.mean()[i][0] + ", std " + p.std()[i][0];
            assertTrue(Math.abs(p.mean()[i][0] - mu) <= Math.abs(p.mean()[i - 1][0] - mu) + 1e-12,
                    "the mean only approaches the marginal mean, " + at);
            assertTrue(p.std()[i][0] >= Math.min(modelStd, s) - 1e-12, "never sharper than the model at T, " + at);
            assertTrue(p.q95()[i][0] - p.q05()[i][0] >= p.q95()[0][0] - p.q05()[0][0] - 1e-9,
                    "the 90 % interval never narrows below the model's at T, " + at);
        }
        assertTrue(p.std()[4][0] > modelStd * 1.2, "five horizons out the spread has grown: " + p.std()[4][0]);
        assertEquals(s, p.std()[horizons.length - 1][0], 1e-9 * s);
    }

    @Test
    void aQueryBeforeTheStateIsRefusedWithItsReasonAndTheOtherPointsAreAnswered() {
        FilterState state = afterHistory();
        long before = state.timeMillis() - 500;
        Prediction p = filter.predict(state, new long[] {ahead(state, 0.5), before, ahead(state, 1000)}, SAMPLES, 3);
        assertTrue(p.answered(0));
        assertTrue(p.answered(2), "a far query is answered, not refused for its distance");
        assertFalse(p.answered(1));
        assertTrue(p.refused()[1].contains("before the series' state"), p.refused()[1]);
        assertTrue(Double.isNaN(p.mean()[1][0]) && Double.isNaN(p.q95()[1][0]), "a refused point has no number");
        assertEquals(1, p.refusedCount());
    }

    @Test
    void aForecastOutsideTheEnvelopeIsRefusedWithItsReasonNotServedAsANumber() {
        LatentOdeModel wild = LatentOdeModel.fromArtifact(model.toArtifact("wild", 1, null, java.util.Map.of(),
                java.util.Map.of()));
        for (var slice : wild.parameters().slices()) {
            if (slice.name().equals("readout.0.bias")) {
                wild.parameters().values()[slice.offset()] = 1e4; // 10 000 training σ off: a broken readout
            }
        }
        wild.parametersChanged();
        LatentFilter f = new LatentFilter(wild, "wild", 1);
        FilterState state = f.update(f.start(1_000), 1_000, new double[] {0.1}, null);
        Prediction p = f.predict(state, new long[] {1_200, 1_000_000_000L}, SAMPLES, 5);
        assertFalse(p.answered(0));
        assertTrue(p.refused()[0].contains("leaves the envelope of 100.0 training standard deviations"), p.refused()[0]);
        assertTrue(Double.isNaN(p.mean()[0][0]) && Double.isNaN(p.std()[0][0]) && Double.isNaN(p.q50()[0][0]));
        assertTrue(p.answered(1), "a million horizons ahead the marginal is served even for a broken model");
        assertNull(p.refused()[1]);

        LatentFilter wider = new LatentFilter(wild, "wild", 1, 1e5);
        assertTrue(wider.predict(state, new long[] {1_200}, SAMPLES, 5).answered(0), "the envelope is configurable");
    }

    @Test
    void theRnnEncoderIsFedAGapOfAtMostTheHorizon() {
        LatentOdeSpec spec = LatentOdeSpec.of(1, 2, 4, new int[] {4}, new int[] {4}, 1000.0)
                .withEncoder(LatentOdeSpec.Encoder.RNN).withHorizon(2.5);
        double[] x = new double[2];
        double[] m = new double[2];
        EncoderInput.fill(spec, 1_000, new double[] {0}, null, x, m, 0);
        assertEquals(1.0, x[1], "a trained gap as it is");
        EncoderInput.fill(spec, 250_000, new double[] {0}, null, x, m, 0);
        assertEquals(2.5, x[1], "100 horizons: the horizon");
    }

    @Test
    void aModelWithoutARecordedHorizonHasTheDefaultOne() {
        LatentOdeSpec spec = LatentOdeSpec.of(1, 2, 4, new int[] {4}, new int[] {4}, 1000.0);
        assertNull(spec.horizon());
        assertEquals(ForecastLimits.DEFAULT_HORIZON_UNITS, ForecastLimits.of(spec).horizonUnits());
        assertFalse(spec.toJson().contains("horizon"), "older specs keep their JSON, so their checksums");
        LatentOdeSpec recorded = spec.withHorizon(3.0);
        assertEquals(recorded, LatentOdeSpec.fromJson(recorded.toJson()));
        assertNotNull(LatentOdeSpec.fromJson(recorded.toJson()).horizon());
    }

    /**
     * The observation skip fitted on the same short gaps (one-step forecasts of the training sines
     * through the filter), served after gaps 100 times the trained horizon: every point is answered
     * with finite numbers, its spread grows with the horizon, and 100 horizons ahead it is the training
     * marginal, as the model's own forecast is.
     */
    @Test
    void withAnObservationSkipFittedOnShortGapsAHundredHorizonsAheadIsStillTheTrainingMarginal() {
        Random random = new Random(11);
        LatentOdeSpec spec = model.spec();
        ObservationSkip.Fit fit = new ObservationSkip.Fit(new long[] {300, 600, 1200}, spec.channelMean());
        for (int i = 0; i < 8; i++) {
            LatentOdeTraining.Series s = LatentOdeCalibrationTest.sineSeries(random, 40);
            FilterState state = filter.start(s.timesMillis()[0]);
            for (int k = 0; k < s.timesMillis().length; k++) {
                long t = s.timesMillis()[k];
                if (k > 0) {
                    double forecast = filter.predict(state, new long[] {t}, 8, k, false).mean()[0][0];
                    fit.add(0, t, state.lastObservedMillis()[0], state.lastValues()[0], forecast, s.values()[k][0]);
                }
                state = filter.update(state, t, s.values()[k], null);
            }
        }
        ObservationSkip skip = fit.solve(true);
        LatentFilter served = new LatentFilter(model.withSkip(skip), "sines", 1);
        FilterState state = served.start(history.timesMillis()[0]);
        for (int k = 0; k < history.timesMillis().length; k++) {
            state = served.update(state, history.timesMillis()[k], history.values()[k], null);
        }
        long[] times = {ahead(state, 0.5), ahead(state, 1), ahead(state, 2), ahead(state, 10), ahead(state, 100)};

        Prediction p = served.predict(state, times, SAMPLES, 7);

        for (int i = 0; i < times.length; i++) {
            assertTrue(p.answered(i), p.refused()[i]);
            assertTrue(Double.isFinite(p.mean()[i][0]) && p.std()[i][0] > 0, "point " + i);
        }
        for (int i = 2; i < times.length; i++) {
            assertTrue(p.std()[i][0] > p.std()[i - 1][0], "the spread grows beyond the horizon: "
                    + Arrays.deepToString(p.std()));
        }
        assertEquals(spec.channelMean()[0], p.mean()[4][0], 1e-9 * spec.channelStd()[0], "the training mean");
        assertEquals(spec.channelStd()[0], p.std()[4][0], 1e-9 * spec.channelStd()[0], "the training spread");
        FilterState afterLongGap = served.update(state, ahead(state, 100), new double[] {0.5}, null);
        assertArrayEquals(new double[] {0.5}, afterLongGap.lastValues(), 0.0);
        assertTrue(served.predict(afterLongGap, new long[] {ahead(afterLongGap, 0.5)}, SAMPLES, 7).answered(0));
    }
}
