package io.odestream.eval.physionet;

import io.odestream.latent.FromStartTraining;
import io.odestream.latent.LatentOdeElbo;
import io.odestream.latent.LatentOdeModel;
import io.odestream.latent.LatentOdeSpec;

/**
 * A latent ODE read the way Rubanova et al. 2019 evaluate theirs: the encoder reads the given
 * observations backwards into q(z₀) at the first one's time, the decoder carries the posterior mean
 * of z₀ forward to the query times ({@link LatentOdeElbo#decodeMean}), or with {@code samples} > 0
 * the mean of that many posterior draws' decodings, the predictive mean
 * ({@link LatentOdeElbo#decodePredictiveMean}). Values in and out are the
 * harness's units (min-max on the training stays); the model z-scores them internally with its
 * spec's channel mean and std. Not causal: reconstruction reads every point, the ones it
 * reconstructs included, as the paper's interpolation does.
 */
public final class FromStartForecaster implements SequenceForecaster {
    private final LatentOdeModel model;
    private final LatentOdeElbo reader;
    private final double[] mean;
    private final double[] std;
    private final int samples;
    private final long seed;
    /** Decodings so far: each draws its own noise, reproducibly for the same sequence of calls. */
    private long decodings;

    /** @param encoderStep the encoder's fixed Euler step as it was trained (0: the model's own solver) */
    public FromStartForecaster(LatentOdeModel model, double encoderStep) {
        this(model, encoderStep, 0, 0L);
    }

    /**
     * @param samples posterior draws of z₀ whose decodings are averaged (0: decode z₀'s mean)
     * @param seed    the draws' noise
     */
    public FromStartForecaster(LatentOdeModel model, double encoderStep, int samples, long seed) {
        if (samples < 0) {
            throw new IllegalArgumentException("samples must be >= 0 (0: the posterior mean of z0), got " + samples);
        }
        this.samples = samples;
        this.seed = seed;
        this.model = model;
        this.reader = FromStartTraining.elbo(model, 1.0, encoderStep);
        this.mean = model.spec().channelMean();
        this.std = model.spec().channelStd();
    }

    /**
     * Row k from observations 0..k−1 only, each prefix read backwards afresh (the encoder starts at
     * the newest observation, so no state carries from one prefix to the next): causal, at the cost
     * of n encoder passes per stay, quadratic in its length.
     */
    @Override
    public double[][] oneStepAhead(long[] timesMillis, double[][] values) {
        int n = timesMillis.length;
        double[][] out = new double[n][];
        for (int k = 0; k < n; k++) {
            out[k] = predict(java.util.Arrays.copyOf(timesMillis, k), java.util.Arrays.copyOf(values, k),
                    new long[] {timesMillis[k]})[0];
        }
        return out;
    }

    /**
     * Every query from the observations given; with none, the training mean of each channel (the
     * best guess without a posterior).
     */
    @Override
    public double[][] predict(long[] timesMillis, double[][] values, long[] queryTimesMillis) {
        LatentOdeSpec spec = model.spec();
        if (timesMillis.length == 0) {
            double[][] out = new double[queryTimesMillis.length][spec.channels()];
            for (double[] row : out) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = mean[j];
                }
            }
            return out;
        }
        return decode(timesMillis, values, queryTimesMillis);
    }

    @Override
    public double[][] reconstruct(long[] timesMillis, double[][] values) {
        return timesMillis.length == 0 ? new double[0][] : decode(timesMillis, values, timesMillis);
    }

    private double[][] decode(long[] timesMillis, double[][] values, long[] queryTimesMillis) {
        LatentOdeSpec spec = model.spec();
        int n = timesMillis.length;
        int c = spec.channels();
        double unit = spec.timeUnitMillis();
        double[] times = new double[n];
        double[][] x = new double[n][c];
        double[][] m = new double[n][c];
        for (int k = 0; k < n; k++) {
            times[k] = (timesMillis[k] - timesMillis[0]) / unit;
            for (int j = 0; j < c; j++) {
                boolean observed = Double.isFinite(values[k][j]);
                x[k][j] = observed ? (values[k][j] - mean[j]) / std[j] : 0;
                m[k][j] = observed ? 1 : 0;
            }
        }
        double[] queries = new double[queryTimesMillis.length];
        for (int q = 0; q < queries.length; q++) {
            queries[q] = (queryTimesMillis[q] - timesMillis[0]) / unit;
        }
        double[][] out = reader.decodePredictiveMean(times, x, m, n, queries, samples,
                seed + 0x9E3779B97F4A7C15L * ++decodings);
        for (double[] row : out) {
            for (int j = 0; j < c; j++) {
                row[j] = row[j] * std[j] + mean[j];
            }
        }
        return out;
    }
}
