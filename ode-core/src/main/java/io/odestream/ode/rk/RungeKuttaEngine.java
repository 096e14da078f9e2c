package io.odestream.ode.rk;

import io.odestream.ode.Solution;
import io.odestream.ode.SolveOptions;
import io.odestream.ode.SolverException;
import io.odestream.ode.SolverException.Reason;
import io.odestream.ode.SolverState;
import io.odestream.ode.VectorField;
import io.odestream.ode.control.AdaptiveStep;
import io.odestream.ode.control.ErrorNorm;
import io.odestream.ode.control.FixedStep;
import io.odestream.ode.control.PiStepController;
import io.odestream.ode.control.StepControl;
import io.odestream.ode.control.Tolerances;
import io.odestream.ode.event.EventOccurrence;
import java.util.Arrays;

/**
 * The one explicit Runge–Kutta stepping loop behind every method and both step-control modes.
 *
 * <p>Rows that are still running are kept contiguous at the front of every buffer (a row that
 * finishes is replaced by the last running row), so each vector-field call is one batched
 * evaluation over {@code active} contiguous rows. Shared step control is the special case in
 * which all rows have the same time and step size and the error norm runs over the whole batch;
 * every per-row decision then comes out the same for all rows.
 *
 * <p>Buffers are sized on first use and reused by later solves of the same or smaller shape: a
 * step allocates nothing. Not thread-safe; use one engine per thread.
 */
final class RungeKuttaEngine {
    /** Consecutive non-finite error estimates after which a row is declared failed. */
    private static final int MAX_NON_FINITE_RETRIES = 30;
    /** A fixed-step remainder below this fraction of a step is absorbed into the last step. */
    private static final double GRID_SLACK = 1e-9;

    private final ButcherTableau tab;
    private final FixedStep fixed;
    private final AdaptiveStep adaptive;
    private final PiStepController controller;
    private final int stages;
    private final int lastStage;

    // Workspace (position-indexed: p < active is a running row, perm[p] its caller index).
    private int capacityRows;
    private double[] z;
    private double[] y1;
    private double[] ytmp;
    private double[] scaled;
    private double[][] k;
    private double[] t;
    private double[] tNext;
    private double[] tStage;
    private double[] hStep;
    private double[] h;
    private double[] tEnd;
    private double[] tStart;
    private double[] prevRatio;
    private double[] ratio;
    private double[] stopAt;
    private double[] heuristicD0;
    private double[] heuristicD1;
    private double[] heuristicD2;
    private boolean[] lastRejected;
    private boolean[] accepted;
    private boolean[] finished;
    private int[] perm;
    private int[] stepIndex;
    private int[] stepCount;
    private int[] attempts;
    private int[] nonFinite;
    private int[] nextOutput;
    private final double[] weights;
    /** The non-zero terms of a shared-control {@link #combine}: their weights h·coefficient and stage slopes. */
    private final double[] termWeights;
    private final double[][] termSlopes;
    private double[] rowScratch;

    // Per-solve state.
    private int d;
    private int active;
    private boolean shared;
    private final EventTracker events = new EventTracker();
    private final EventTracker.StepInterpolant interpolant = this::interpolateAt;
    private SolutionBuilder result;

    RungeKuttaEngine(ButcherTableau tableau, StepControl control) {
        this.tab = tableau;
        this.stages = tableau.stages;
        this.lastStage = stages - 1;
        if (control instanceof FixedStep f) {
            this.fixed = f;
            this.adaptive = null;
            this.controller = null;
        } else {
            AdaptiveStep a = (AdaptiveStep) control;
            if (!tableau.isAdaptive()) {
                throw new IllegalArgumentException("method " + tableau.name() + " has no error estimate, so it "
                        + "cannot adapt its step size; use StepControl.fixed(h) or an embedded pair such as "
                        + "dopri5, tsit5 or bosh3");
            }
            this.fixed = null;
            this.adaptive = a;
            this.controller = new PiStepController(a, tableau.errorOrder());
        }
        this.weights = new double[tableau.interpolantStages];
        this.termWeights = new double[tableau.stages + 1];
        this.termSlopes = new double[tableau.stages + 1][];
    }

