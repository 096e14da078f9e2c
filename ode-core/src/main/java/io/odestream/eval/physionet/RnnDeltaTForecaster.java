package io.odestream.eval.physionet;

import io.odestream.baseline.RnnDeltaT;

/**
 * The RNN-Δt baseline as a {@link SequenceForecaster}, with its own causal prediction convention
 * (readout of one GRU time step of Δt = query − last observation time; see {@link RnnDeltaT}).
 */
public final class RnnDeltaTForecaster implements SequenceForecaster {
    private final RnnDeltaT model;

    public RnnDeltaTForecaster(RnnDeltaT model) {
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
