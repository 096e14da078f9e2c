package io.odestream.kafka;

import java.io.Serializable;

/**
 * How many channels (the model's observation dimension D) a series' observations must have.
 * The serving model knows D; the job passes it in here.
 */
@FunctionalInterface
public interface ExpectedChannels extends Serializable {
    /** Returned when any count is acceptable (no model yet, or series not constrained). */
    int ANY = -1;

    /** The expected number of values for {@code seriesId}, or {@link #ANY}. */
    int forSeries(String seriesId);

    static ExpectedChannels any() {
        return seriesId -> ANY;
    }

    static ExpectedChannels exactly(int channels) {
        if (channels < 1) {
            throw new IllegalArgumentException("expected channel count must be >= 1, got " + channels);
        }
        return seriesId -> channels;
    }
}
