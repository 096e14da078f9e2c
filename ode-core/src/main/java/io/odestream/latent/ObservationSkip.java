package io.odestream.latent;

import java.util.Arrays;

/**
 * GRU-D's decay (Che et al. 2018) as a skip around the latent ODE's forecast, what the job serves
 * when a model carries one ({@link LatentOdeSpec#skip()}): per channel j the forecast mean is
 * {@code a·last_j + b·model_j + c}, where {@code last_j} is the channel's last observed value (its
 * {@code fallback} before the first one), {@code model_j} the model's predictive mean, and the three
 * coefficients depend on the channel and on how long ago it was observed (one set per age bin,
 * {@link #bin}). With {@code b = 0} this is the decay of the last observation toward the channel's
 * mean ({@code c / (1 − a)}) as the observation ages; with {@code a = 1, b = c = 0} it is last-value
 * carried forward; with {@code a = 0, b = 1, c = 0} the model alone. The fit decides, per channel
 * and age, how far the model is trusted over the observation.
 *
 * <p>The predictive distribution is Gaussian around that mean with the bin's training residual
 * standard deviation ({@code spread}): the residual of the combined forecast on the training data
 * is its calibrated error, which the model's own mixture was not (66 % coverage of a 90 % interval
 * on PhysioNet). Values are in the data's units, the units the filter is updated with.
 *
 * <p>Fitted after training ({@link Fit}), by ridge least squares shrunk toward last value, so a bin
 * with few values stays near the observation. Why after, not end to end: the same fit serves every
 * model (the eval fits it around its baselines too) and costs one pass over the training series.
 *
 * @param binEdgesMillis upper edges of the age bins (ms since the channel was observed), increasing;
 *                       one more bin above the last edge, and one for "never observed"
 * @param fallback       per channel the value standing in for {@code last} before its first observation
 *                       (its training mean)
 * @param coefficients   [channel][bin][a, b, c]
 * @param spread         [channel][bin], the residual standard deviation, &gt; 0
 */
public record ObservationSkip(long[] binEdgesMillis, double[] fallback, double[][][] coefficients, double[][] spread) {
    /** Ridge strength toward last-value, in the units of the normal equations (summed squares of the values). */
    static final double RIDGE = 1.0;
    /** Bins with fewer training values take the channel's pooled residual spread. */
    static final int MIN_VALUES_FOR_OWN_SPREAD = 30;
    /** z of the 95 % quantile of a standard normal: the served 5 / 95 % quantiles are mean ∓ this many spreads. */
    static final double Z95 = 1.6448536269514722;

    public ObservationSkip {
        require(binEdgesMillis != null && fallback != null && coefficients != null && spread != null,
                "binEdgesMillis, fallback, coefficients and spread are all required");
        for (int b = 0; b < binEdgesMillis.length; b++) {
            require(binEdgesMillis[b] >= 0 && (b == 0 || binEdgesMillis[b] > binEdgesMillis[b - 1]),
                    "bin edges must be >= 0 and increasing, got " + Arrays.toString(binEdgesMillis));
        }
        int channels = fallback.length;
        int bins = binEdgesMillis.length + 2;
        require(channels >= 1 && coefficients.length == channels && spread.length == channels,
                "fallback, coefficients and spread need one entry per channel (" + channels + ")");
        for (int j = 0; j < channels; j++) {
            require(Double.isFinite(fallback[j]), "channel " + j + " has a non-finite fallback " + fallback[j]);
            require(coefficients[j] != null && coefficients[j].length == bins && spread[j] != null
                    && spread[j].length == bins, "channel " + j + " needs " + bins + " bins of coefficients and spread");
            for (int b = 0; b < bins; b++) {
                double[] beta = coefficients[j][b];
                require(beta != null && beta.length == 3 && Double.isFinite(beta[0]) && Double.isFinite(beta[1])
                        && Double.isFinite(beta[2]), "channel " + j + " bin " + b + " needs three finite coefficients");
                require(spread[j][b] > 0 && Double.isFinite(spread[j][b]),
                        "channel " + j + " bin " + b + " has spread " + spread[j][b] + "; it must be finite and > 0");
            }
        }
        binEdgesMillis = binEdgesMillis.clone();
        fallback = fallback.clone();
        coefficients = deepCopy(coefficients);
        spread = deepCopy(spread);
    }

