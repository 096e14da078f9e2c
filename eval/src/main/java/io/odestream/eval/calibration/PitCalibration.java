package io.odestream.eval.calibration;

import java.util.Locale;

/**
 * How well predictive distributions are calibrated, from the probability integral transforms (PIT)
 * of held-out observations, {@code u = F(x)} with F the forecast's CDF: a calibrated forecaster's u
 * are uniform on [0, 1]. Two views of the same numbers:
 * <ul>
 *   <li><b>90 % interval coverage</b>: the share of u in [0.05, 0.95], i.e. of observations inside the
 *       forecast's 5–95 % quantiles (goal: 85–95 %);</li>
 *   <li><b>PIT histogram</b> over {@link #BINS} equal bins, and its deviation from uniform: the total
 *       variation distance {@code ½ Σ_b |f_b − 1/B|} (0 = uniform, 1 = all mass where uniform has
 *       none) and the largest single bin's share over its uniform 1/B.</li>
 * </ul>
 * Not thread-safe; {@link #add(PitCalibration)} merges.
 */
public final class PitCalibration {
    public static final int BINS = 10;
    private final long[] bins = new long[BINS];
    private long count;
    private long inside90;

    /** One observation's PIT value; NaN (a channel not observed) is ignored. */
    public void add(double pit) {
        if (Double.isNaN(pit)) {
            return;
        }
        if (pit < 0 || pit > 1) {
            throw new IllegalArgumentException("a PIT value is a probability in [0, 1], got " + pit);
        }
        bins[Math.min(BINS - 1, (int) (pit * BINS))]++;
        if (pit >= 0.05 && pit <= 0.95) {
            inside90++;
        }
        count++;
    }

    public void add(PitCalibration other) {
        for (int b = 0; b < BINS; b++) {
            bins[b] += other.bins[b];
        }
        count += other.count;
        inside90 += other.inside90;
    }

    public long count() {
        return count;
    }

    /** Share of observations inside the 90 % interval; NaN with none. */
    public double coverage90() {
        return count == 0 ? Double.NaN : (double) inside90 / count;
    }

    /** The PIT histogram's shares, one per bin (summing to 1). */
    public double[] histogram() {
        double[] f = new double[BINS];
        for (int b = 0; b < BINS; b++) {
            f[b] = count == 0 ? Double.NaN : (double) bins[b] / count;
        }
        return f;
    }

    /** Total variation distance of the PIT histogram from uniform, in [0, 1]. */
    public double totalVariationFromUniform() {
        double sum = 0;
        for (double f : histogram()) {
            sum += Math.abs(f - 1.0 / BINS);
        }
        return sum / 2;
    }

    /** The fullest bin's share over the uniform share (1 = uniform). */
    public double largestBinRatio() {
        double max = 0;
        for (double f : histogram()) {
            max = Math.max(max, f);
        }
        return max * BINS;
    }

    /** The histogram as percentages, "9.8 10.1 …". */
    public String histogramPercent() {
        StringBuilder s = new StringBuilder();
        for (double f : histogram()) {
            s.append(s.isEmpty() ? "" : " ").append(String.format(Locale.ROOT, "%.1f", 100 * f));
        }
        return s.toString();
    }
}
