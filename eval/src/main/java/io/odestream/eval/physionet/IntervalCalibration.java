package io.odestream.eval.physionet;

import io.odestream.latent.LatentOdeTraining.Series;
import java.util.List;

/**
 * Whether a predictive distribution is calibrated on held-out stays, one step ahead, from the
 * z-scores of every observed value of observations k ≥ 1 (the values the interpolation MSE counts):
 * <ul>
 *   <li><b>coverage</b>: the share inside the central 90 % interval, |z| ≤ 1.6449;</li>
 *   <li><b>PIT deviation</b>: the probability integral transform u = Φ(z) in {@value #PIT_BINS} equal
 *       bins; the total-variation distance ½ Σ |share − 1/{@value #PIT_BINS}| to the uniform
 *       histogram (0 = perfectly calibrated, 0.9 = every value in one bin).</li>
 * </ul>
 * The distribution is taken as Gaussian with the z-score's mean and std (for the latent ODE's
 * mixture over posterior samples that is its moment-matched Gaussian, as the filter's z-scores are).
 */
public final class IntervalCalibration {
    public static final int PIT_BINS = 10;
    /** Φ⁻¹(0.95): the half-width of the central 90 % interval in standard deviations. */
    public static final double Z_90 = 1.6448536269514722;

    /** The calibration of one model on a set of stays. */
    public record Result(double coverage90, double pitDeviation, long values, long[] pitHistogram) {
    }

    private IntervalCalibration() {
    }

    public static Result oneStepAhead(ZScoreForecaster model, List<Series> stays) {
        long inside = 0;
        long values = 0;
        long[] histogram = new long[PIT_BINS];
        for (Series s : stays) {
            if (s.timesMillis().length < 2) {
                continue;
            }
            double[][] z = model.oneStepAheadZ(s.timesMillis(), s.values());
            for (int k = 1; k < z.length; k++) {
                for (int j = 0; j < z[k].length; j++) {
                    if (!Double.isFinite(s.values()[k][j])) {
                        continue;
                    }
                    double zk = z[k][j];
                    values++;
                    if (Math.abs(zk) <= Z_90) {
                        inside++;
                    }
                    int bin = Double.isNaN(zk) ? PIT_BINS / 2 : (int) Math.min(PIT_BINS - 1,
                            Math.floor(standardNormalCdf(zk) * PIT_BINS));
                    histogram[bin]++;
                }
            }
        }
        return of(inside, values, histogram);
    }

    static Result of(long inside, long values, long[] histogram) {
        if (values == 0) {
            return new Result(Double.NaN, Double.NaN, 0, histogram);
        }
        double distance = 0;
        for (long h : histogram) {
            distance += Math.abs(h / (double) values - 1.0 / PIT_BINS);
        }
        return new Result(inside / (double) values, 0.5 * distance, values, histogram);
    }

    /** Φ(z) = ½ erfc(−z/√2). */
    static double standardNormalCdf(double z) {
        return 0.5 * erfc(-z / Math.sqrt(2.0));
    }

    /** Complementary error function, Numerical Recipes' erfcc (fractional error < 1.2e-7 everywhere). */
    static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2.0 - r;
    }
}