    // ------------------------------------------------------------------ the loop

    Solution run(VectorField f, double[] z0, int rows, double[] t0, double[][] times, boolean sharedControl,
                 SolveOptions options, SolverState resume) {
        begin(f.dimension(), rows, t0, times, sharedControl, options);
        result = new SolutionBuilder(tab, rows, d, t0, times, sharedControl, options.recordDense());
        for (int p = 0; p < rows; p++) {
            perm[p] = p;
            t[p] = t0[p];
            tStart[p] = t0[p];
            tEnd[p] = times[p][times[p].length - 1];
            prevRatio[p] = PiStepController.INITIAL_PREVIOUS_RATIO;
            lastRejected[p] = false;
            attempts[p] = 0;
            nonFinite[p] = 0;
            stepIndex[p] = 0;
            nextOutput[p] = 0;
            h[p] = Double.NaN;
        }
        System.arraycopy(z0, 0, z, 0, rows * d);
        active = rows;
        if (resume != null) {
            adoptResumeState(resume);
        }
        emitOutputsAtStart();
        finishRowsWithEmptySpan();
        if (active > 0) {
            evaluate(f, t, z, k[0]);
            initialiseStepSizes(f);
            initialiseEvents();
        }
        while (active > 0) {
            proposeSteps();
            if (active == 0) {
                break;
            }
            computeStages(f);
            decideAcceptance();
            completeAcceptedSteps(f);
            compact();
        }
        return buildSolution();
    }

    private void begin(int dimension, int rows, double[] t0, double[][] times, boolean sharedControl,
                       SolveOptions options) {
        this.d = dimension;
        this.shared = sharedControl;
        ensureCapacity(rows, dimension);
        if (adaptive != null) {
            adaptive.tolerances().checkDimension(dimension);
        }
        events.begin(options.events(), options.eventTolerance(), rows, dimension);
    }

    private void adoptResumeState(SolverState resume) {
        double[] nextStep = resume.nextStep();
        double[] previous = resume.previousRatio();
        for (int p = 0; p < active; p++) {
            double proposal = nextStep[p];
            double direction = tEnd[p] - t[p];
            // A proposal pointing the other way (or none) is useless: choose a fresh first step.
            if (Double.isFinite(proposal) && proposal != 0 && Math.signum(proposal) == Math.signum(direction)) {
                h[p] = proposal;
            }
            prevRatio[p] = previous[p];
        }
    }

    // ------------------------------------------------------------------ set-up

    private void emitOutputsAtStart() {
        for (int p = 0; p < active; p++) {
            int r = perm[p];
            double[] times = result.times[r];
            while (nextOutput[p] < times.length && times[nextOutput[p]] == t[p]) {
                System.arraycopy(z, p * d, result.outputs[r], nextOutput[p] * d, d);
                nextOutput[p]++;
            }
        }
    }

    private void finishRowsWithEmptySpan() {
        boolean any = false;
        for (int p = 0; p < active; p++) {
            if (t[p] == tEnd[p]) {
                finished[p] = true;
                any = true;
            }
        }
        if (any) {
            compact();
        }
    }

    private void initialiseStepSizes(VectorField f) {
        if (fixed != null) {
            for (int p = 0; p < active; p++) {
                double span = Math.abs(tEnd[p] - t[p]);
                stepCount[p] = Math.max(1, (int) Math.ceil(span / fixed.stepSize() - GRID_SLACK));
                stepIndex[p] = 0;
                tStart[p] = t[p];
                h[p] = Math.copySign(fixed.stepSize(), tEnd[p] - t[p]);
            }
            return;
        }
        boolean needHeuristic = false;
        for (int p = 0; p < active; p++) {
            if (Double.isNaN(h[p])) {
                if (adaptive.hasFirstStep()) {
                    h[p] = Math.copySign(adaptive.firstStep(), tEnd[p] - t[p]);
                } else {
                    needHeuristic = true;
                }
            }
        }
        if (needHeuristic) {
            hairerInitialStep(f);
        }
    }

