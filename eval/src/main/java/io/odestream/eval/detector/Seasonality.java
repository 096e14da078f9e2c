package io.odestream.eval.detector;

import io.odestream.latent.SeasonalBaseline;

/**
 * How the detector tells its model about the time of day and week ({@link SeasonalInput}).
 *
 * @param baseline the seasonal baseline's harmonics, memory and prior
 * @param kind     what the baseline models: the periodic shape of the values, or the typical step size
 */
public record Seasonality(SeasonalBaseline.Config baseline, Kind kind) {
    /** What the seasonal baseline models. */
    public enum Kind {
        /** The values' periodic shape, subtracted from them. */
        SHAPE,
        /**
         * The typical size of a step at each time of day and week, which each step is divided by. On a
         * series that rises in its busy hours and falls back in quiet ones the rebuilt series drifts
         * away from its fit range (docs/RESULTS.md, "Seasonality in the model"): measured, not for use.
         */
        SCALE
    }

    public Seasonality {
        if (baseline == null || kind == null) {
            throw new IllegalArgumentException("a seasonality needs a baseline config and a kind, got " + baseline
                    + " and " + kind);
        }
    }
}
