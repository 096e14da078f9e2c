package io.odestream.latent;

import io.odestream.ode.SolverException;
import io.odestream.ode.rk.RungeKuttaSolver;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code java} backend of {@link BatchUpdater}: {@link LatentFilter#score} then
 * {@link LatentFilter#update} for every row, batched across the series — the scores' decoder solves
 * of all rows as one grouped solve ({@link BatchedScorer}), then the encoder's solves and the GRU
 * step ({@link BatchedEncoder}) — so the MLP kernels work on many series' rows at once. Each row's
 * outcome has the bits of the job's unbatched path ({@link #scoreAndUpdate(LatentFilter,
 * ObservationUpdate)}), the reference the DJL backend is checked against.
 */
public final class FilterBatchUpdater implements BatchUpdater {
    private final LatentFilter filter;
    private final BatchedScorer scorer;
    private final BatchedEncoder encoder;
    /** Per row of the current batch, reused: its score, why it failed, its next state. */
    private Score[] scores = new Score[0];
    private SolverException[] failures = new SolverException[0];
    private FilterState[] next = new FilterState[0];
    /** Per row the score step its next state carries: the score solve's last step, else the state's. */
    private double[] scoreSteps = new double[0];

    public FilterBatchUpdater(LatentFilter filter) {
        this.filter = filter;
        RungeKuttaSolver solver = LatentFilter.solverFor(filter.model().spec());
        this.scorer = new BatchedScorer(filter, solver);
        this.encoder = new BatchedEncoder(filter, solver);
    }

    @Override
    public Outcome[] scoreAndUpdate(List<ObservationUpdate> updates) {
        int n = updates.size();
        for (ObservationUpdate u : updates) {
            filter.checkObservation(u.state(), u.eventTimeMillis(), u.values(), u.mask());
        }
        if (scores.length < n) {
            scores = new Score[n];
            failures = new SolverException[n];
            next = new FilterState[n];
            scoreSteps = new double[n];
        }
        Arrays.fill(scores, 0, n, null);
        Arrays.fill(failures, 0, n, null);
        Arrays.fill(next, 0, n, null);
        for (int i = 0; i < n; i++) {
            scoreSteps[i] = updates.get(i).state().scoreStep();
        }
        scorer.score(updates, scores, failures, scoreSteps);
        encoder.update(updates, next, failures, scoreSteps);
        Outcome[] outcomes = new Outcome[n];
        for (int i = 0; i < n; i++) {
            outcomes[i] = failures[i] != null ? Outcome.failed(failures[i]) : new Outcome(scores[i], next[i], null);
        }
        return outcomes;
    }

    /** One row on the JVM: what the batch backends fall back to for a row their batch solve failed on. */
    public static Outcome scoreAndUpdate(LatentFilter filter, ObservationUpdate u) {
        try {
            Score score = u.scored()
                    ? filter.score(u.state(), u.eventTimeMillis(), u.values(), u.mask(), u.scoreMode(), u.scoreSamples(),
                            u.seed())
                    : null;
            // the next state carries the step the score's solve ended with, for the series' next score
            double scoreStep = score != null ? filter.lastScoreStep() : u.state().scoreStep();
            return new Outcome(score, filter.update(u.state(), u.eventTimeMillis(), u.values(), u.mask(), scoreStep),
                    null);
        } catch (SolverException e) {
            return Outcome.failed(e);
        }
    }
}
