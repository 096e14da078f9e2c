package io.odestream.ode.rk;

import io.odestream.ode.SolverException;
import io.odestream.ode.SolverException.Reason;
import io.odestream.ode.control.AdaptiveStep;
import io.odestream.ode.control.FixedStep;
import io.odestream.ode.control.PiStepController;
import io.odestream.ode.control.StepControl;

/**
 * The step policy of the explicit Runge–Kutta engines, on scalars only: the first step (the fixed
 * grid, a given first step, or Hairer's heuristic from norms the engine computes), the proposal
 * stretched to the end of the span, acceptance from the error ratio with the PI controller, retries
 * after a rejection, and when to give up (max steps, min step, a state that stays non-finite) with
 * which {@link SolverException}. The engines keep only the algebra on their data: stages, their
 * combinations and the error norm.
 *
 * <p>State is kept per row position in parallel arrays, grown by {@link #ensureRows} and reused, so
 * deciding a step allocates nothing; shared step control is every row taking the same decisions, an
 * engine with one batch-wide "row" uses position 0. Not thread-safe.
 *
 * <p>A decision that gives up returns {@code false} or {@link Verdict#FAILED}; the engine then asks
 * {@link #failure} for the exception and throws or records it, as its step-control mode requires.
 */
public final class StepPolicy {
    /** Consecutive non-finite error estimates after which a row is declared failed. */
    static final int MAX_NON_FINITE_RETRIES = 30;
    /** A fixed-step remainder below this fraction of a step is absorbed into the last step. */
    static final double GRID_SLACK = 1e-9;

    /** What became of an attempted step. */
    public enum Verdict {
        ACCEPTED, REJECTED, FAILED
    }

    private final String method;
    private final FixedStep fixed;
    private final AdaptiveStep adaptive;
    private final PiStepController controller;
    /** 1/(q+1): the step size scales with the error like h^(q+1). */
    private final double errorExponent;

    private int capacity;
    /** The next proposal (adaptive), or the signed grid spacing (fixed); NaN until chosen. */
    private double[] h;
    private double[] prevRatio;
    private boolean[] lastRejected;
    /** Steps tried so far, accepted and rejected, for the max-steps guard. */
    private int[] attempts;
    /** Consecutive rejections with a non-finite error ratio. */
    private int[] nonFinite;
    private int[] stepIndex;
    private int[] stepCount;
    private double[] gridStart;
    /** The step being tried (signed) and the time it ends at. */
    private double[] step;
    private double[] stepEnd;
    private Reason[] failReason;
    private double[] failStep;
    private String[] failDetail;

    public StepPolicy(ButcherTableau method, StepControl control) {
        if (method == null || control == null) {
            throw new IllegalArgumentException("a solver needs a method and a step control");
        }
        this.method = method.name();
        if (control instanceof FixedStep f) {
            this.fixed = f;
            this.adaptive = null;
            this.controller = null;
            this.errorExponent = Double.NaN;
        } else {
            AdaptiveStep a = (AdaptiveStep) control;
            if (!method.isAdaptive()) {
                throw new IllegalArgumentException("method " + method.name() + " has no error estimate, so it "
                        + "cannot adapt its step size; use StepControl.fixed(h) or an embedded pair such as "
                        + "dopri5, tsit5 or bosh3");
            }
            this.fixed = null;
            this.adaptive = a;
            this.controller = new PiStepController(a, method.errorOrder());
            this.errorExponent = 1.0 / (method.errorOrder() + 1);
        }
    }

    public boolean isAdaptive() {
        return adaptive != null;
    }

    /** The adaptive configuration (tolerances and norm for the engine's error estimate), or null for a fixed grid. */
    public AdaptiveStep adaptive() {
        return adaptive;
    }

    /** The fixed grid spacing, or NaN for adaptive control. */
    public double fixedStepSize() {
        return fixed == null ? Double.NaN : fixed.stepSize();
    }

    /** Makes room for {@code rows} row positions; keeps the arrays when they are large enough. */
    public void ensureRows(int rows) {
        if (rows <= capacity) {
            return;
        }
        h = new double[rows];
        prevRatio = new double[rows];
        lastRejected = new boolean[rows];
        attempts = new int[rows];
        nonFinite = new int[rows];
        stepIndex = new int[rows];
        stepCount = new int[rows];
        gridStart = new double[rows];
        step = new double[rows];
        stepEnd = new double[rows];
        failReason = new Reason[rows];
        failStep = new double[rows];
        failDetail = new String[rows];
        capacity = rows;
    }

    // ------------------------------------------------------------------ start

