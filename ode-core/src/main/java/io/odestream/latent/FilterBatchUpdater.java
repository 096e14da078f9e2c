package io.odestream.latent;

import io.odestream.ode.SolverException;
import java.util.List;

/**
 * The {@code java} backend of {@link BatchUpdater}: {@link LatentFilter#score} then
 * {@link LatentFilter#update}, row by row — exactly the job's unbatched path, and the reference the
 * DJL backend is checked against.
 */
public final class FilterBatchUpdater implements BatchUpdater {
    private final LatentFilter filter;

    public FilterBatchUpdater(LatentFilter filter) {
        this.filter = filter;
    }

    @Override
    public Outcome[] scoreAndUpdate(List<ObservationUpdate> updates) {
        Outcome[] outcomes = new Outcome[updates.size()];
        for (int i = 0; i < outcomes.length; i++) {
            outcomes[i] = scoreAndUpdate(filter, updates.get(i));
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
            return new Outcome(score, filter.update(u.state(), u.eventTimeMillis(), u.values(), u.mask()), null);
        } catch (SolverException e) {
            return Outcome.failed(e);
        }
    }
}
