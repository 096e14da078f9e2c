package io.odestream.ode.rk;

import io.odestream.ode.Solution;
import io.odestream.ode.SolveOptions;
import io.odestream.ode.SolverException;
import io.odestream.ode.SolverState;
import io.odestream.ode.VectorField;
import io.odestream.ode.control.AdaptiveStep;
import io.odestream.ode.control.ErrorNorm;
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
 * <p>Every step-size decision (first step, proposal, acceptance, when to give up) is the
 * {@link StepPolicy}'s, taken per row position; this class does the algebra on double[] batches.
 *
 * <p>Buffers are sized on first use and reused by later solves of the same or smaller shape: a
 * step allocates nothing. Not thread-safe; use one engine per thread.
 */
final class RungeKuttaEngine {
    private final ButcherTableau tab;
    private final StepPolicy policy;
    /** The adaptive configuration, or null for a fixed grid. */
    private final AdaptiveStep adaptive;
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
    private double[] tEnd;
    private double[] ratio;
    private double[] stopAt;
    private double[] heuristicD0;
    private double[] heuristicD1;
    private double[] heuristicD2;
    private boolean[] accepted;
    private boolean[] finished;
    /** Rows whose first step is Hairer's guess (no carried or configured one). */
    private boolean[] guessing;
    private int[] perm;
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
    /**
     * Rows per controller: 1 per-row, the whole batch in shared control, else a grouped solve's
     * group size (groups stay contiguous and in order, so a group's error norm sums as a solve of it alone).
     */
    private int groupSize;
    private final EventTracker events = new EventTracker();
    private final EventTracker.StepInterpolant interpolant = this::interpolateAt;
    private SolutionBuilder result;

    RungeKuttaEngine(ButcherTableau tableau, StepControl control) {
        this.tab = tableau;
        this.stages = tableau.stages;
        this.lastStage = stages - 1;
        this.policy = new StepPolicy(tableau, control);
        this.adaptive = policy.adaptive();
        this.weights = new double[tableau.interpolantStages];
        this.termWeights = new double[tableau.stages + 1];
        this.termSlopes = new double[tableau.stages + 1][];
    }

    // ------------------------------------------------------------------ the loop

    Solution run(VectorField f, double[] z0, int rows, double[] t0, double[][] times, boolean sharedControl,
                 SolveOptions options, SolverState resume) {
        return run(f, z0, rows, sharedControl ? rows : 1, sharedControl, t0, times, options, resume, null);
    }

    /**
     * As {@link #run(VectorField, double[], int, double[], double[][], boolean, SolveOptions, SolverState)}
     * with one step controller per {@code group} consecutive rows, which must share their start and
     * output times; without {@code sharedControl} a failing group fails alone instead of the solve.
     * {@code firstSteps} (null: none) gives row r's first step size, {@code firstSteps[r]}, where it is
     * positive and finite: a step carried over from an earlier solve, in place of Hairer's guess.
     */
    Solution run(VectorField f, double[] z0, int rows, int group, boolean sharedControl, double[] t0,
                 double[][] times, SolveOptions options, SolverState resume, double[] firstSteps) {
        this.groupSize = group;
        begin(f.dimension(), rows, t0, times, sharedControl, options);
        result = new SolutionBuilder(tab, rows, d, t0, times, sharedControl, options.recordDense());
        step(f, z0, rows, t0, times, resume, firstSteps);
        return buildSolution();
    }

    /**
     * A grouped solve (as {@link #run}, without events, dense output or a resumed state) whose outcome
     * is collected in {@code ends}, reset for it, instead of a new {@link Solution}: a per-event
     * caller's solve that allocates nothing once the buffers have grown.
     */
    SolvedEnds runToEnds(VectorField f, double[] z0, int rows, int group, double[] t0, double[][] times,
                         double[] firstSteps, SolutionBuilder ends) {
        this.groupSize = group;
        begin(f.dimension(), rows, t0, times, false, SolveOptions.DEFAULT);
        result = ends.reset(rows, d, t0, times, false);
        step(f, z0, rows, t0, times, null, firstSteps);
        result = null;
        events.end();
        return ends;
    }

