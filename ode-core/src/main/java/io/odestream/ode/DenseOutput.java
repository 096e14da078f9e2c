package io.odestream.ode;

/** A recorded trajectory that can be evaluated at any time within each row's solved span. */
public interface DenseOutput {

    /** Writes row {@code row}'s state at time {@code t} into {@code out[offset .. offset + D)}. */
    void interpolate(int row, double t, double[] out, int offset);
}
