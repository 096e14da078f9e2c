package io.odestream.latent;

import io.odestream.ode.SolverException;
import java.util.List;

/**
 * Answers many forecasts of one model in one call: the streaming job's micro-batching gathers the
 * forecast requests of many series over a few milliseconds and hands them over together, so that a
 * backend that pays per call (DJL on a GPU) does useful work per call. Implementations: the JVM
 * loop ({@link FilterBatchForecaster}, backend {@code java}) and the DJL backend ({@code djl}, in
 * ode-djl), found through {@link BatchBackend}.
 *
 * <p>Not thread-safe: one instance per operator subtask.
 */
public interface BatchForecaster extends AutoCloseable {

    /** The answer to one query: a prediction, or why the solver could not give one. */
    record Outcome(Prediction prediction, SolverException failure) {
        public Outcome {
            if ((prediction == null) == (failure == null)) {
                throw new IllegalArgumentException("an outcome is either a prediction or a failure");
            }
        }
    }

    /**
     * One outcome per query, in the order given. A query the solver fails on gets its failure; the
     * others are still answered.
     *
     * @throws IllegalArgumentException if a state belongs to another model than this forecaster's
     */
    Outcome[] predict(List<ForecastQuery> queries);

    /** Releases what the backend holds (device memory); the JVM backend holds nothing. */
    @Override
    default void close() {
    }
}