    /**
     * Hairer, Nørsett &amp; Wanner I, II.4 ("starting step size"), as torchdiffeq implements it,
     * with the norm of the step control (per row, or over the batch in shared control). Costs one
     * evaluation of the field.
     */
    private void hairerInitialStep(VectorField f) {
        Tolerances tol = adaptive.tolerances();
        ErrorNorm norm = adaptive.norm();
        double rtol = tol.rtol();
        double[] k0 = k[0];
        double[] d0 = heuristicD0;
        double[] d1 = heuristicD1;
        int n = active * d;
        for (int i = 0; i < n; i++) {
            scaled[i] = z[i] / (tol.atol(i % d) + Math.abs(z[i]) * rtol);
        }
        normsInto(norm, d0);
        for (int i = 0; i < n; i++) {
            scaled[i] = k0[i] / (tol.atol(i % d) + Math.abs(z[i]) * rtol);
        }
        normsInto(norm, d1);
        for (int p = 0; p < active; p++) {
            double h0 = (d0[p] < 1e-5 || d1[p] < 1e-5) ? 1e-6 : 0.01 * d0[p] / d1[p];
            hStep[p] = Math.copySign(h0, tEnd[p] - t[p]);
            tStage[p] = t[p] + hStep[p];
            int base = p * d;
            for (int j = 0; j < d; j++) {
                ytmp[base + j] = z[base + j] + hStep[p] * k0[base + j];
            }
        }
        double[] f1 = k[1 % k.length];
        evaluate(f, tStage, ytmp, f1);
        for (int i = 0; i < n; i++) {
            scaled[i] = (f1[i] - k0[i]) / (tol.atol(i % d) + Math.abs(z[i]) * rtol);
        }
        double[] d2 = heuristicD2;
        normsInto(norm, d2);
        double exponent = 1.0 / (tab.errorOrder() + 1);
        for (int p = 0; p < active; p++) {
            if (!Double.isNaN(h[p])) {
                continue; // came from a resumed state
            }
            double h0 = Math.abs(hStep[p]);
            double dd2 = d2[p] / h0;
            double h1 = (d1[p] <= 1e-15 && dd2 <= 1e-15)
                    ? Math.max(1e-6, h0 * 1e-3)
                    : Math.pow(0.01 / Math.max(d1[p], dd2), exponent);
            double chosen = Math.min(100 * h0, h1);
            if (!Double.isFinite(chosen) || chosen <= 0) {
                fail(p, Reason.NON_FINITE_STATE, hStep[p],
                        "the initial state or its derivative is not finite, so no first step can be chosen");
                continue;
            }
            h[p] = Math.copySign(chosen, tEnd[p] - t[p]);
        }
    }

    private void initialiseEvents() {
        for (int p = 0; p < active; p++) {
            events.initialise(p, perm[p], t[p], z, p * d, d);
        }
    }

    // ------------------------------------------------------------------ one step

    private void proposeSteps() {
        for (int p = 0; p < active; p++) {
            if (finished[p]) {
                continue;
            }
            if (fixed != null) {
                int next = stepIndex[p] + 1;
                tNext[p] = next == stepCount[p] ? tEnd[p] : tStart[p] + next * h[p];
                hStep[p] = tNext[p] - t[p];
                continue;
            }
            if (attempts[p] >= adaptive.maxSteps()) {
                fail(p, Reason.MAX_STEPS_EXCEEDED, h[p], "took " + attempts[p] + " steps (maxSteps = "
                        + adaptive.maxSteps() + ") and is still " + Math.abs(tEnd[p] - t[p]) + " from the end at "
                        + tEnd[p]);
                continue;
            }
            double proposal = h[p];
            double remaining = tEnd[p] - t[p];
            // Like DOPRI5: stretch to the end when within 1 % of it, so no sliver of a step is left.
            boolean reachesEnd = Math.abs(1.01 * proposal) >= Math.abs(remaining);
            if (!reachesEnd && (Math.abs(proposal) < adaptive.minStep() || t[p] + proposal == t[p])) {
                fail(p, nonFinite[p] > 0 ? Reason.NON_FINITE_STATE : Reason.STEP_SIZE_UNDERFLOW, proposal,
                        nonFinite[p] > 0
                                ? "the state became NaN or infinite and smaller steps did not help"
                                : "step size " + Math.abs(proposal) + " is below minStep (" + adaptive.minStep()
                                        + ") or too small to change t");
                continue;
            }
            hStep[p] = reachesEnd ? remaining : proposal;
            tNext[p] = reachesEnd ? tEnd[p] : t[p] + proposal;
        }
        compact();
    }