    /** Last value carried forward (a = 1, b = c = 0) in every bin, with unit spread: the neutral skip. */
    public static ObservationSkip lastValue(long[] binEdgesMillis, double[] fallback) {
        int bins = binEdgesMillis.length + 2;
        double[][][] beta = new double[fallback.length][bins][];
        double[][] spread = new double[fallback.length][bins];
        for (int j = 0; j < fallback.length; j++) {
            for (int b = 0; b < bins; b++) {
                beta[j][b] = new double[] {1, 0, 0};
                spread[j][b] = 1;
            }
        }
        return new ObservationSkip(binEdgesMillis, fallback, beta, spread);
    }

    public int channels() {
        return fallback.length;
    }

    /** The bin of a value never observed. */
    public int neverBin() {
        return binEdgesMillis.length + 1;
    }

    /** The age bin of a channel last observed {@code ageMillis} ago (negative: never observed). */
    public int bin(long ageMillis) {
        if (ageMillis < 0) {
            return neverBin();
        }
        for (int b = 0; b < binEdgesMillis.length; b++) {
            if (ageMillis <= binEdgesMillis[b]) {
                return b;
            }
        }
        return binEdgesMillis.length;
    }

    /**
     * The age bin of channel j at {@code timeMillis} for a series whose channel was last observed at
     * {@code lastObservedMillis} ({@link Long#MIN_VALUE}: never); a query before that reads as age 0.
     */
    public int bin(long timeMillis, long lastObservedMillis) {
        return lastObservedMillis == Long.MIN_VALUE ? neverBin() : bin(Math.max(timeMillis - lastObservedMillis, 0));
    }

    /** The forecast mean of channel j in {@code bin}: {@code a·last + b·model + c} ({@code last} NaN: the fallback). */
    public double mean(int j, int bin, double last, double modelMean) {
        double[] beta = coefficients[j][bin];
        return beta[0] * (Double.isNaN(last) ? fallback[j] : last) + beta[1] * modelMean + beta[2];
    }

    /** The predictive standard deviation of channel j in {@code bin}. */
    public double spread(int j, int bin) {
        return spread[j][bin];
    }

    /** The coefficients {a, b, c} of channel j in {@code bin} (a copy). */
    public double[] coefficients(int j, int bin) {
        return coefficients[j][bin].clone();
    }

    /** A last-value memory of {@code channels} never observed: NaN values. */
    public static double[] never(int channels) {
        double[] last = new double[channels];
        Arrays.fill(last, Double.NaN);
        return last;
    }

    /** When each of {@code channels} was observed, never: {@link Long#MIN_VALUE}. */
    public static long[] neverObserved(int channels) {
        long[] at = new long[channels];
        Arrays.fill(at, Long.MIN_VALUE);
        return at;
    }

    /**
     * Records an observation in a series' last-value memory: each observed channel's value and time
     * ({@code mask[j] = false} or a non-finite value: not observed, the memory keeps the older one).
     *
     * @param last       per channel the last observed value, NaN = never
     * @param observedAt per channel when, {@link Long#MIN_VALUE} = never
     */
    public static void remember(double[] last, long[] observedAt, long timeMillis, double[] values, boolean[] mask) {
        for (int j = 0; j < last.length; j++) {
            if ((mask == null || mask[j]) && Double.isFinite(values[j])) {
                last[j] = values[j];
                observedAt[j] = timeMillis;
            }
        }
    }

    @Override
    public long[] binEdgesMillis() {
        return binEdgesMillis.clone();
    }

    @Override
    public double[] fallback() {
        return fallback.clone();
    }

    @Override
    public double[][][] coefficients() {
        return deepCopy(coefficients);
    }

    @Override
    public double[][] spread() {
        return deepCopy(spread);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ObservationSkip s && Arrays.equals(s.binEdgesMillis, binEdgesMillis)
                && Arrays.equals(s.fallback, fallback) && Arrays.deepEquals(s.coefficients, coefficients)
                && Arrays.deepEquals(s.spread, spread);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(fallback) * 31 + Arrays.deepHashCode(coefficients);
    }

    @Override
    public String toString() {
        return "ObservationSkip[" + fallback.length + " channels, bin edges " + Arrays.toString(binEdgesMillis)
                + " ms]";
    }

    private static double[][][] deepCopy(double[][][] a) {
        double[][][] out = new double[a.length][][];
        for (int i = 0; i < a.length; i++) {
            out[i] = deepCopy(a[i]);
        }
        return out;
    }

