package io.odestream.latent;

import java.io.Serializable;
import java.util.Arrays;

/**
 * One series' filter state: the ODE-RNN hidden state h after the last observation, the time of
 * that observation, and the model it belongs to. Small (H doubles and four scalars) and immutable;
 * updates return a new state, so a failed update leaves the old one intact.
 *
 * <p>Time is kept as epoch milliseconds ({@code long}); the model sees {@code (t − origin)} in its
 * time unit, so epoch milliseconds never enter the solver as a double.
 *
 * @param modelId      the model lineage
 * @param modelVersion the version whose encoder produced {@code hidden}
 * @param originMillis the series' time origin (its first observation)
 * @param timeMillis   time of the last update
 * @param hidden       the encoder state h, H values
 */
public record FilterState(String modelId, long modelVersion, long originMillis, long timeMillis, double[] hidden)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public FilterState {
        if (timeMillis < originMillis) {
            throw new IllegalArgumentException("filter state time " + timeMillis + " is before its origin " + originMillis);
        }
        hidden = hidden.clone();
    }

    @Override
    public double[] hidden() {
        return hidden.clone();
    }

    double[] hiddenView() {
        return hidden;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FilterState s && s.modelId.equals(modelId) && s.modelVersion == modelVersion
                && s.originMillis == originMillis && s.timeMillis == timeMillis && Arrays.equals(s.hidden, hidden);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(timeMillis) * 31 + Arrays.hashCode(hidden);
    }

    @Override
    public String toString() {
        return "FilterState[" + modelId + " v" + modelVersion + ", t=" + timeMillis + ", |h|=" + hidden.length + "]";
    }
}