    /** Forgets row p's history: no step chosen yet, the controller's memory at DOPRI5's initial value. */
    public void start(int p) {
        h[p] = Double.NaN;
        prevRatio[p] = PiStepController.INITIAL_PREVIOUS_RATIO;
        lastRejected[p] = false;
        attempts[p] = 0;
        nonFinite[p] = 0;
        stepIndex[p] = 0;
        failReason[p] = null;
        failDetail[p] = null;
    }

    /**
     * Continues row p from a saved state: its controller memory, and its proposal unless that is
     * missing or points away from {@code tEnd} (then a fresh first step is chosen).
     */
    public void resume(int p, double proposal, double previousRatio, double t, double tEnd) {
        double direction = tEnd - t;
        if (Double.isFinite(proposal) && proposal != 0 && Math.signum(proposal) == Math.signum(direction)) {
            h[p] = proposal;
        }
        prevRatio[p] = previousRatio;
    }

    /**
     * Row p starts with a step of {@code size} towards {@code tEnd} (one carried over from an earlier
     * solve of the same system) when it is positive and finite; otherwise the first step is chosen as
     * for a fresh row. {@link #propose} shortens it to the span when the span is shorter.
     */
    public void carry(int p, double size, double t, double tEnd) {
        if (size > 0 && size != Double.POSITIVE_INFINITY) {
            h[p] = Math.copySign(size, tEnd - t);
        }
    }

    /**
     * Chooses row p's first step where no other source gives one: the fixed grid {@code t + k·h}
     * (last point moved to {@code tEnd}), or the configured first step.
     *
     * @return whether row p still needs Hairer's heuristic ({@link #initialTrialStep}, {@link #chooseInitialStep})
     */
    public boolean initialise(int p, double t, double tEnd) {
        if (fixed != null) {
            double span = Math.abs(tEnd - t);
            stepCount[p] = Math.max(1, (int) Math.ceil(span / fixed.stepSize() - GRID_SLACK));
            stepIndex[p] = 0;
            gridStart[p] = t;
            h[p] = Math.copySign(fixed.stepSize(), tEnd - t);
            return false;
        }
        if (!Double.isNaN(h[p])) {
            return false;
        }
        if (adaptive.hasFirstStep()) {
            h[p] = Math.copySign(adaptive.firstStep(), tEnd - t);
            return false;
        }
        return true;
    }

    /**
     * Hairer, Nørsett &amp; Wanner I, II.4 ("starting step size"), as torchdiffeq implements it, first
     * half: the trial step from {@code d0 = ‖z‖} and {@code d1 = ‖f(t, z)‖} (both scaled by the
     * tolerances), at which the engine evaluates the field once more.
     *
     * @return the signed trial step
     */
    public double initialTrialStep(int p, double d0, double d1, double t, double tEnd) {
        double h0 = (d0 < 1e-5 || d1 < 1e-5) ? 1e-6 : 0.01 * d0 / d1;
        step[p] = Math.copySign(h0, tEnd - t);
        return step[p];
    }

    /**
     * Second half of Hairer's heuristic: the first step from {@code d1} and
     * {@code d2 = ‖f(t + h0, z + h0·f(t, z)) − f(t, z)‖}. Rows resumed with a proposal keep it.
     *
     * @return false when the norms are not finite, so no first step can be chosen
     */
    public boolean chooseInitialStep(int p, double d1, double d2, double t, double tEnd) {
        if (!Double.isNaN(h[p])) {
            return true;
        }
        double h0 = Math.abs(step[p]);
        double dd2 = d2 / h0;
        double h1 = (d1 <= 1e-15 && dd2 <= 1e-15)
                ? Math.max(1e-6, h0 * 1e-3)
                : Math.pow(0.01 / Math.max(d1, dd2), errorExponent);
        double chosen = Math.min(100 * h0, h1);
        if (!Double.isFinite(chosen) || chosen <= 0) {
            return giveUp(p, Reason.NON_FINITE_STATE, step[p],
                    "the initial state or its derivative is not finite, so no first step can be chosen");
        }
        h[p] = Math.copySign(chosen, tEnd - t);
        return true;
    }

    // ------------------------------------------------------------------ one step

