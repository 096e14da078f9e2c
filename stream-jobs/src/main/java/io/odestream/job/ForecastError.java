package io.odestream.job;

import io.odestream.latent.Score;

/** The point-forecast error of a scored observation, as the shadow comparison and the health guard measure it. */
public final class ForecastError {
    private ForecastError() {
    }

    /**
     * Mean over the observed channels of |predictive mean at the observation's time − value|, in
     * data units (the score already decoded the samples the mean comes from); NaN when nothing was observed.
     *
     * @param values   the observation in the model's channel order
     * @param observed which of them were observed (null: all)
     */
    public static double meanAbsolute(Score score, double[] values, boolean[] observed) {
        double[] mean = score.predictiveMeans();
        if (mean == null) {
            return Double.NaN;
        }
        double sum = 0;
        int n = 0;
        for (int j = 0; j < mean.length; j++) {
            if (observed == null || observed[j]) {
                sum += Math.abs(mean[j] - values[j]);
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }
}