    private void computeStages(VectorField f) {
        double[][] a = tab.a;
        double[] c = tab.c;
        for (int s = 1; s < stages; s++) {
            double[] target = (tab.fsal && s == lastStage) ? y1 : ytmp;
            double[] row = a[s];
            for (int p = 0; p < active; p++) {
                tStage[p] = t[p] + c[s] * hStep[p];
            }
            combine(target, row, s);
            evaluate(f, tStage, target, k[s]);
        }
        if (!tab.fsal) {
            combine(y1, tab.b, stages);
        }
    }

    /**
     * {@code target = z + h Σ_{i<count} coefficients[i] k_i}, per row with its own h; zero terms
     * are skipped, the others added in stage order.
     */
    private void combine(double[] target, double[] coefficients, int count) {
        if (shared) {
            combineShared(target, coefficients, count);
            return;
        }
        for (int p = 0; p < active; p++) {
            int base = p * d;
            int end = base + d;
            System.arraycopy(z, base, target, base, d);
            for (int i = 0; i < count; i++) {
                double w = hStep[p] * coefficients[i];
                if (w == 0.0) {
                    continue;
                }
                double[] ki = k[i];
                for (int j = base; j < end; j++) {
                    target[j] += w * ki[j];
                }
            }
        }
    }

    /**
     * {@link #combine} for one step size: two terms per pass over the state (the adjoint's state is
     * thousands of values, and a pass per term was most of its cost outside the field), summed in
     * the same order as one term at a time, so the bits are the same.
     */
    private void combineShared(double[] target, double[] coefficients, int count) {
        int n = active * d;
        double hs = hStep[0];
        int terms = 0;
        for (int i = 0; i < count; i++) {
            double w = hs * coefficients[i];
            if (w != 0.0) {
                termWeights[terms] = w;
                termSlopes[terms] = k[i];
                terms++;
            }
        }
        if (terms == 0) {
            System.arraycopy(z, 0, target, 0, n);
            return;
        }
        int next;
        double w0 = termWeights[0];
        double[] k0 = termSlopes[0];
        if (terms == 1) {
            for (int j = 0; j < n; j++) {
                target[j] = z[j] + w0 * k0[j];
            }
            next = 1;
        } else {
            double w1 = termWeights[1];
            double[] k1 = termSlopes[1];
            for (int j = 0; j < n; j++) {
                target[j] = z[j] + w0 * k0[j] + w1 * k1[j];
            }
            next = 2;
        }
        for (; next + 1 < terms; next += 2) {
            double wa = termWeights[next];
            double wb = termWeights[next + 1];
            double[] ka = termSlopes[next];
            double[] kb = termSlopes[next + 1];
            for (int j = 0; j < n; j++) {
                target[j] = target[j] + wa * ka[j] + wb * kb[j];
            }
        }
        if (next < terms) {
            double w = termWeights[next];
            double[] kn = termSlopes[next];
            for (int j = 0; j < n; j++) {
                target[j] += w * kn[j];
            }
        }
    }

