package io.odestream.latent;

import java.util.Arrays;

/**
 * From decoded posterior samples to what a forecast reports: per query time and channel the mean,
 * the standard deviation and the 5/50/95 % quantiles of the predictive mixture
 * {@code (1/K) Σ_k N(readout(z_k), σ²)}, in the data's units, with {@link ForecastLimits}' rules
 * applied: beyond the horizon the mixture reverts to the training marginal, and a point before the
 * state, not finite or outside the envelope is refused with its reason. One place for it, so that
 * every backend that decodes the samples ({@link LatentFilter}, ode-djl's batched predictor) reports
 * the same numbers from the same samples.
 */
public final class PredictiveSummary {
    private static final double[] QUANTILES = {0.05, 0.5, 0.95};

    private PredictiveSummary() {
    }

    /**
     * @param limits      the horizon and envelope; null for the model as it is (no reversion, no envelope:
     *                    {@link LatentFilter#reconstruct}'s evaluation path, never served)
     * @param stateMillis the time of the state the samples were drawn at
     * @param decoded     {@code decoded[i][k·C + j]}: channel j of sample k's readout at query i, in the
     *                    model's normalised units, solved to {@link ForecastLimits#solveTo} of the query's
     *                    offset; null for a query before the state (refused)
     */
    public static Prediction of(LatentOdeModel model, ForecastLimits limits, long stateMillis, long[] queryTimesMillis,
                                double[][] decoded, int samples) {
        return of(model, limits, stateMillis, queryTimesMillis, decoded, samples, true);
    }

    /**
     * What the job serves from decoded samples: {@link #of} the model's mixture, then, when the model
     * has an {@link ObservationSkip} and the state knows its last values, the skip's Gaussian around
     * {@code a·last + b·(the mixture's mean) + c} with the bin's spread (5 / 95 % quantiles at ∓1.645
     * spreads), under the same envelope. A model without a skip (every artifact from before it) or a
     * state without last values is served the mixture, as before.
     *
     * @param quantiles whether to search for the mixture's quantiles where the skip does not replace them
     */
    public static Prediction served(LatentOdeModel model, ForecastLimits limits, FilterState state,
                                    long[] queryTimesMillis, double[][] decoded, int samples, boolean quantiles) {
        ObservationSkip skip = model.spec().skip();
        boolean skipped = skip != null && state.knowsLastValues();
        Prediction p = of(model, limits, state.timeMillis(), queryTimesMillis, decoded, samples,
                quantiles && !skipped);
        if (skipped) {
            applySkip(skip, model.spec(), limits, state, p);
        }
        return p;
    }

    /**
     * The skip over an answered mixture, in place (the arrays are this summary's own). Beyond the
     * model's horizon the skip's Gaussian reverts to the training marginal as the model's mixture does
     * ({@link ForecastLimits}: weight {@code w}), so that its mean returns to the training mean and its
     * spread grows to the training spread after a gap no training series showed.
     */
    private static void applySkip(ObservationSkip skip, LatentOdeSpec spec, ForecastLimits limits, FilterState state,
                                  Prediction p) {
        double[] last = state.lastValuesView();
        long[] observedAt = state.lastObservedView();
        for (int i = 0; i < p.times().length; i++) {
            if (!p.answered(i)) {
                continue;
            }
            double w = limits.modelWeight((p.times()[i] - state.timeMillis()) / spec.timeUnitMillis());
            for (int j = 0; j < last.length; j++) {
                int bin = skip.bin(p.times()[i], observedAt[j]);
                double skipMean = skip.mean(j, bin, last[j], p.mean()[i][j]);
                // normalised units: the training marginal is N(0, 1)
                double m = (skipMean - spec.mean(j)) / spec.std(j);
                double s = skip.spread(j, bin) / spec.std(j);
                double mean = w * m;
                double sd = w >= 1.0 ? s : Math.sqrt(w * s * s + (1 - w) + w * (1 - w) * m * m);
                String why = outside(limits, mean, sd);
                if (why != null) {
                    p.refused()[i] = "channel " + j + " at " + p.times()[i] + " (with the observation skip): " + why
                            + "; not served";
                    fillNaN(i, p.mean(), p.std(), new double[][][] {p.q05(), p.q50(), p.q95()});
                    break;
                }
                double centre = w >= 1.0 ? skipMean : spec.mean(j) + spec.std(j) * mean;
                double spread = w >= 1.0 ? skip.spread(j, bin) : spec.std(j) * sd;
                p.mean()[i][j] = centre;
                p.std()[i][j] = spread;
                // the two-component mixture beyond the horizon is summarised by its moment-matched Gaussian
                p.q05()[i][j] = centre - ObservationSkip.Z95 * spread;
                p.q50()[i][j] = centre;
                p.q95()[i][j] = centre + ObservationSkip.Z95 * spread;
            }
        }
    }

    /**
     * The predictive CDF at {@code values} under what {@link #served} serves: the skip's Gaussian where
     * it applies, else {@link #cdf}.
     */
    public static double[] servedCdf(LatentOdeModel model, ForecastLimits limits, FilterState state, long timeMillis,
                                     double[] decodedRow, int samples, double[] values) {
        ObservationSkip skip = model.spec().skip();
        if (skip == null || !state.knowsLastValues()) {
            return cdf(model, limits, state.timeMillis(), timeMillis, decodedRow, samples, values);
        }
        LatentOdeSpec spec = model.spec();
        int c = spec.channels();
        double w = limits.modelWeight((timeMillis - state.timeMillis()) / spec.timeUnitMillis());
        double[] out = new double[c];
        for (int j = 0; j < c; j++) {
            if (!Double.isFinite(values[j])) {
                out[j] = Double.NaN;
                continue;
            }
            double m = 0;
            for (int k = 0; k < samples; k++) {
                m += decodedRow[k * c + j];
            }
            double modelMean = spec.mean(j) + spec.std(j) * w * m / samples;
            int bin = skip.bin(timeMillis, state.lastObservedView()[j]);
            double mean = skip.mean(j, bin, state.lastValuesView()[j], modelMean);
            double skipCdf = GaussianMixture.normalCdf((values[j] - mean) / skip.spread(j, bin));
            double x = (values[j] - spec.mean(j)) / spec.std(j);
            out[j] = w >= 1.0 ? skipCdf : w * skipCdf + (1 - w) * GaussianMixture.normalCdf(x);
        }
        return out;
    }

