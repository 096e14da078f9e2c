package io.odestream.eval.physionet;

import io.odestream.latent.LatentOdeTraining.Series;
import java.util.Arrays;
import java.util.List;

/**
 * GRU-D's decay (Che et al. 2018) as a skip around any forecaster: per channel j, the forecast is
 * {@code a·last_j + b·model_j + c}, where {@code last_j} is the channel's last observed value (its
 * training mean before the first one), {@code model_j} the wrapped model's forecast and the three
 * coefficients depend on the channel and on how long ago it was observed (one set per
 * {@link #binOf time-since-observed bin}). With {@code b = 0} this is the decay of the last
 * observation toward the channel's mean ({@code c / (1 − a)}) as the observation ages, with
 * {@code a = 1, b = c = 0} it is last-value carried forward, with {@code a = 0, b = 1} the model
 * alone: the fit decides, per channel and age, how far the model is trusted over the observation.
 *
 * <p>Fitted after the model is trained, on its forecasts of the training stays, by ridge least
 * squares shrunk toward last-value (a = 1, b = c = 0), so a bin with few values stays near the
 * observation; one set for one step ahead, one for forecasts across a gap ({@link #fit}). Why after, not end to end: the same skip then serves every model of the
 * table unchanged (latent ODE, ODE-RNN, RNN-Δt) and costs one pass over the training stays.
 *
 * <p>The predictive distribution is Gaussian around the forecast with the bin's training residual
 * standard deviation ({@link #oneStepAheadZ} gives the z-scores of observed values under it).
 */
public final class ObservationSkip implements SequenceForecaster, ZScoreForecaster {
    /** Upper edges (hours since the channel was observed) of the age bins; one more bin above, one for never. */
    static final double[] BIN_EDGES_HOURS = {1.5, 3, 6, 12, 24};
    static final int BINS = BIN_EDGES_HOURS.length + 2;
    static final int NEVER = BINS - 1;
    /** Ridge strength toward last-value, in the units of the normal equations (summed squares of [0, 1] values). */
    static final double RIDGE = 1.0;
    /** Bins with fewer training values take the channel's pooled residual spread. */
    static final int MIN_VALUES_FOR_OWN_SPREAD = 30;
    private static final long HOUR_MILLIS = 3_600_000L;

    private final SequenceForecaster model;
    private final double[] fallback;
    /** For one-step-ahead forecasts: [channel][bin][a, b, c] and the residual spread [channel][bin]. */
    private final Coefficients oneStep;
    /** For {@link #predict} (forecasts across a gap without observations): fitted on such forecasts. */
    private final Coefficients ahead;

    private ObservationSkip(SequenceForecaster model, double[] fallback, Coefficients oneStep, Coefficients ahead) {
        this.model = model;
        this.fallback = fallback;
        this.oneStep = oneStep;
        this.ahead = ahead;
    }

    /**
     * Fits two sets of coefficients on the training stays: one on the model's one-step-ahead
     * forecasts ({@link #oneStepAhead}), one on its forecasts of every observation at or after
     * {@code cutoffMillis} from those before it ({@link #predict}): how far the last observation is
     * to be trusted differs between the next observation and a long run of forecasts (the last
     * value's age then grows for every channel, vitals included, which one step ahead never sees).
     *
     * @param model        the trained model, or null for the decay alone (no network: b = 0)
     * @param train        the (normalised) training stays the coefficients are fitted on
     * @param channels     values per row
     * @param cutoffMillis where the training stays are cut for fitting {@link #predict}'s coefficients
     */
    public static ObservationSkip fit(SequenceForecaster model, List<Series> train, int channels, long cutoffMillis) {
        if (train == null || train.isEmpty()) {
            throw new IllegalArgumentException("train must hold at least one stay to fit the skip on");
        }
        double[] fallback = LastValueForecaster.fromTraining(train, channels).fallback();
        NormalEquations oneStep = new NormalEquations(channels);
        NormalEquations ahead = new NormalEquations(channels);
        for (Series s : train) {
            long[] t = s.timesMillis();
            int n = t.length;
            if (n < 2) {
                continue;
            }
            double[][] forecast = model == null ? null : model.oneStepAhead(t, s.values());
            Ages ages = new Ages(fallback);
            for (int k = 0; k < n; k++) {
                double[] row = s.values()[k];
                for (int j = 0; k > 0 && j < channels; j++) {
                    if (Double.isFinite(row[j])) {
                        oneStep.add(j, ages.bin(j, t[k]), ages.last[j], forecast == null ? 0.0 : forecast[k][j],
                                row[j]);
                    }
                }
                ages.absorb(t[k], row);
            }
            int context = 0;
            while (context < n && t[context] < cutoffMillis) {
                context++;
            }
            if (context == 0 || context == n) {
                continue;
            }
            long[] queries = Arrays.copyOfRange(t, context, n);
            double[][] later = model == null ? null
                    : model.predict(Arrays.copyOf(t, context), Arrays.copyOf(s.values(), context), queries);
            Ages seen = new Ages(fallback);
            for (int k = 0; k < context; k++) {
                seen.absorb(t[k], s.values()[k]);
            }
            for (int q = 0; q < queries.length; q++) {
                double[] row = s.values()[context + q];
                for (int j = 0; j < channels; j++) {
                    if (Double.isFinite(row[j])) {
                        ahead.add(j, seen.bin(j, queries[q]), seen.last[j], later == null ? 0.0 : later[q][j], row[j]);
                    }
                }
            }
        }
        return new ObservationSkip(model, fallback, oneStep.solve(model != null), ahead.solve(model != null));
    }

