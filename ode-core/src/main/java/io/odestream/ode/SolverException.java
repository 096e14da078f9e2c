package io.odestream.ode;

import io.odestream.UserFacingException;
import java.util.Locale;

/**
 * A solve that could not continue. Carries where it stopped (time, step size, row) and why,
 * and its message says what to try — the opposite of torchdiffeq's bare "underflow in dt".
 */
public final class SolverException extends UserFacingException {
    private static final long serialVersionUID = 1L;

    /** Why a solve stopped. */
    public enum Reason {
        /** The step size became too small to make progress (below minStep or below round-off in t). */
        STEP_SIZE_UNDERFLOW("raise the tolerances (rtol/atol) or lower minStep; a step size collapsing like this "
                + "usually means a singularity, very stiff dynamics, or a state blowing up near this time"),
        /** More steps than allowed were needed. */
        MAX_STEPS_EXCEEDED("raise maxSteps, loosen rtol/atol, or shorten the time span; if the dynamics are stiff "
                + "an explicit method needs very many steps"),
        /** The state or its derivative became NaN or infinite. */
        NON_FINITE_STATE("check the dynamics (a division by zero, an overflow, or parameters that are NaN) and the "
                + "initial state; for an adaptive method, smaller steps did not help"),
        /** A filter's predictive gave finite observed values zero density: its state no longer fits the series. */
        PREDICTIVE_COLLAPSED("the series restarts from its next observations; if it keeps happening, its values have "
                + "left the range the model was trained on: fine-tune or retrain the model on recent data");

        private final String whatToTry;

        Reason(String whatToTry) {
            this.whatToTry = whatToTry;
        }

        public String whatToTry() {
            return whatToTry;
        }
    }

    private final Reason reason;
    private final double time;
    private final double stepSize;
    private final int row;

    public SolverException(Reason reason, String method, double time, double stepSize, int row, String detail) {
        super(String.format(Locale.ROOT, "%s: %s at t=%.17g, h=%.6g, row %d: %s. What to try: %s", method,
                reason.name().toLowerCase(Locale.ROOT).replace('_', ' '), time, stepSize, row, detail,
                reason.whatToTry()));
        this.reason = reason;
        this.time = time;
        this.stepSize = stepSize;
        this.row = row;
    }

    public Reason reason() {
        return reason;
    }

    /** Time reached when the solve stopped. */
    public double time() {
        return time;
    }

    /** The step size that was being tried. */
    public double stepSize() {
        return stepSize;
    }

    /** The row (caller's index) that failed; in shared step control, the row whose error dominated or 0. */
    public int row() {
        return row;
    }
}
