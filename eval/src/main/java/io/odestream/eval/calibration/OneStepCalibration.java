package io.odestream.eval.calibration;

import io.odestream.latent.FilterState;
import io.odestream.latent.LatentFilter;
import io.odestream.ode.SolverException;

/**
 * The calibration of one-step-ahead forecasts over one series, strictly online as the job serves
 * them: each row's PIT is taken from the filter state before it (the predictive distribution the job
 * would answer at the row's time), then the row updates the state. A row whose forecast or update
 * fails in the solver gets no PIT and the filter restarts from it, as the NAB detector does.
 */
public final class OneStepCalibration {
    private OneStepCalibration() {
    }

    /**
     * @param timesMillis non-decreasing times, one per row
     * @param values      {@code values[row][channel]}, non-finite = missing
     * @param fromRow     rows before it update the state but are not scored (the model's fit rows)
     * @param keep        which rows count (e.g. not injected anomalies); null: all
     * @param samples     posterior samples per forecast
     * @param seed        seed of row i's samples is {@code seed + i}
     * @return the PIT values of every observed channel of the rows scored, and the solver failures
     */
    public static Result run(LatentFilter filter, long[] timesMillis, double[][] values, int fromRow,
                             java.util.function.IntPredicate keep, int samples, long seed) {
        PitCalibration pit = new PitCalibration();
        int failures = 0;
        FilterState state = null;
        for (int i = 0; i < timesMillis.length; i++) {
            long t = timesMillis[i];
            if (state != null && i >= fromRow && (keep == null || keep.test(i))) {
                try {
                    for (double u : filter.predictiveCdf(state, t, values[i], samples, seed + i)) {
                        pit.add(u);
                    }
                } catch (SolverException e) {
                    failures++;
                    state = null; // restart from this row, as the detector does: the state left the model's range
                }
            }
            try {
                state = filter.update(state == null ? filter.start(t) : state, t, values[i], null);
            } catch (SolverException e) {
                failures++;
                state = filter.update(filter.start(t), t, values[i], null);
            }
        }
        return new Result(pit, failures);
    }

    /** The PIT values gathered and how many rows failed in the solver. */
    public record Result(PitCalibration pit, int solverFailures) {
    }
}
