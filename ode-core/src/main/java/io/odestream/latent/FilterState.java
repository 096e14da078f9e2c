package io.odestream.latent;

import java.io.Serializable;
import java.util.Arrays;

/**
 * One series' filter state: the ODE-RNN hidden state h after the last observation, the time of
 * that observation, the model it belongs to, and per channel the last observed value and when (what
 * a model's {@link ObservationSkip} combines with its forecast), and the step sizes its last solves
 * ended with. Small (H + 2C values and six scalars) and immutable; updates return a new state, so a
 * failed update leaves the old one intact.
 *
 * <p>Time is kept as epoch milliseconds ({@code long}); the model sees {@code (t − origin)} in its
 * time unit, so epoch milliseconds never enter the solver as a double.
 *
 * @param modelId      the model lineage
 * @param modelVersion the version whose encoder produced {@code hidden}
 * @param originMillis the series' time origin (its first observation)
 * @param timeMillis   time of the last update
 * @param hidden       the encoder state h, H values
 * @param lastValues   per channel the last observed value (data units), NaN = never observed; null when the
 *                     state does not know them (a state kept before they were: its next update starts them)
 * @param lastObservedMillis per channel when it was last observed, {@link Long#MIN_VALUE} = never; null with
 *                     {@code lastValues}
 * @param scoreStep    the step size (model time units) the last score's decoder solve ended with, where
 *                     the next score's solve starts instead of a fresh first-step guess; 0 = none (a
 *                     new series, a state kept before steps were carried, or carrying switched off)
 * @param encoderStep  the same for the encoder ODE's solve over the last gap; 0 = none
 */
public record FilterState(String modelId, long modelVersion, long originMillis, long timeMillis, double[] hidden,
                          double[] lastValues, long[] lastObservedMillis, double scoreStep, double encoderStep)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public FilterState {
        if (timeMillis < originMillis) {
            throw new IllegalArgumentException("filter state time " + timeMillis + " is before its origin " + originMillis);
        }
        if ((lastValues == null) != (lastObservedMillis == null)
                || (lastValues != null && lastValues.length != lastObservedMillis.length)) {
            throw new IllegalArgumentException("lastValues and lastObservedMillis go together, one entry per channel");
        }
        hidden = hidden.clone();
        lastValues = lastValues == null ? null : lastValues.clone();
        lastObservedMillis = lastObservedMillis == null ? null : lastObservedMillis.clone();
    }

    /** A state without carried step sizes: its next solves start from a fresh first-step guess. */
    public FilterState(String modelId, long modelVersion, long originMillis, long timeMillis, double[] hidden,
                       double[] lastValues, long[] lastObservedMillis) {
        this(modelId, modelVersion, originMillis, timeMillis, hidden, lastValues, lastObservedMillis, 0.0, 0.0);
    }

    /** A state that does not know its channels' last values (kept before they were). */
    public FilterState(String modelId, long modelVersion, long originMillis, long timeMillis, double[] hidden) {
        this(modelId, modelVersion, originMillis, timeMillis, hidden, null, null);
    }

    /** A new series' state: nothing observed yet, h as given. */
    static FilterState fresh(String modelId, long modelVersion, long originMillis, double[] hidden, int channels) {
        return new FilterState(modelId, modelVersion, originMillis, originMillis, hidden,
                ObservationSkip.never(channels), ObservationSkip.neverObserved(channels));
    }

    /**
     * The state after an observation at {@code eventTimeMillis} was absorbed: h is {@code nextHidden},
     * the observed channels' last values are the observation's ({@code mask[j] = false} or a non-finite
     * value: not observed). A state that did not know its last values starts knowing them here. The
     * carried step sizes stay as they were.
     */
    public FilterState after(long eventTimeMillis, double[] nextHidden, double[] values, boolean[] mask) {
        return after(eventTimeMillis, nextHidden, values, mask, scoreStep, encoderStep);
    }

    /** As {@link #after(long, double[], double[], boolean[])}, carrying the given step sizes (0 = none). */
    public FilterState after(long eventTimeMillis, double[] nextHidden, double[] values, boolean[] mask,
                             double nextScoreStep, double nextEncoderStep) {
        double[] last = lastValues;
        long[] at = lastObservedMillis;
        if (last == null) {
            last = ObservationSkip.never(values.length);
            at = ObservationSkip.neverObserved(values.length);
        } else {
            last = last.clone();
            at = at.clone();
        }
        ObservationSkip.remember(last, at, eventTimeMillis, values, mask);
        return new FilterState(modelId, modelVersion, originMillis, eventTimeMillis, nextHidden, last, at,
                nextScoreStep, nextEncoderStep);
    }

    /** Whether the state knows its channels' last observed values. */
    public boolean knowsLastValues() {
        return lastValues != null;
    }

    @Override
    public double[] lastValues() {
        return lastValues == null ? null : lastValues.clone();
    }

    @Override
    public long[] lastObservedMillis() {
        return lastObservedMillis == null ? null : lastObservedMillis.clone();
    }

    double[] lastValuesView() {
        return lastValues;
    }

    long[] lastObservedView() {
        return lastObservedMillis;
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
                && s.originMillis == originMillis && s.timeMillis == timeMillis && Arrays.equals(s.hidden, hidden)
                && Arrays.equals(s.lastValues, lastValues) && Arrays.equals(s.lastObservedMillis, lastObservedMillis)
                && Double.compare(s.scoreStep, scoreStep) == 0 && Double.compare(s.encoderStep, encoderStep) == 0;
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