    /**
     * The next step of row p from time {@code t}: the next grid point, or the proposal, stretched to
     * {@code tEnd} when within 1 % of it (as DOPRI5 does, so no sliver of a step is left). Read it with
     * {@link #step} and {@link #stepEnd}.
     *
     * @return false when the row gives up: too many steps, or a step below minStep or round-off in t
     */
    public boolean propose(int p, double t, double tEnd) {
        if (fixed != null) {
            int next = stepIndex[p] + 1;
            stepEnd[p] = next == stepCount[p] ? tEnd : gridStart[p] + next * h[p];
            step[p] = stepEnd[p] - t;
            return true;
        }
        if (attempts[p] >= adaptive.maxSteps()) {
            return giveUp(p, Reason.MAX_STEPS_EXCEEDED, h[p], "took " + attempts[p] + " steps (maxSteps = "
                    + adaptive.maxSteps() + ") and is still " + Math.abs(tEnd - t) + " from the end at " + tEnd);
        }
        double proposal = h[p];
        double remaining = tEnd - t;
        boolean reachesEnd = Math.abs(1.01 * proposal) >= Math.abs(remaining);
        if (!reachesEnd && (Math.abs(proposal) < adaptive.minStep() || t + proposal == t)) {
            // After non-finite rejections the shrinking is the symptom, not the cause: say so.
            return nonFinite[p] > 0
                    ? giveUp(p, Reason.NON_FINITE_STATE, proposal,
                            "the state became NaN or infinite and smaller steps did not help")
                    : giveUp(p, Reason.STEP_SIZE_UNDERFLOW, proposal, "step size " + Math.abs(proposal)
                            + " is below minStep (" + adaptive.minStep() + ") or too small to change t");
        }
        step[p] = reachesEnd ? remaining : proposal;
        stepEnd[p] = reachesEnd ? tEnd : t + proposal;
        return true;
    }

    /** The signed size of row p's current step (or of the heuristic's trial step). */
    public double step(int p) {
        return step[p];
    }

    /** The time row p's current step ends at. */
    public double stepEnd(int p) {
        return stepEnd[p];
    }

    /**
     * Accepts (ratio ≤ 1) or rejects row p's adaptive step from its error ratio, and sets the next
     * proposal. A NaN or infinite ratio is a rejection with the smallest factor; after
     * {@value #MAX_NON_FINITE_RETRIES} of them in a row the row fails.
     */
    public Verdict judge(int p, double ratio) {
        attempts[p]++;
        if (ratio <= 1.0) {
            nonFinite[p] = 0;
            h[p] = step[p] * controller.afterAccept(ratio, prevRatio[p], lastRejected[p]);
            prevRatio[p] = PiStepController.remember(ratio);
            lastRejected[p] = false;
            return Verdict.ACCEPTED;
        }
        h[p] = step[p] * controller.afterReject(ratio);
        lastRejected[p] = true;
        if ((Double.isNaN(ratio) || Double.isInfinite(ratio)) && ++nonFinite[p] > MAX_NON_FINITE_RETRIES) {
            giveUp(p, Reason.NON_FINITE_STATE, step[p], "the state became NaN or infinite in " + nonFinite[p]
                    + " attempts with shrinking steps");
            return Verdict.FAILED;
        }
        return Verdict.REJECTED;
    }

    /** A fixed step has no error estimate: it is accepted unless its end state is not finite (then no retry helps). */
    public Verdict judgeFixed(int p, boolean endStateFinite) {
        if (endStateFinite) {
            return Verdict.ACCEPTED;
        }
        giveUp(p, Reason.NON_FINITE_STATE, step[p], "the state became NaN or infinite during the step");
        return Verdict.FAILED;
    }

    /** Row p moved to the end of its accepted step (the fixed grid counts its points). */
    public void advanced(int p) {
        stepIndex[p]++;
    }

    /** The proposal a later solve of row p would start with (NaN if none was chosen). */
    public double nextStep(int p) {
        return h[p];
    }

    /** The controller's remembered error ratio of row p. */
    public double previousRatio(int p) {
        return prevRatio[p];
    }

    /**
     * Why row p gave up, for the decision that last returned false or {@link Verdict#FAILED}.
     *
     * @param t   the time the row had reached
     * @param row the caller's index of the row (0 for a batch-wide row)
     */
    public SolverException failure(int p, double t, int row) {
        if (failReason[p] == null) {
            throw new IllegalStateException("row position " + p + " has not failed");
        }
        return new SolverException(failReason[p], method, t, failStep[p], row, failDetail[p]);
    }

    /** Moves row position {@code from}'s state to {@code to} (the engine keeps running rows contiguous). */
    public void move(int from, int to) {
        h[to] = h[from];
        prevRatio[to] = prevRatio[from];
        lastRejected[to] = lastRejected[from];
        attempts[to] = attempts[from];
        nonFinite[to] = nonFinite[from];
        stepIndex[to] = stepIndex[from];
        stepCount[to] = stepCount[from];
        gridStart[to] = gridStart[from];
        step[to] = step[from];
        stepEnd[to] = stepEnd[from];
        failReason[to] = failReason[from];
        failStep[to] = failStep[from];
        failDetail[to] = failDetail[from];
    }

    private boolean giveUp(int p, Reason reason, double stepSize, String detail) {
        failReason[p] = reason;
        failStep[p] = stepSize;
        failDetail[p] = detail;
        return false;
    }
}
