package io.odestream.ode;

/**
 * Everything needed to continue a solve later — a key's state between two events in a stream:
 * per row the time reached, the state, the step size the controller proposed next and the
 * controller's memory. Immutable; arrays are copied in and out.
 *
 * @param rows          B
 * @param dimension     D
 * @param time          per-row time reached
 * @param state         B×D states, row-major
 * @param nextStep      per-row signed step-size proposal (NaN: none, e.g. for a fixed-step solve)
 * @param previousRatio per-row error ratio of the last accepted step (PI controller memory)
 */
public record SolverState(int rows, int dimension, double[] time, double[] state, double[] nextStep,
                          double[] previousRatio) {

    public SolverState {
        if (rows < 1 || dimension < 1) {
            throw new IllegalArgumentException("solver state needs rows >= 1 and dimension >= 1");
        }
        if (time.length != rows || nextStep.length != rows || previousRatio.length != rows
                || state.length != rows * dimension) {
            throw new IllegalArgumentException("solver state arrays do not match rows=" + rows + ", D=" + dimension);
        }
        time = time.clone();
        state = state.clone();
        nextStep = nextStep.clone();
        previousRatio = previousRatio.clone();
    }

    @Override
    public double[] time() {
        return time.clone();
    }

    @Override
    public double[] state() {
        return state.clone();
    }

    @Override
    public double[] nextStep() {
        return nextStep.clone();
    }

    /** Row {@code row}'s proposal for the step after its last one, signed (NaN if none was chosen). */
    public double nextStep(int row) {
        return nextStep[row];
    }

    @Override
    public double[] previousRatio() {
        return previousRatio.clone();
    }

    /**
     * The same controller memory with new states, e.g. after an observation updated them
     * (the ODE-RNN jump): time and step-size proposals carry over.
     */
    public SolverState withState(double[] newState) {
        if (newState.length != rows * dimension) {
            throw new IllegalArgumentException("new state has " + newState.length + " values, expected " + rows * dimension);
        }
        return new SolverState(rows, dimension, time, newState, nextStep, previousRatio);
    }
}
