package io.odestream.latent;

/**
 * The predictive distribution at each query time and channel, in the data's own units: mean,
 * standard deviation and the 5 / 50 / 95 % quantiles of the Monte-Carlo mixture
 * {@code (1/K) Σ_k N(readout(z_k(t)), σ_c²)} (reverting to the training marginal beyond the model's
 * horizon, {@link ForecastLimits}). A query time that cannot be answered sensibly (before the
 * state, not finite, outside the envelope) is refused: its reason is in {@code refused} and its
 * numbers are NaN, never to be served.
 *
 * @param times    the query times (epoch ms), in the order asked
 * @param mean     [query][channel]
 * @param std      [query][channel]
 * @param q05      [query][channel]
 * @param q50      [query][channel]
 * @param q95      [query][channel]
 * @param samples  K, the number of posterior samples
 * @param refused  [query]: why that point is not answered, null when it is
 */
public record Prediction(long[] times, double[][] mean, double[][] std, double[][] q05, double[][] q50, double[][] q95,
                         int samples, String[] refused) {

    public Prediction {
        if (refused == null) {
            refused = new String[times.length];
        }
        if (refused.length != times.length) {
            throw new IllegalArgumentException("one refusal entry per query time: " + refused.length + " for "
                    + times.length + " times");
        }
    }

    /** Every point answered. */
    public Prediction(long[] times, double[][] mean, double[][] std, double[][] q05, double[][] q50, double[][] q95,
                      int samples) {
        this(times, mean, std, q05, q50, q95, samples, null);
    }

    /** Whether query {@code i} was answered (its numbers may be served). */
    public boolean answered(int i) {
        return refused[i] == null;
    }

    /** How many query times were refused. */
    public int refusedCount() {
        int n = 0;
        for (String r : refused) {
            if (r != null) {
                n++;
            }
        }
        return n;
    }
}