    /** The stepping loop of a solve {@link #begin} set up, into {@link #result}. */
    private void step(VectorField f, double[] z0, int rows, double[] t0, double[][] times, SolverState resume,
                      double[] firstSteps) {
        for (int p = 0; p < rows; p++) {
            perm[p] = p;
            t[p] = t0[p];
            tEnd[p] = times[p][times[p].length - 1];
            nextOutput[p] = 0;
            policy.start(p);
            if (firstSteps != null) {
                policy.carry(p, firstSteps[p], t0[p], tEnd[p]);
            }
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
            policy.resume(p, nextStep[p], previous[p], t[p], tEnd[p]);
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
        boolean needHeuristic = false;
        for (int p = 0; p < active; p++) {
            guessing[p] = policy.initialise(p, t[p], tEnd[p]);
            needHeuristic |= guessing[p];
        }
        if (needHeuristic) {
            hairerInitialStep(f);
        }
    }

    /**
     * The norms of Hairer's initial-step heuristic ({@link StepPolicy#initialTrialStep}), with the
     * norm of the step control (per row, or over the batch in shared control), for every running row
     * (resumed rows keep their proposal). Costs one evaluation of the field.
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
            hStep[p] = policy.initialTrialStep(p, d0[p], d1[p], t[p], tEnd[p]);
            tStage[p] = t[p] + hStep[p];
            int base = p * d;
            for (int j = 0; j < d; j++) {
                ytmp[base + j] = z[base + j] + hStep[p] * k0[base + j];
            }
        }
        double[] f1 = k[1 % k.length];
        // counted for the rows that guess only: a row with a carried step costs what it costs alone
        f.evaluate(tStage, ytmp, f1, active);
        result.evaluated(perm, active, guessing);
        for (int i = 0; i < n; i++) {
            scaled[i] = (f1[i] - k0[i]) / (tol.atol(i % d) + Math.abs(z[i]) * rtol);
        }
        double[] d2 = heuristicD2;
        normsInto(norm, d2);
        for (int p = 0; p < active; p++) {
            if (!policy.chooseInitialStep(p, d1[p], d2[p], t[p], tEnd[p])) {
                fail(p);
            }
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
            if (!policy.propose(p, t[p], tEnd[p])) {
                fail(p);
                continue;
            }
            hStep[p] = policy.step(p);
            tNext[p] = policy.stepEnd(p);
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
            combineShared(target, coefficients, count, hStep[0], 0, active * d);
            return;
        }
        if (groupSize > 1) {
            for (int p = 0; p < active; p += groupSize) {
                combineShared(target, coefficients, count, hStep[p], p * d, (p + groupSize) * d);
            }
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
     * {@link #combine} for one step size {@code hs} over the values {@code [from, to)} (the batch in
     * shared control, a group in a grouped solve): two terms per pass over the state (the adjoint's
     * state is thousands of values, and a pass per term was most of its cost outside the field),
     * summed in the same order as one term at a time, so the bits are the same.
     */
    private void combineShared(double[] target, double[] coefficients, int count, double hs, int from, int to) {
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
            System.arraycopy(z, from, target, from, to - from);
            return;
        }
        int next;
        double w0 = termWeights[0];
        double[] k0 = termSlopes[0];
        if (terms == 1) {
            for (int j = from; j < to; j++) {
                target[j] = z[j] + w0 * k0[j];
            }
            next = 1;
        } else {
            double w1 = termWeights[1];
            double[] k1 = termSlopes[1];
            for (int j = from; j < to; j++) {
                target[j] = z[j] + w0 * k0[j] + w1 * k1[j];
            }
            next = 2;
        }
        for (; next + 1 < terms; next += 2) {
            double wa = termWeights[next];
            double wb = termWeights[next + 1];
            double[] ka = termSlopes[next];
            double[] kb = termSlopes[next + 1];
            for (int j = from; j < to; j++) {
                target[j] = target[j] + wa * ka[j] + wb * kb[j];
            }
        }
        if (next < terms) {
            double w = termWeights[next];
            double[] kn = termSlopes[next];
            for (int j = from; j < to; j++) {
                target[j] += w * kn[j];
            }
        }
    }