    private void decideAcceptance() {
        if (fixed != null) {
            for (int p = 0; p < active; p++) {
                accepted[p] = allFinite(y1, p * d, d);
                if (!accepted[p]) {
                    fail(p, Reason.NON_FINITE_STATE, hStep[p], "the state became NaN or infinite during the step");
                }
            }
            return;
        }
        scaleErrors();
        normsInto(adaptive.norm(), ratio);
        for (int p = 0; p < active; p++) {
            double r = ratio[p];
            attempts[p]++;
            if (r <= 1.0) {
                accepted[p] = true;
                nonFinite[p] = 0;
                h[p] = hStep[p] * controller.afterAccept(r, prevRatio[p], lastRejected[p]);
                prevRatio[p] = PiStepController.remember(r);
                lastRejected[p] = false;
                result.accepted(perm[p]);
            } else {
                accepted[p] = false;
                h[p] = hStep[p] * controller.afterReject(r);
                lastRejected[p] = true;
                result.rejected(perm[p]);
                if (Double.isNaN(r) || Double.isInfinite(r)) {
                    if (++nonFinite[p] > MAX_NON_FINITE_RETRIES) {
                        fail(p, Reason.NON_FINITE_STATE, hStep[p], "the state became NaN or infinite in "
                                + nonFinite[p] + " attempts with shrinking steps");
                    }
                }
            }
        }
    }

    /** {@code scaled = h Σ e_i k_i / (atol + rtol·max(|z|, |y1|))} for every running row. */
    private void scaleErrors() {
        Tolerances tol = adaptive.tolerances();
        double rtol = tol.rtol();
        double[] e = tab.errorWeights;
        int n = active * d;
        Arrays.fill(scaled, 0, n, 0.0);
        for (int i = 0; i < stages; i++) {
            if (e[i] == 0.0) {
                continue;
            }
            double[] ki = k[i];
            double w = e[i];
            for (int j = 0; j < n; j++) {
                scaled[j] += w * ki[j];
            }
        }
        boolean scalarAtol = !tol.isPerComponent();
        double atol0 = tol.atol(0);
        for (int p = 0; p < active; p++) {
            double hs = hStep[p];
            int base = p * d;
            for (int j = 0; j < d; j++) {
                int i = base + j;
                double atol = scalarAtol ? atol0 : tol.atol(j);
                scaled[i] = hs * scaled[i] / (atol + rtol * Math.max(Math.abs(z[i]), Math.abs(y1[i])));
            }
        }
    }

    private void normsInto(ErrorNorm norm, double[] out) {
        if (shared) {
            double v = norm.of(scaled, 0, active, d);
            Arrays.fill(out, 0, active, v);
        } else {
            for (int p = 0; p < active; p++) {
                out[p] = norm.of(scaled, p * d, 1, d);
            }
        }
    }

    private void completeAcceptedSteps(VectorField f) {
        boolean anyAccepted = false;
        boolean allAccepted = true;
        boolean needEndDerivative = false;
        for (int p = 0; p < active; p++) {
            if (finished[p] || !accepted[p]) {
                allAccepted = false;
                continue;
            }
            anyAccepted = true;
            if (fixed != null) {
                stepIndex[p]++;
                result.accepted(perm[p]);
            }
            needEndDerivative |= tNext[p] != tEnd[p] || hasOutputInside(p);
        }
        if (!anyAccepted) {
            return;
        }
        double[] kLast = k[lastStage];
        if (tab.interpolantNeedsEndDerivative()) {
            kLast = k[stages];
            if (needEndDerivative || result.dense != null || !events.isEmpty()) {
                evaluate(f, tNext, y1, kLast);
            }
        }
        if (!events.isEmpty()) {
            locateEvents();
        }
        boolean anyStopped = false;
        for (int p = 0; p < active; p++) {
            if (!finished[p] && accepted[p]) {
                emitOutputs(p);
                if (result.dense != null) {
                    result.dense.record(perm[p], t[p], hStep[p], z, k, p * d);
                }
                anyStopped |= !Double.isNaN(stopAt[p]);
            }
        }
        commit(kLast, allAccepted && !anyStopped);
    }

    private boolean hasOutputInside(int p) {
        double[] times = result.times[perm[p]];
        int q = nextOutput[p];
        return q < times.length && (times[q] - tNext[p]) * (tNext[p] - t[p]) < 0;
    }

