package io.odestream.eval.detector;

import io.odestream.latent.SeasonalBaseline;

/**
 * What the detector's model sees of a series when it is told about the season: each row turned into
 * the model's input from the {@link SeasonalBaseline} of the rows before it, and the baseline then
 * taught the row. Two ways, {@link Seasonality.Kind}:
 *
 * <ul>
 *   <li>{@code SHAPE}: x − s(t), s the baseline's periodic part (the level is left to the model,
 *       which follows it: see {@link SeasonalBaseline#season}).</li>
 *   <li>{@code SCALE}: the series re-built from its steps, each divided by the typical step size at
 *       its time of day and week relative to the average, y_i = y_{i−1} + (x_i − x_{i−1}) / m(t_i),
 *       m(t) = b(t) / b̄ (clamped to [1/4, 4]), b a baseline of |x_i − x_{i−1}|: a busy hour's moves count as
 *       ordinary for a busy hour. The model then scores the standardised step, not x's density.</li>
 * </ul>
 * The fit rows' inputs come from the baseline fitted on all of them (the model is fitted to them).
 */
final class SeasonalInput {
    private static final double MAX_SCALE = 4;
    private final Seasonality.Kind kind;
    private final SeasonalBaseline baseline;
    private final long[] times;
    private final double[] values;
    private final double[] input;
    /** SCALE: the last finite value and its input, the step's start. */
    private double lastValue = Double.NaN;
    private double lastInput = Double.NaN;

    private SeasonalInput(Seasonality seasonality, long[] times, double[] values) {
        this.kind = seasonality.kind();
        this.baseline = new SeasonalBaseline(seasonality.baseline());
        this.times = times;
        this.values = values;
        this.input = new double[values.length];
    }

    /** The baseline fitted on the first {@code fitRows} rows and their inputs filled in. */
    static SeasonalInput fitted(Seasonality seasonality, long[] times, double[] values, int fitRows) {
        SeasonalInput s = new SeasonalInput(seasonality, times, values);
        for (int i = 0; i < fitRows; i++) {
            s.teach(i);
        }
        s.lastValue = Double.NaN;
        s.lastInput = Double.NaN;
        for (int i = 0; i < fitRows; i++) {
            s.input[i] = s.inputOf(i);
        }
        return s;
    }

    /** The inputs so far (the fit rows', then each row's once {@link #next} has been asked for it). */
    double[] inputs() {
        return input;
    }

    /** Row i's input from the baseline of the rows before it (call in order, once per row after the fit rows). */
    double next(int i) {
        input[i] = inputOf(i);
        return input[i];
    }

    /** Teaches the baseline row i, once it has been scored. */
    void teach(int i) {
        double x = values[i];
        if (!Double.isFinite(x)) {
            return;
        }
        if (kind == Seasonality.Kind.SHAPE) {
            baseline.update(times[i], x);
        } else if (i > 0 && Double.isFinite(previousFinite(i))) {
            baseline.update(times[i], Math.abs(x - previousFinite(i)));
        }
    }

    private double previousFinite(int i) {
        for (int k = i - 1; k >= 0 && k >= i - 1000; k--) {
            if (Double.isFinite(values[k])) {
                return values[k];
            }
        }
        return Double.NaN;
    }

    private double inputOf(int i) {
        double x = values[i];
        if (kind == Seasonality.Kind.SHAPE) {
            return x - baseline.season(times[i]);
        }
        if (!Double.isFinite(x)) {
            return x;
        }
        double y;
        if (Double.isNaN(lastValue)) {
            y = x;
        } else {
            double average = baseline.level();
            double typical = average + baseline.season(times[i]);
            double m = average > 0 ? Math.min(MAX_SCALE, Math.max(1 / MAX_SCALE, typical / average)) : 1;
            y = lastInput + (x - lastValue) / m;
        }
        lastValue = x;
        lastInput = y;
        return y;
    }
}