    /** The coefficients of one use: [channel][bin][a, b, c] and the residual spread [channel][bin]. */
    private record Coefficients(double[][][] beta, double[][] spread) {
    }

    /** The normal equations of every channel and age bin over the regressors (last, model, 1). */
    private static final class NormalEquations {
        private static final int P = 3;
        final double[][][] xtx;
        final double[][][] xty;
        final double[][] yy;
        final long[][] count;
        private final double[] x = new double[P];

        NormalEquations(int channels) {
            xtx = new double[channels][BINS][P * P];
            xty = new double[channels][BINS][P];
            yy = new double[channels][BINS];
            count = new long[channels][BINS];
        }

        void add(int j, int bin, double last, double modelForecast, double y) {
            x[0] = last;
            x[1] = modelForecast;
            x[2] = 1.0;
            for (int r = 0; r < P; r++) {
                for (int q = 0; q < P; q++) {
                    xtx[j][bin][r * P + q] += x[r] * x[q];
                }
                xty[j][bin][r] += x[r] * y;
            }
            yy[j][bin] += y * y;
            count[j][bin]++;
        }

        Coefficients solve(boolean withModel) {
            int channels = xtx.length;
            double[][][] beta = new double[channels][BINS][];
            double[][] spread = new double[channels][BINS];
            for (int j = 0; j < channels; j++) {
                double pooledSse = 0;
                long pooledCount = 0;
                double[] sse = new double[BINS];
                for (int b = 0; b < BINS; b++) {
                    double[] coefficients = ridge(xtx[j][b], xty[j][b], withModel);
                    beta[j][b] = coefficients;
                    // Σ (y − xβ)² = yy − 2 βᵀXᵀy + βᵀXᵀXβ
                    double quad = 0;
                    double lin = 0;
                    for (int r = 0; r < P; r++) {
                        lin += coefficients[r] * xty[j][b][r];
                        for (int q = 0; q < P; q++) {
                            quad += coefficients[r] * xtx[j][b][r * P + q] * coefficients[q];
                        }
                    }
                    sse[b] = Math.max(yy[j][b] - 2 * lin + quad, 0);
                    pooledSse += sse[b];
                    pooledCount += count[j][b];
                }
                double pooled = pooledCount == 0 ? 1.0 : Math.sqrt(pooledSse / pooledCount);
                for (int b = 0; b < BINS; b++) {
                    double own = count[j][b] >= MIN_VALUES_FOR_OWN_SPREAD ? Math.sqrt(sse[b] / count[j][b]) : pooled;
                    spread[j][b] = Math.max(own, 1e-6);
                }
            }
            return new Coefficients(beta, spread);
        }
    }

