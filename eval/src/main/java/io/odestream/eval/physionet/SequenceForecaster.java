package io.odestream.eval.physionet;

/**
 * A model as the PhysioNet harness scores it: causal point forecasts (predictive means) of one
 * stay's channels from its own earlier observations. Values are in the harness's normalised units
 * ([0, 1] per channel on the training stays), NaN = not observed; times are milliseconds since
 * admission, strictly increasing.
 */
public interface SequenceForecaster {

    /**
     * Row k = the forecast of observation k at its exact time {@code timesMillis[k]} from
     * observations 0..k−1 only; row 0 is the forecast from no observation at all (the harness
     * does not score it).
     *
     * @return [observation][channel], one row per observation
     */
    double[][] oneStepAhead(long[] timesMillis, double[][] values);

    /**
     * The forecast at each query time from all the observations given (the harness gives those
     * before a cut-off and queries times after it).
     *
     * @param timesMillis observations to condition on (may be empty)
     * @return [query][channel]
     */
    double[][] predict(long[] timesMillis, double[][] values, long[] queryTimesMillis);

    /**
     * The paper's interpolation read causally: row k = the value at {@code timesMillis[k]} from
     * observations 0..k, the point itself included (Rubanova et al. reconstruct every point from all
     * of them through the latent bottleneck; our encoders are causal). Null where a forecaster has
     * no bottleneck and would just return what it read (last value, the skip).
     */
    default double[][] reconstruct(long[] timesMillis, double[][] values) {
        return null;
    }

    /** Row k of the one-step-ahead forecasts, as {@link #oneStepAhead}. */
    @FunctionalInterface
    interface OneStep {
        double[][] forecast(long[] timesMillis, double[][] values);
    }

    /** Forecasts at query times, as {@link #predict}. */
    @FunctionalInterface
    interface AtTimes {
        double[][] forecast(long[] timesMillis, double[][] values, long[] queryTimesMillis);
    }

    /**
     * A model that already has both methods under these names (the baselines: {@code
     * SequenceForecaster.of(model::oneStepAhead, model::predict)}), whose predict conditions each
     * query on the observations at or before it (so that it also reconstructs).
     */
    static SequenceForecaster of(OneStep oneStep, AtTimes atTimes) {
        return new SequenceForecaster() {
            @Override
            public double[][] oneStepAhead(long[] timesMillis, double[][] values) {
                return oneStep.forecast(timesMillis, values);
            }

            @Override
            public double[][] predict(long[] timesMillis, double[][] values, long[] queryTimesMillis) {
                return atTimes.forecast(timesMillis, values, queryTimesMillis);
            }

            /** The baselines' predict reads the observations at or before each query: at t_k, 0..k. */
            @Override
            public double[][] reconstruct(long[] timesMillis, double[][] values) {
                return atTimes.forecast(timesMillis, values, timesMillis);
            }
        };
    }
}
