package io.odestream.eval.physionet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.odestream.latent.LatentOdeTraining.Series;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The metric definitions on hand-made forecasters: the truth scores 0, a constant offset d scores
 * d², interpolation skips each stay's first observation and missing values, extrapolation
 * conditions only on t &lt; 24 h and scores only t ≥ 24 h.
 */
class ForecastMseTest {
    private static final long HOUR = 3_600_000L;
    private static final double NAN = Double.NaN;

    /** Two stays, 2 channels, observations on both sides of 24 h, some values missing. */
    private static final List<Series> STAYS = List.of(
            new Series(new long[] {0, 2 * HOUR, 23 * HOUR, 24 * HOUR, 30 * HOUR},
                    new double[][] {{0.1, 0.2}, {0.3, NAN}, {0.5, 0.6}, {NAN, 0.8}, {0.9, 1.0}}),
            new Series(new long[] {HOUR, 25 * HOUR, 47 * HOUR},
                    new double[][] {{0.4, NAN}, {0.2, 0.3}, {NAN, NAN}}));

    /** Knows the stays, returns their values shifted by {@code offset}; records what it was given. */
    private static final class Oracle implements SequenceForecaster {
        final double offset;
        final List<long[]> conditionedOn = new ArrayList<>();
        final List<long[]> queried = new ArrayList<>();

        Oracle(double offset) {
            this.offset = offset;
        }

        private double[] truthAt(long t) {
            for (Series s : STAYS) {
                for (int k = 0; k < s.timesMillis().length; k++) {
                    if (s.timesMillis()[k] == t) {
                        return Arrays.stream(s.values()[k]).map(v -> v + offset).toArray();
                    }
                }
            }
            throw new AssertionError("queried at " + t + ", not an observation time");
        }

        @Override
        public double[][] oneStepAhead(long[] timesMillis, double[][] values) {
            return Arrays.stream(timesMillis).mapToObj(this::truthAt).toArray(double[][]::new);
        }

        @Override
        public double[][] predict(long[] timesMillis, double[][] values, long[] queryTimesMillis) {
            conditionedOn.add(timesMillis.clone());
            queried.add(queryTimesMillis.clone());
            return Arrays.stream(queryTimesMillis).mapToObj(this::truthAt).toArray(double[][]::new);
        }
    }

    @Test
    void theTruthScoresZero() {
        Oracle truth = new Oracle(0);
        assertEquals(0.0, ForecastMse.interpolation(truth, STAYS).mse());
        assertEquals(0.0, ForecastMse.extrapolation(truth, STAYS, ForecastMse.EXTRAPOLATION_CUTOFF_MILLIS).mse());
    }

    @Test
    void aConstantOffsetScoresItsSquareOverEveryObservedValueAfterTheFirstObservation() {
        Oracle off = new Oracle(0.25);
        ForecastMse.Mse interpolation = ForecastMse.interpolation(off, STAYS);
        // stay 1: observations 1..4 hold 1 + 2 + 1 + 2 observed values; stay 2: 2 + 0
        assertEquals(8, interpolation.values());
        assertEquals(0.0625, interpolation.mse(), 1e-15);
        ForecastMse.Mse extrapolation = ForecastMse.extrapolation(off, STAYS, ForecastMse.EXTRAPOLATION_CUTOFF_MILLIS);
        // t >= 24 h: stay 1 has 1 + 2 values, stay 2 has 2 + 0
        assertEquals(5, extrapolation.values());
        assertEquals(0.0625, extrapolation.mse(), 1e-15);
    }

    @Test
    void extrapolationConditionsOnlyBeforeTwentyFourHoursAndQueriesOnlyFromThere() {
        Oracle recorder = new Oracle(0);
        ForecastMse.extrapolation(recorder, STAYS, ForecastMse.EXTRAPOLATION_CUTOFF_MILLIS);
        assertEquals(2, recorder.conditionedOn.size());
        assertArrayEquals(new long[] {0, 2 * HOUR, 23 * HOUR}, recorder.conditionedOn.get(0));
        assertArrayEquals(new long[] {24 * HOUR, 30 * HOUR}, recorder.queried.get(0));
        assertArrayEquals(new long[] {HOUR}, recorder.conditionedOn.get(1));
        assertArrayEquals(new long[] {25 * HOUR, 47 * HOUR}, recorder.queried.get(1));
    }

    @Test
    void aForecasterThatIgnoresTheFutureIsPenalisedOnlyWhereItMatters() {
        // forecasts 0 everywhere: the MSE is the mean of the squared observed values scored
        SequenceForecaster zero = new SequenceForecaster() {
            @Override
            public double[][] oneStepAhead(long[] t, double[][] x) {
                return new double[t.length][2];
            }

            @Override
            public double[][] predict(long[] t, double[][] x, long[] q) {
                return new double[q.length][2];
            }
        };
        double interp = (0.09 + 0.25 + 0.36 + 0.64 + 0.81 + 1.0 + 0.04 + 0.09) / 8;
        assertEquals(interp, ForecastMse.interpolation(zero, STAYS).mse(), 1e-15);
        double extrap = (0.64 + 0.81 + 1.0 + 0.04 + 0.09) / 5;
        assertEquals(extrap, ForecastMse.extrapolation(zero, STAYS, ForecastMse.EXTRAPOLATION_CUTOFF_MILLIS).mse(),
                1e-15);
    }

    @Test
    void reconstructionReadsEveryObservedValueBackFromTheObservationsUpToIt() {
        // a baseline-style forecaster: each query conditioned on the observations at or before it
        List<long[]> queried = new ArrayList<>();
        SequenceForecaster echo = SequenceForecaster.of((t, x) -> x, (t, x, q) -> {
            queried.add(q.clone());
            return Arrays.stream(x).map(r -> Arrays.stream(r).map(v -> v + 0.5).toArray()).toArray(double[][]::new);
        });
        ForecastMse.Mse r = ForecastMse.reconstruction(echo, STAYS);
        // every observed value, the first observation's included: stay 1 has 8, stay 2 has 3
        assertEquals(11, r.values());
        assertEquals(0.25, r.mse(), 1e-15);
        assertArrayEquals(STAYS.get(0).timesMillis(), queried.get(0));
    }

    @Test
    void aForecasterWithoutABottleneckDoesNotReconstruct() {
        assertEquals(null, ForecastMse.reconstruction(LastValueForecaster.fromTraining(STAYS, 2), STAYS));
    }
}
