package io.odestream.eval.physionet;

import io.odestream.baseline.OdeRnn;

/**
 * The ODE-RNN baseline (Rubanova et al. 2019) as a {@link SequenceForecaster}: the hidden state
 * evolves by its ODE from the last observation to the query time and is read out (see {@link OdeRnn}).
 */
public final class OdeRnnForecaster implements SequenceForecaster {
    private final OdeRnn model;

    public OdeRnnForecaster(OdeRnn model) {
        this.model = model;
    }

    @Override
    public double[][] oneStepAhead(long[] timesMillis, double[][] values) {
        return model.oneStepAhead(timesMillis, values);
    }

    @Override
    public double[][] predict(long[] timesMillis, double[][] values, long[] queryTimesMillis) {
        return model.predict(timesMillis, values, queryTimesMillis);
    }
}
