package io.odestream.latent;

import io.odestream.ode.SolverException;
import io.odestream.ode.rk.RungeKuttaSolver;
import io.odestream.ode.rk.SolvedEnds;
import java.util.Arrays;
import java.util.List;

/**
 * {@link LatentFilter#score} for the due observations of many series at once: the decoder solves of
 * all series whose scores decode the same number of rows R (K samples, 2L + 1 sigma points or, along
 * the mean's path, the mean alone) run
 * as one grouped solve of B × R rows ({@link RungeKuttaSolver#solveGrouped}), each series' rows from
 * its own state's time to its own observation's time under their own step control, so that the MLP
 * kernels get B × R rows per evaluation instead of R. The posterior head and the readout run over
 * the whole batch too. Every row is computed as on its own, so each score has the bits of
 * {@link LatentFilter#score} (FilterBatchUpdaterTest); a series whose draws or solve fail gets the
 * failure, the others their scores.
 *
 * <p>Buffers grow to the largest batch and are reused. Not thread-safe: one per updater.
 */
final class BatchedScorer {
    private final LatentFilter filter;
    private final LatentOdeModel model;
    private final RungeKuttaSolver solver;
    private final int c;
    private final int l;
    private final int h;
    private final double unitMillis;

    private int capacitySeries;
    private int capacityRows;
    private double[] hiddens;
    private double[] moments;
    private double[] seriesMoments;
    private double[] seriesPoints;
    private double[] z0;
    private double[] latent;
    private double[] decoded;
    private double[] seriesDecoded;
    /** {@link ScoreMode#MEAN_PATH}: each group's sigma points at its state's time, and their carried readout. */
    private double[] startPoints;
    private double[] carried;
    private double[] starts;
    private double[] ends;
    /** Per group the step its series' last score ended with (0: none, Hairer's guess). */
    private double[] firstSteps;
    /** Update index of each group of the current solve. */
    private int[] member;
    /** Which updates of the current batch were scored (or failed) already. */
    private boolean[] done;

    BatchedScorer(LatentFilter filter, RungeKuttaSolver solver) {
        this.filter = filter;
        this.model = filter.model();
        this.solver = solver;
        LatentOdeSpec spec = model.spec();
        this.c = spec.channels();
        this.l = spec.latent();
        this.h = spec.hidden();
        this.unitMillis = spec.timeUnitMillis();
        this.seriesMoments = new double[2 * l];
        this.carried = new double[SigmaPoints.count(l) * c];
    }

    /**
     * Scores every update that asks for one: {@code scores[i]}, or {@code failures[i]} when its draws
     * or its solve failed; untouched for updates without a score. {@code scoreSteps[i]}: the step a
     * scored update's solve ended with, for its next state. The updates were checked
     * ({@link LatentFilter#checkObservation}).
     */
    void score(List<ObservationUpdate> updates, Score[] scores, SolverException[] failures, double[] scoreSteps) {
        int n = updates.size();
        if (done == null || done.length < n) {
            done = new boolean[Math.max(n, 2 * (done == null ? 0 : done.length))];
        }
        Arrays.fill(done, 0, n, false);
        for (int i = 0; i < n; i++) {
            ObservationUpdate u = updates.get(i);
            if (!done[i] && u.scored()) {
                scoreAllWithRows(updates, rowsOf(u), scores, failures, scoreSteps);
            }
        }
    }