    private static Prediction of(LatentOdeModel model, ForecastLimits limits, long stateMillis,
                                 long[] queryTimesMillis, double[][] decoded, int samples, boolean withQuantiles) {
        int q = queryTimesMillis.length;
        int c = model.spec().channels();
        double unit = model.spec().timeUnitMillis();
        double[][] mean = new double[q][c];
        double[][] std = new double[q][c];
        double[][][] quantiles = new double[QUANTILES.length][q][c];
        String[] refused = new String[q];
        double[] centres = new double[samples];
        for (int i = 0; i < q; i++) {
            if (decoded[i] == null) {
                refused[i] = "query time " + queryTimesMillis[i] + " is before the series' state ("
                        + stateMillis + "): the filter keeps no smoothed past; ask with asOf at or before that time";
                fillNaN(i, mean, std, quantiles);
                continue;
            }
            double w = limits == null ? 1.0 : limits.modelWeight((queryTimesMillis[i] - stateMillis) / unit);
            for (int j = 0; j < c; j++) {
                for (int k = 0; k < samples; k++) {
                    centres[k] = decoded[i][k * c + j];
                }
                double sigma = model.noiseSigma(j);
                double m = 0;
                for (double v : centres) {
                    m += v;
                }
                m /= samples;
                double variance = sigma * sigma;
                for (double v : centres) {
                    variance += (v - m) * (v - m) / samples;
                }
                // beyond the horizon: the mixture with the training marginal N(0, 1) (normalised units)
                double blendedMean = w * m;
                double blendedVariance = w >= 1.0 ? variance : w * variance + (1 - w) + w * (1 - w) * m * m;
                double scale = model.spec().std(j);
                double shift = model.spec().mean(j);
                mean[i][j] = shift + scale * blendedMean;
                std[i][j] = scale * Math.sqrt(blendedVariance);
                String why = limits == null ? null : outside(limits, blendedMean, Math.sqrt(blendedVariance));
                if (why != null) {
                    refused[i] = "channel " + j + " at " + queryTimesMillis[i] + ": " + why + "; not served";
                    break;
                }
                for (int p = 0; p < QUANTILES.length; p++) {
                    quantiles[p][i][j] = withQuantiles
                            ? shift + scale * GaussianMixture.quantile(centres, sigma, QUANTILES[p], w) : Double.NaN;
                }
            }
            if (refused[i] != null) {
                fillNaN(i, mean, std, quantiles);
            }
        }
        return new Prediction(queryTimesMillis.clone(), mean, std, quantiles[0], quantiles[1], quantiles[2], samples,
                refused);
    }

    /**
     * The predictive CDF at {@code values} (data units), per channel, under the same rules as
     * {@link #of}: the probability integral transform of an observation, for calibration checks (a
     * calibrated forecast's PIT values are uniform on [0, 1]). NaN for a channel whose value is not
     * finite.
     *
     * @param decodedRow {@code [k·C + j]}: the samples' readout at {@code timeMillis}, normalised units
     */
    public static double[] cdf(LatentOdeModel model, ForecastLimits limits, long stateMillis, long timeMillis,
                               double[] decodedRow, int samples, double[] values) {
        int c = model.spec().channels();
        double w = limits.modelWeight((timeMillis - stateMillis) / model.spec().timeUnitMillis());
        double[] centres = new double[samples];
        double[] out = new double[c];
        for (int j = 0; j < c; j++) {
            if (!Double.isFinite(values[j])) {
                out[j] = Double.NaN;
                continue;
            }
            for (int k = 0; k < samples; k++) {
                centres[k] = decodedRow[k * c + j];
            }
            double x = (values[j] - model.spec().mean(j)) / model.spec().std(j);
            double modelCdf = GaussianMixture.cdf(centres, model.noiseSigma(j), x);
            out[j] = w >= 1.0 ? modelCdf : w * modelCdf + (1 - w) * GaussianMixture.normalCdf(x);
        }
        return out;
    }

    /** Why a point of normalised mean {@code m} and std {@code s} may not be served; null if it may. */
    private static String outside(ForecastLimits limits, double m, double s) {
        if (!Double.isFinite(m) || !Double.isFinite(s)) {
            return "the forecast is not finite (mean " + m + ", std " + s + " training standard deviations)";
        }
        if (Math.abs(m) > limits.envelopeSigmas() || s > limits.envelopeSigmas()) {
            return "the forecast leaves the envelope of " + limits.envelopeSigmas()
                    + " training standard deviations (mean " + m + ", std " + s + ")";
        }
        return null;
    }

    private static void fillNaN(int i, double[][] mean, double[][] std, double[][][] quantiles) {
        Arrays.fill(mean[i], Double.NaN);
        Arrays.fill(std[i], Double.NaN);
        for (double[][] quantile : quantiles) {
            Arrays.fill(quantile[i], Double.NaN);
        }
    }
}