    private void emitOutputs(int p) {
        int r = perm[p];
        double[] times = result.times[r];
        double limit = Double.isNaN(stopAt[p]) ? tNext[p] : stopAt[p];
        double direction = hStep[p];
        while (nextOutput[p] < times.length && (times[nextOutput[p]] - limit) * direction <= 0) {
            double tq = times[nextOutput[p]];
            int dest = nextOutput[p] * d;
            if (tq == tNext[p]) {
                System.arraycopy(y1, p * d, result.outputs[r], dest, d);
            } else {
                interpolate(p, tq, result.outputs[r], dest);
            }
            nextOutput[p]++;
        }
    }

    /** Row p's state at time tq inside the current step, from the method's interpolant. */
    private void interpolate(int p, double tq, double[] out, int offset) {
        double theta = (tq - t[p]) / hStep[p];
        tab.interpolationWeights(theta, weights);
        int base = p * d;
        System.arraycopy(z, base, out, offset, d);
        for (int i = 0; i < tab.interpolantStages; i++) {
            double w = hStep[p] * weights[i];
            if (w == 0.0) {
                continue;
            }
            double[] ki = k[i];
            for (int j = 0; j < d; j++) {
                out[offset + j] += w * ki[base + j];
            }
        }
    }

    // ------------------------------------------------------------------ events

    private void locateEvents() {
        double earliestShared = Double.NaN;
        events.startStep();
        for (int p = 0; p < active; p++) {
            stopAt[p] = Double.NaN;
            if (finished[p] || !accepted[p]) {
                continue;
            }
            double stop = events.check(p, perm[p], t[p], tNext[p], y1, p * d, d, interpolant);
            stopAt[p] = stop;
            if (!Double.isNaN(stop) && (Double.isNaN(earliestShared) || (stop - earliestShared) * hStep[p] < 0)) {
                earliestShared = stop;
            }
        }
        if (shared && !Double.isNaN(earliestShared)) {
            for (int p = 0; p < active; p++) {
                stopAt[p] = earliestShared;
            }
        }
        for (EventOccurrence o : events.found()) {
            int p = positionOf(o.row());
            if (Double.isNaN(stopAt[p]) || (o.time() - stopAt[p]) * hStep[p] <= 0) {
                result.occurred(o);
            }
        }
    }

    /** Row p's state at {@code time} within the current step: y1 itself at the end, else the interpolant. */
    private void interpolateAt(int p, double time, double[] out, int offset) {
        if (time == tNext[p]) {
            System.arraycopy(y1, p * d, out, offset, d);
        } else {
            interpolate(p, time, out, offset);
        }
    }

    private int positionOf(int row) {
        for (int p = 0; p < active; p++) {
            if (perm[p] == row) {
                return p;
            }
        }
        throw new IllegalStateException("row " + row + " is not running");
    }

    // ------------------------------------------------------------------ bookkeeping

    /** Moves accepted rows to the end of their step (or to their terminal event). */
    private void commit(double[] kLast, boolean wholeBatch) {
        if (wholeBatch) {
            // Every row advanced to tNext: swap buffers instead of copying.
            double[] swap = z;
            z = y1;
            y1 = swap;
            if (kLast != k[0]) {
                int slot = kLast == k[stages - 1] ? stages - 1 : stages;
                k[slot] = k[0];
                k[0] = kLast;
            }
            for (int p = 0; p < active; p++) {
                t[p] = tNext[p];
                finished[p] = t[p] == tEnd[p];
            }
            return;
        }
        for (int p = 0; p < active; p++) {
            if (finished[p] || !accepted[p]) {
                continue;
            }
            int base = p * d;
            if (!Double.isNaN(stopAt[p])) {
                interpolateAt(p, stopAt[p], rowScratch, 0);
                System.arraycopy(rowScratch, 0, z, base, d);
                t[p] = stopAt[p];
                finished[p] = true;
                continue;
            }
            System.arraycopy(y1, base, z, base, d);
            System.arraycopy(kLast, base, k[0], base, d);
            t[p] = tNext[p];
            finished[p] = t[p] == tEnd[p];
        }
    }

