package io.odestream.eval.physionet;

/**
 * A forecaster with a predictive distribution: how far each observed value falls from it, one step
 * ahead, as a z-score {@code (x − mean) / std}, so that interval coverage and the PIT histogram can
 * be measured ({@link IntervalCalibration}).
 */
public interface ZScoreForecaster {
    /**
     * Row k: per channel the z-score of observation k's value under the one-step-ahead predictive
     * distribution from observations 0..k−1; NaN where the channel is not observed.
     */
    double[][] oneStepAheadZ(long[] timesMillis, double[][] values);
}
