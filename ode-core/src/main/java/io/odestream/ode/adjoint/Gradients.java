package io.odestream.ode.adjoint;

import io.odestream.ode.SolverStats;

/**
 * Gradients of a loss on a solve's outputs.
 *
 * @param initialState dL/dz(t0), B×D row-major
 * @param parameters   dL/dθ, summed over rows
 * @param startTimes   dL/dt0 per row (NaN where not computed)
 * @param outputTimes  dL/dt_q per row and output time (NaN where not computed)
 * @param backward     the cost of the backward pass: the augmented solve's statistics for the
 *                     adjoint, vector–Jacobian products per row for back-propagation
 */
public record Gradients(double[] initialState, double[] parameters, double[] startTimes, double[][] outputTimes,
                        SolverStats backward) {
}