    private static double[][] deepCopy(double[][] a) {
        double[][] out = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] == null ? null : a[i].clone();
        }
        return out;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("observation skip: " + message);
        }
    }

    /**
     * The fit: the normal equations of every channel and age bin over the regressors (last, model, 1),
     * one {@link #add} per observed training value, then {@link #solve}.
     */
    public static final class Fit {
        private static final int P = 3;
        private final long[] binEdgesMillis;
        private final double[] fallback;
        private final ObservationSkip binning;
        private final double[][][] xtx;
        private final double[][][] xty;
        private final double[][] yy;
        private final long[][] count;
        private final double[] x = new double[P];

        /**
         * @param binEdgesMillis the age bins' upper edges (as {@link ObservationSkip#binEdgesMillis})
         * @param fallback       per channel the value before its first observation (its training mean)
         */
        public Fit(long[] binEdgesMillis, double[] fallback) {
            this.binning = lastValue(binEdgesMillis, fallback);
            this.binEdgesMillis = binEdgesMillis.clone();
            this.fallback = fallback.clone();
            int bins = binEdgesMillis.length + 2;
            xtx = new double[fallback.length][bins][P * P];
            xty = new double[fallback.length][bins][P];
            yy = new double[fallback.length][bins];
            count = new long[fallback.length][bins];
        }

        /**
         * One training value: channel j observed as {@code y} at {@code timeMillis}, last observed
         * before at {@code lastObservedMillis} ({@link Long#MIN_VALUE}: never) with value {@code last}
         * (NaN: never), and the model's forecast of it. A forecast that is not finite (a point the
         * envelope refused) teaches nothing and is left out.
         */
        public void add(int j, long timeMillis, long lastObservedMillis, double last, double modelMean, double y) {
            if (!Double.isFinite(modelMean) || !Double.isFinite(y)) {
                return;
            }
            int bin = binning.bin(timeMillis, lastObservedMillis);
            x[0] = Double.isNaN(last) ? fallback[j] : last;
            x[1] = modelMean;
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

        /**
         * One series' one-step-ahead forecasts: every observed value of observations k ≥ 1 against
         * row k of {@code forecasts} (the model's forecast of observation k from 0..k−1; null for the
         * decay alone), with the series' last values as the filter state keeps them.
         */
        public void addOneStepAhead(long[] timesMillis, double[][] values, double[][] forecasts) {
            double[] last = never(fallback.length);
            long[] observedAt = neverObserved(fallback.length);
            for (int k = 0; k < timesMillis.length; k++) {
                for (int j = 0; k > 0 && j < fallback.length; j++) {
                    if (Double.isFinite(values[k][j])) {
                        add(j, timesMillis[k], observedAt[j], last[j], forecasts == null ? 0.0 : forecasts[k][j],
                                values[k][j]);
                    }
                }
                remember(last, observedAt, timesMillis[k], values[k], null);
            }
        }

        /**
         * One series' forecasts across a gap: every observed value of observations k ≥ {@code context}
         * against row {@code k − context} of {@code forecasts} (the model's forecast of it from
         * observations 0..context−1 only; null for the decay alone).
         */
        public void addAhead(long[] timesMillis, double[][] values, int context, double[][] forecasts) {
            double[] last = never(fallback.length);
            long[] observedAt = neverObserved(fallback.length);
            for (int k = 0; k < context; k++) {
                remember(last, observedAt, timesMillis[k], values[k], null);
            }
            for (int k = context; k < timesMillis.length; k++) {
                for (int j = 0; j < fallback.length; j++) {
                    if (Double.isFinite(values[k][j])) {
                        add(j, timesMillis[k], observedAt[j], last[j],
                                forecasts == null ? 0.0 : forecasts[k - context][j], values[k][j]);
                    }
                }
            }
        }

        /**
         * The coefficients and spreads.
         *
         * @param withModel false for the decay alone: the model's coefficient b is held at 0
         */
        public ObservationSkip solve(boolean withModel) {
            int channels = xtx.length;
            int bins = binEdgesMillis.length + 2;
            double[][][] beta = new double[channels][bins][];
            double[][] spread = new double[channels][bins];
            for (int j = 0; j < channels; j++) {
                double pooledSse = 0;
                long pooledCount = 0;
                double[] sse = new double[bins];
                for (int b = 0; b < bins; b++) {
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
                for (int b = 0; b < bins; b++) {
                    double own = count[j][b] >= MIN_VALUES_FOR_OWN_SPREAD ? Math.sqrt(sse[b] / count[j][b]) : pooled;
                    spread[j][b] = Math.max(own, 1e-6);
                }
            }
            return new ObservationSkip(binEdgesMillis, fallback, beta, spread);
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
}
