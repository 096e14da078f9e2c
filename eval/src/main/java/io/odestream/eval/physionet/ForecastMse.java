package io.odestream.eval.physionet;

import io.odestream.latent.LatentOdeTraining.Series;
import java.util.Arrays;
import java.util.List;

/**
 * The two PhysioNet metrics, pooled over every predicted observed value of every stay (in the
 * normalised units the stays are given in; the table reports them ×10⁻³):
 * <ul>
 *   <li><b>interpolation</b>: a causal filter cannot "reconstruct" a point it has absorbed, so every
 *       observed value of every observation k ≥ 1 of a stay is predicted at its exact time from
 *       the observations strictly before it ({@link SequenceForecaster#oneStepAhead}, one step
 *       ahead). Rubanova et al. instead reconstruct points the encoder has seen (an easier task).</li>
 *   <li><b>extrapolation</b>: condition on the observations at t &lt; {@code cutoff} (24 h, the first
 *       half of the 48 h), predict every observed value at t ≥ cutoff
 *       ({@link SequenceForecaster#predict}); a stay with no observation after the cut-off adds
 *       nothing, one with none before it is predicted from no conditioning.</li>
 * </ul>
 * MSE = Σ (forecast − value)² / (number of observed values predicted); missing values (NaN) are
 * neither predicted nor counted.
 */
public final class ForecastMse {
    /** Rubanova et al.'s extrapolation split of the 48 h stays. */
    public static final long EXTRAPOLATION_CUTOFF_MILLIS = 24L * 3_600_000L;

    /** A pooled squared error: its sum and the number of values in it. */
    public record Mse(double sumSquares, long values) {
        public double mse() {
            return values == 0 ? Double.NaN : sumSquares / values;
        }

        Mse plus(Mse other) {
            return new Mse(sumSquares + other.sumSquares, values + other.values);
        }
    }

    private ForecastMse() {
    }

    public static Mse interpolation(SequenceForecaster model, List<Series> stays) {
        Mse total = new Mse(0, 0);
        for (Series s : stays) {
            int n = s.timesMillis().length;
            if (n < 2) {
                continue;
            }
            double[][] forecast = model.oneStepAhead(s.timesMillis(), s.values());
            if (forecast.length != n) {
                throw new IllegalStateException("oneStepAhead returned " + forecast.length + " rows for " + n
                        + " observations");
            }
            total = total.plus(squaredErrors(forecast, s.values(), 1, n));
        }
        return total;
    }

    /**
     * The paper's interpolation as our causal models can do it: every observed value of every
     * observation (k ≥ 0) read back at its time from observations 0..k
     * ({@link SequenceForecaster#reconstruct}); null when the forecaster does not reconstruct.
     */
    public static Mse reconstruction(SequenceForecaster model, List<Series> stays) {
        Mse total = new Mse(0, 0);
        for (Series s : stays) {
            int n = s.timesMillis().length;
            if (n == 0) {
                continue;
            }
            double[][] read = model.reconstruct(s.timesMillis(), s.values());
            if (read == null) {
                return null;
            }
            if (read.length != n) {
                throw new IllegalStateException("reconstruct returned " + read.length + " rows for " + n
                        + " observations");
            }
            total = total.plus(squaredErrors(read, s.values(), 0, n));
        }
        return total;
    }

    public static Mse extrapolation(SequenceForecaster model, List<Series> stays, long cutoffMillis) {
        Mse total = new Mse(0, 0);
        for (Series s : stays) {
            long[] t = s.timesMillis();
            int context = 0;
            while (context < t.length && t[context] < cutoffMillis) {
                context++;
            }
            if (context == t.length) {
                continue;
            }
            long[] queries = Arrays.copyOfRange(t, context, t.length);
            double[][] forecast = model.predict(Arrays.copyOf(t, context), Arrays.copyOf(s.values(), context),
                    queries);
            if (forecast.length != queries.length) {
                throw new IllegalStateException("predict returned " + forecast.length + " rows for "
                        + queries.length + " queries");
            }
            double[][] truth = Arrays.copyOfRange(s.values(), context, t.length);
            total = total.plus(squaredErrors(forecast, truth, 0, queries.length));
        }
        return total;
    }

    private static Mse squaredErrors(double[][] forecast, double[][] truth, int from, int to) {
        double sum = 0;
        long count = 0;
        for (int k = from; k < to; k++) {
            for (int j = 0; j < truth[k].length; j++) {
                if (Double.isFinite(truth[k][j])) {
                    double e = forecast[k][j] - truth[k][j];
                    sum += e * e;
                    count++;
                }
            }
        }
        return new Mse(sum, count);
    }
}