    private void decideAcceptance() {
        if (adaptive != null) {
            scaleErrors();
            normsInto(adaptive.norm(), ratio);
        }
        for (int p = 0; p < active; p++) {
            StepPolicy.Verdict verdict = adaptive != null
                    ? policy.judge(p, ratio[p])
                    : policy.judgeFixed(p, allFinite(y1, p * d, d));
            accepted[p] = verdict == StepPolicy.Verdict.ACCEPTED;
            if (accepted[p]) {
                result.accepted(perm[p]);
            } else if (adaptive != null) {
                result.rejected(perm[p]);
            }
            if (verdict == StepPolicy.Verdict.FAILED) {
                fail(p);
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
        } else if (groupSize > 1) {
            for (int p = 0; p < active; p += groupSize) {
                double v = norm.of(scaled, p * d, groupSize, d);
                Arrays.fill(out, p, p + groupSize, v);
            }
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
                policy.advanced(p);
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
            policy.advanced(p);
            finished[p] = t[p] == tEnd[p];
        }
    }

    /** Retires finished rows: records their final state, fills the gap with the last running row. */
    private void compact() {
        if (groupSize > 1 && !shared) {
            compactGroups();
            return;
        }
        for (int p = active - 1; p >= 0; p--) {
            if (!finished[p]) {
                continue;
            }
            int r = perm[p];
            result.retire(r, z, p * d, t[p], policy.nextStep(p), policy.previousRatio(p));
            int last = active - 1;
            if (p != last) {
                moveRow(last, p);
            }
            finished[last] = false;
            active--;
        }
    }

    /**
     * {@link #compact} for a grouped solve: a group finishes as one (its rows share every step
     * decision), and the last running group moves into its place row by row, in order, so that
     * groups stay contiguous and each one's rows keep the order its error norm sums them in.
     */
    private void compactGroups() {
        for (int start = active - groupSize; start >= 0; start -= groupSize) {
            if (!finished[start]) {
                continue;
            }
            for (int j = 0; j < groupSize; j++) {
                int p = start + j;
                result.retire(perm[p], z, p * d, t[p], policy.nextStep(p), policy.previousRatio(p));
            }
            int lastStart = active - groupSize;
            for (int j = 0; j < groupSize; j++) {
                if (start != lastStart) {
                    moveRow(lastStart + j, start + j);
                }
                finished[lastStart + j] = false;
            }
            active -= groupSize;
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
        tEnd[to] = tEnd[from];
        ratio[to] = ratio[from];
        stopAt[to] = stopAt[from];
        accepted[to] = accepted[from];
        finished[to] = finished[from];
        perm[to] = perm[from];
        nextOutput[to] = nextOutput[from];
        policy.move(from, to);
        events.move(from, to);
    }

    /** Row p gave up (the policy says why): the whole solve in shared control, else only the row. */
    private void fail(int p) {
        SolverException failure = policy.failure(p, t[p], perm[p]);
        if (shared) {
            throw failure;
        }
        // A group gives up as one, so that it finishes as one (compactGroups).
        int first = groupSize > 1 ? p - p % groupSize : p;
        for (int q = first; q < first + groupSize && q < active; q++) {
            if (!finished[q]) {
                result.failed(perm[q], failure);
            }
            finished[q] = true;
            accepted[q] = false;
        }
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
            tEnd = new double[rows];
            ratio = new double[rows];
            stopAt = new double[rows];
            heuristicD0 = new double[rows];
            heuristicD1 = new double[rows];
            heuristicD2 = new double[rows];
            accepted = new boolean[rows];
            finished = new boolean[rows];
            guessing = new boolean[rows];
            perm = new int[rows];
            nextOutput = new int[rows];
            capacityRows = rows;
        }
        policy.ensureRows(rows);
        if (rowScratch == null || rowScratch.length < dimension) {
            rowScratch = new double[dimension];
        }
        Arrays.fill(stopAt, 0, rows, Double.NaN);
        Arrays.fill(finished, 0, rows, false);
        Arrays.fill(accepted, 0, rows, false);
    }
}
