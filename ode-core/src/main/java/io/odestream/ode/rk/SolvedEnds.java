package io.odestream.ode.rk;

import io.odestream.ode.SolverException;

/**
 * Where the rows of a solve to one end time each finished ({@link RungeKuttaSolver#solveGroupedToEnds}):
 * what a per-event caller reads, without a {@link io.odestream.ode.Solution} built for it. The solver
 * reuses it, so it is valid until that solver's next solve.
 */
public interface SolvedEnds {

    /**
     * Row r's state at its end time at {@code [r·D, (r + 1)·D)}, rows in the caller's order (a view:
     * read, do not keep; it may be longer than the solve's rows × D). A failed row's values are not
     * meaningful.
     */
    double[] finalStates();

    /** Row r's proposal for the step after its last one, signed (NaN if none was chosen). */
    double nextStep(int row);

    /** Vector-field evaluations that computed row r (the batch's evaluations it took part in). */
    int evaluations(int row);

    /** Why row r (its whole group) gave up, or null. */
    SolverException failure(int row);
}