    /** Solves (XᵀX + λI) β = Xᵀy + λ β₀ with β₀ = last-value; without a model its column is fixed at 0. */
    static double[] ridge(double[] xtx, double[] xty, boolean withModel) {
        double[] prior = {1.0, 0.0, 0.0};
        int[] used = withModel ? new int[] {0, 1, 2} : new int[] {0, 2};
        int m = used.length;
        double[][] a = new double[m][m + 1];
        for (int r = 0; r < m; r++) {
            for (int q = 0; q < m; q++) {
                a[r][q] = xtx[used[r] * 3 + used[q]] + (r == q ? RIDGE : 0.0);
            }
            a[r][m] = xty[used[r]] + RIDGE * prior[used[r]];
        }
        // Gaussian elimination with partial pivoting: the matrix is symmetric positive definite (ridge)
        for (int col = 0; col < m; col++) {
            int pivot = col;
            for (int r = col + 1; r < m; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
                    pivot = r;
                }
            }
            double[] tmp = a[col];
            a[col] = a[pivot];
            a[pivot] = tmp;
            for (int r = col + 1; r < m; r++) {
                double f = a[r][col] / a[col][col];
                for (int q = col; q <= m; q++) {
                    a[r][q] -= f * a[col][q];
                }
            }
        }
        double[] solution = new double[m];
        for (int r = m - 1; r >= 0; r--) {
            double v = a[r][m];
            for (int q = r + 1; q < m; q++) {
                v -= a[r][q] * solution[q];
            }
            solution[r] = v / a[r][r];
        }
        double[] beta = new double[3];
        for (int r = 0; r < m; r++) {
            beta[used[r]] = solution[r];
        }
        return beta;
    }

    /** The age bin of a channel last observed {@code ageMillis} ago (negative: never observed). */
    static int binOf(long ageMillis) {
        if (ageMillis < 0) {
            return NEVER;
        }
        double hours = ageMillis / (double) HOUR_MILLIS;
        for (int b = 0; b < BIN_EDGES_HOURS.length; b++) {
            if (hours <= BIN_EDGES_HOURS[b]) {
                return b;
            }
        }
        return BIN_EDGES_HOURS.length;
    }

    /** The one-step-ahead coefficients {a, b, c} of a channel and age bin (for tests). */
    double[] oneStepCoefficients(int channel, int bin) {
        return oneStep.beta()[channel][bin].clone();
    }

    @Override
    public double[][] oneStepAhead(long[] timesMillis, double[][] values) {
        return oneStep(timesMillis, values, null);
    }

    @Override
    public double[][] oneStepAheadZ(long[] timesMillis, double[][] values) {
        double[][] z = new double[timesMillis.length][];
        oneStep(timesMillis, values, z);
        return z;
    }

    private double[][] oneStep(long[] timesMillis, double[][] values, double[][] zOut) {
        int n = timesMillis.length;
        double[][] forecast = model == null ? null : model.oneStepAhead(timesMillis, values);
        double[][] out = new double[n][];
        Ages ages = new Ages(fallback);
        for (int k = 0; k < n; k++) {
            out[k] = new double[fallback.length];
            if (zOut != null) {
                zOut[k] = new double[fallback.length];
                Arrays.fill(zOut[k], Double.NaN);
            }
            for (int j = 0; j < fallback.length; j++) {
                int bin = ages.bin(j, timesMillis[k]);
                out[k][j] = combine(oneStep, j, bin, ages.last[j], forecast == null ? 0.0 : forecast[k][j]);
                if (zOut != null && Double.isFinite(values[k][j])) {
                    zOut[k][j] = (values[k][j] - out[k][j]) / oneStep.spread()[j][bin];
                }
            }
            ages.absorb(timesMillis[k], values[k]);
        }
        return out;
    }

    @Override
    public double[][] predict(long[] timesMillis, double[][] values, long[] queryTimesMillis) {
        double[][] forecast = model == null ? null : model.predict(timesMillis, values, queryTimesMillis);
        Ages ages = new Ages(fallback);
        for (int k = 0; k < timesMillis.length; k++) {
            ages.absorb(timesMillis[k], values[k]);
        }
        double[][] out = new double[queryTimesMillis.length][fallback.length];
        for (int q = 0; q < out.length; q++) {
            for (int j = 0; j < fallback.length; j++) {
                out[q][j] = combine(ahead, j, ages.bin(j, queryTimesMillis[q]), ages.last[j],
                        forecast == null ? 0.0 : forecast[q][j]);
            }
        }
        return out;
    }

    private static double combine(Coefficients use, int j, int bin, double last, double modelForecast) {
        double[] beta = use.beta()[j][bin];
        return beta[0] * last + beta[1] * modelForecast + beta[2];
    }

    /** Per channel the last observed value (the training mean before it) and when it was observed. */
    private static final class Ages {
        final double[] last;
        final long[] observedAt;

        Ages(double[] fallback) {
            last = fallback.clone();
            observedAt = new long[fallback.length];
            Arrays.fill(observedAt, Long.MIN_VALUE);
        }

        int bin(int j, long t) {
            return observedAt[j] == Long.MIN_VALUE ? NEVER : binOf(Math.max(t - observedAt[j], 0));
        }

        void absorb(long t, double[] row) {
            for (int j = 0; j < row.length; j++) {
                if (Double.isFinite(row[j])) {
                    last[j] = row[j];
                    observedAt[j] = t;
                }
            }
        }
    }
}
