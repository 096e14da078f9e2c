package io.odestream.flow;

/**
 * How a continuous normalizing flow computes {@code tr(∂f/∂z)}, the rate at which the log-density
 * changes along a trajectory (Chen et al. 2018, Theorem 1).
 */
public enum TraceMode {
    /** The trace itself: deterministic, what small dimensions use. */
    EXACT,
    /**
     * Hutchinson's estimator {@code εᵀ(∂f/∂z)ε} with one Rademacher vector ε per sample, held fixed
     * over the whole solve (FFJORD, Grathwohl et al. 2019): unbiased, with a variance that the
     * exact trace does not have.
     */
    HUTCHINSON
}
