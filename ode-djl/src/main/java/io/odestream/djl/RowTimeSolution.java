package io.odestream.djl;

import io.odestream.ode.SolverStats;

/**
 * A shared-step solve's states at per-row times ({@link DjlRungeKutta#solveToRowTimes}).
 *
 * @param states [row][q·D + j]: row r's state at its q-th time
 * @param stats  evaluations and steps of the one batched solve (the same for every row)
 */
public record RowTimeSolution(double[][] states, SolverStats stats) {
}
