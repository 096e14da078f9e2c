package io.odestream.latent;

import io.odestream.ode.SolverException;
import java.util.List;

/**
 * The {@code java} backend of {@link BatchForecaster}: {@link LatentFilter#predict} query by query,
 * the same numbers as the job's unbatched path. On the JVM a batch buys nothing per row (the filter's
 * solves are already allocation-light at B = 1); it exists so that micro-batching can be switched on
 * and tested without a device, and as the reference the DJL backend is checked against.
 */
public final class FilterBatchForecaster implements BatchForecaster {
    private final LatentFilter filter;

    public FilterBatchForecaster(LatentFilter filter) {
        this.filter = filter;
    }

    @Override
    public Outcome[] predict(List<ForecastQuery> queries) {
        Outcome[] outcomes = new Outcome[queries.size()];
        for (int i = 0; i < outcomes.length; i++) {
            ForecastQuery q = queries.get(i);
            try {
                outcomes[i] = new Outcome(filter.predict(q.state(), q.queryTimesMillis(), q.samples(), q.seed()), null);
            } catch (SolverException e) {
                outcomes[i] = new Outcome(null, e);
            }
        }
        return outcomes;
    }
}
