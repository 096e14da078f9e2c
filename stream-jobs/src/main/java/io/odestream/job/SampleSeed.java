package io.odestream.job;

/**
 * The Monte-Carlo seed of a sample, from what the sample is for, so a replay after a restore draws the
 * same samples. Shared by the forecasting job and shadow evaluation: a shadow reproduces the served
 * job's scores only with the same seeds.
 */
public final class SampleSeed {
    private SampleSeed() {
    }

    /** The seed for series or request {@code id} at event time {@code time}. */
    public static long of(String id, long time) {
        return id.hashCode() * 0x9E3779B97F4A7C15L ^ time;
    }
}
