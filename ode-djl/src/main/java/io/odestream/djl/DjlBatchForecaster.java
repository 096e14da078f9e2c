package io.odestream.djl;

import io.odestream.latent.BatchForecaster;
import io.odestream.latent.FilterBatchForecaster;
import io.odestream.latent.FilterState;
import io.odestream.latent.ForecastQuery;
import io.odestream.latent.LatentFilter;
import io.odestream.latent.Prediction;
import io.odestream.ode.SolverException;
import io.odestream.schema.ModelArtifact;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code djl} backend of the streaming job's micro-batched forecasts: a batch's queries,
 * grouped by their sample count, each group one {@link DjlLatentPredictor#predict} call (one
 * batched device solve). When a group's solve fails, its queries are answered one by one on the
 * JVM, so that only the series at fault gets a failure and the others their forecasts.
 */
public final class DjlBatchForecaster implements BatchForecaster {
    /**
     * Rows per device solve on a CPU: beyond ~16k rows PyTorch's per-row cost rose 6.6× (tensors
     * out of cache, DjlPredictBenchmark); a GPU takes the whole batch in one solve.
     */
    static final int CPU_MAX_ROWS_PER_SOLVE = 16_384;

    private final DjlLatentPredictor predictor;
    private final FilterBatchForecaster fallback;

    public DjlBatchForecaster(ModelArtifact artifact, DjlDevice device) {
        this.predictor = DjlLatentPredictor.init(artifact, device,
                device.isGpu() ? Integer.MAX_VALUE : CPU_MAX_ROWS_PER_SOLVE);
        this.fallback = new FilterBatchForecaster(LatentFilter.init(artifact));
    }

    @Override
    public Outcome[] predict(List<ForecastQuery> queries) {
        Outcome[] outcomes = new Outcome[queries.size()];
        Map<Integer, List<Integer>> bySamples = new LinkedHashMap<>();
        for (int i = 0; i < queries.size(); i++) {
            bySamples.computeIfAbsent(queries.get(i).samples(), s -> new ArrayList<>()).add(i);
        }
        for (Map.Entry<Integer, List<Integer>> group : bySamples.entrySet()) {
            List<Integer> rows = group.getValue();
            FilterState[] states = new FilterState[rows.size()];
            long[][] times = new long[rows.size()][];
            long[] seeds = new long[rows.size()];
            for (int k = 0; k < rows.size(); k++) {
                ForecastQuery q = queries.get(rows.get(k));
                states[k] = q.state();
                times[k] = q.queryTimesMillis();
                seeds[k] = q.seed();
            }
            try {
                Prediction[] predictions = predictor.predict(states, times, group.getKey(), seeds);
                for (int k = 0; k < rows.size(); k++) {
                    outcomes[rows.get(k)] = new Outcome(predictions[k], null);
                }
            } catch (SolverException e) {
                List<ForecastQuery> one = new ArrayList<>(rows.size());
                for (int row : rows) {
                    one.add(queries.get(row));
                }
                Outcome[] each = fallback.predict(one);
                for (int k = 0; k < rows.size(); k++) {
                    outcomes[rows.get(k)] = each[k];
                }
            }
        }
        return outcomes;
    }

    @Override
    public void close() {
        predictor.close();
    }
}