    /** Retires finished rows: records their final state, fills the gap with the last running row. */
    private void compact() {
        for (int p = active - 1; p >= 0; p--) {
            if (!finished[p]) {
                continue;
            }
            int r = perm[p];
            result.retire(r, z, p * d, t[p], h[p], prevRatio[p]);
            int last = active - 1;
            if (p != last) {
                moveRow(last, p);
            }
            finished[last] = false;
            active--;
        }
    }

    private void moveRow(int from, int to) {
        System.arraycopy(z, from * d, z, to * d, d);
        System.arraycopy(y1, from * d, y1, to * d, d);
        for (double[] stage : k) {
            System.arraycopy(stage, from * d, stage, to * d, d);
        }
        t[to] = t[from];
        tNext[to] = tNext[from];
        hStep[to] = hStep[from];
        h[to] = h[from];
        tEnd[to] = tEnd[from];
        tStart[to] = tStart[from];
        prevRatio[to] = prevRatio[from];
        ratio[to] = ratio[from];
        stopAt[to] = stopAt[from];
        lastRejected[to] = lastRejected[from];
        accepted[to] = accepted[from];
        finished[to] = finished[from];
        perm[to] = perm[from];
        stepIndex[to] = stepIndex[from];
        stepCount[to] = stepCount[from];
        attempts[to] = attempts[from];
        nonFinite[to] = nonFinite[from];
        nextOutput[to] = nextOutput[from];
        events.move(from, to);
    }

    private void fail(int p, Reason reason, double step, String detail) {
        SolverException failure = new SolverException(reason, tab.name(), t[p], step, perm[p], detail);
        if (shared) {
            throw failure;
        }
        result.failed(perm[p], failure);
        finished[p] = true;
        accepted[p] = false;
    }

    private void evaluate(VectorField f, double[] times, double[] state, double[] out) {
        f.evaluate(times, state, out, active);
        result.evaluated(perm, active);
    }

    private static boolean allFinite(double[] v, int offset, int n) {
        for (int i = offset; i < offset + n; i++) {
            if (!Double.isFinite(v[i])) {
                return false;
            }
        }
        return true;
    }

    private Solution buildSolution() {
        Solution solution = result.build();
        result = null; // nothing of this solve is kept beyond it
        events.end();
        return solution;
    }

    private void ensureCapacity(int rows, int dimension) {
        // The state buffers hold rows × dimension values: size them by that product, since one solver
        // serves calls of different shapes (a filter's encoder, 1 × H, and decoder, K × L).
        if (z == null || rows * dimension > z.length) {
            int n = rows * dimension;
            z = new double[n];
            y1 = new double[n];
            ytmp = new double[n];
            scaled = new double[n];
            k = new double[tab.interpolantStages][n];
        }
        if (rows > capacityRows) {
            t = new double[rows];
            tNext = new double[rows];
            tStage = new double[rows];
            hStep = new double[rows];
            h = new double[rows];
            tEnd = new double[rows];
            tStart = new double[rows];
            prevRatio = new double[rows];
            ratio = new double[rows];
            stopAt = new double[rows];
            heuristicD0 = new double[rows];
            heuristicD1 = new double[rows];
            heuristicD2 = new double[rows];
            lastRejected = new boolean[rows];
            accepted = new boolean[rows];
            finished = new boolean[rows];
            perm = new int[rows];
            stepIndex = new int[rows];
            stepCount = new int[rows];
            attempts = new int[rows];
            nonFinite = new int[rows];
            nextOutput = new int[rows];
            capacityRows = rows;
        }
        if (rowScratch == null || rowScratch.length < dimension) {
            rowScratch = new double[dimension];
        }
        Arrays.fill(stopAt, 0, rows, Double.NaN);
        Arrays.fill(finished, 0, rows, false);
        Arrays.fill(accepted, 0, rows, false);
    }
}
