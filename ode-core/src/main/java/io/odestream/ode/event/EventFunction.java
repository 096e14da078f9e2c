package io.odestream.ode.event;

/**
 * A scalar function {@code g(t, z)} of one row's state whose roots are events, e.g. "the first
 * component crosses a threshold". Evaluated on the dense output while the root is located, so it
 * must be cheap and free of side effects.
 */
@FunctionalInterface
public interface EventFunction {

    /**
     * @param row    the row's index in the caller's batch (not the solver's internal order)
     * @param t      time
     * @param z      array holding the row's state
     * @param offset index of the row's first component in {@code z}
     * @param d      number of components
     */
    double value(int row, double t, double[] z, int offset, int d);
}