    /** One grouped solve for the scored updates (not yet done) that decode {@code rows} rows each. */
    private void scoreAllWithRows(List<ObservationUpdate> updates, int rows, Score[] scores,
                                  SolverException[] failures, double[] scoreSteps) {
        int series = 0;
        for (int i = 0; i < updates.size(); i++) {
            ObservationUpdate u = updates.get(i);
            if (!done[i] && u.scored() && rowsOf(u) == rows) {
                series++;
            }
        }
        ensureCapacity(series, rows);
        int gathered = 0;
        for (int i = 0; i < updates.size(); i++) {
            ObservationUpdate u = updates.get(i);
            if (!done[i] && u.scored() && rowsOf(u) == rows) {
                done[i] = true;
                member[gathered] = i;
                System.arraycopy(u.state().hiddenView(), 0, hiddens, gathered * h, h);
                gathered++;
            }
        }
        model.posterior().forward(hiddens, moments, gathered);
        int groups = 0;
        for (int s = 0; s < gathered; s++) {
            int i = member[s];
            ObservationUpdate u = updates.get(i);
            System.arraycopy(moments, s * 2 * l, seriesMoments, 0, 2 * l);
            try {
                latentPoints(u, rows);
            } catch (SolverException e) {
                failures[i] = e;
                continue;
            }
            System.arraycopy(seriesPoints, 0, z0, groups * rows * l, rows * l);
            if (u.scoreMode() == ScoreMode.MEAN_PATH) {
                int points = SigmaPoints.count(l);
                System.arraycopy(seriesPoints, 0, startPoints, groups * points * l, points * l);
            }
            starts[groups] = 0.0;
            ends[groups] = filter.limits().solveTo((u.eventTimeMillis() - u.state().timeMillis()) / unitMillis);
            firstSteps[groups] = filter.carryingStep(u.state().scoreStep());
            member[groups] = i;
            groups++;
        }
        if (groups == 0) {
            return;
        }
        SolvedEnds s = solver.solveGroupedToEnds(model.decoderDynamics(), z0, rows, groups, starts, ends, firstSteps);
        double[] solved = s.finalStates();
        for (int g = 0; g < groups; g++) {
            int first = g * rows;
            if (s.failure(first) != null) {
                continue; // a failed solve throws on the per-series path before its evaluations are counted
            }
            filter.countEvaluations(s.evaluations(first));
            scoreSteps[member[g]] = filter.carried(s, first);
            System.arraycopy(solved, first * l, latent, first * l, rows * l);
        }
        model.readout().forward(latent, decoded, groups * rows);
        for (int g = 0; g < groups; g++) {
            int i = member[g];
            SolverException failure = s.failure(g * rows);
            if (failure != null) {
                failures[i] = failure;
                continue;
            }
            ObservationUpdate u = updates.get(i);
            System.arraycopy(decoded, g * rows * c, seriesDecoded, 0, rows * c);
            if (u.scoreMode() == ScoreMode.MEAN_PATH) {
                int points = SigmaPoints.count(l);
                System.arraycopy(startPoints, g * points * l, seriesPoints, 0, points * l);
                MeanPathPoints.carry(model, seriesPoints, points, seriesDecoded, carried);
                scores[i] = ObservationScore.gaussian(model, carried, points, u.values(), u.mask());
            } else {
                scores[i] = u.scoreMode() == ScoreMode.SIGMA_POINTS
                        ? ObservationScore.gaussian(model, seriesDecoded, rows, u.values(), u.mask())
                        : ObservationScore.of(model, seriesDecoded, rows, u.values(), u.mask());
            }
        }
    }

    /** The series' latent starting points into {@code seriesPoints}, as {@link LatentFilter#score} draws them. */
    private void latentPoints(ObservationUpdate u, int rows) {
        if (u.scoreMode() != ScoreMode.MONTE_CARLO) { // the mean's path solves row 0 of the sigma points
            SigmaPoints.fill(seriesMoments, l, seriesPoints, u.state());
        } else {
            PosteriorDraws.draw(seriesMoments, l, rows, u.seed(), seriesPoints, u.state());
        }
    }

    /** R: the rows a score solves. */
    private int rowsOf(ObservationUpdate u) {
        return switch (u.scoreMode()) {
            case SIGMA_POINTS -> SigmaPoints.count(l);
            case MEAN_PATH -> 1;
            case MONTE_CARLO -> u.scoreSamples();
        };
    }

    private void ensureCapacity(int series, int rows) {
        if (series > capacitySeries) {
            capacitySeries = Math.max(series, 2 * capacitySeries);
            hiddens = new double[capacitySeries * h];
            moments = new double[capacitySeries * 2 * l];
            starts = new double[capacitySeries];
            ends = new double[capacitySeries];
            firstSteps = new double[capacitySeries];
            member = new int[capacitySeries];
            startPoints = new double[capacitySeries * SigmaPoints.count(l) * l];
            capacityRows = 0; // the row buffers follow the series' capacity
        }
        if (rows > capacityRows) {
            capacityRows = rows;
            seriesPoints = new double[Math.max(rows, SigmaPoints.count(l)) * l]; // the mean's path fills every sigma point
            seriesDecoded = new double[rows * c];
            z0 = new double[capacitySeries * rows * l];
            latent = new double[capacitySeries * rows * l];
            decoded = new double[capacitySeries * rows * c];
        }
    }
}
