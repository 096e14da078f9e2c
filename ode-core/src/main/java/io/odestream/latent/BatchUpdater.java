package io.odestream.latent;

import io.odestream.ode.SolverException;
import java.util.List;

/**
 * Scores and absorbs observations of many series in one call: the streaming job's micro-batching
 * gathers the observations that are due across its series over a few milliseconds (at most one per
 * series per call, so each series still sees its observations in order) and hands them over
 * together. Row by row the result is {@link LatentFilter#score} on the state before the observation,
 * then {@link LatentFilter#update}. Implementations: the JVM loop ({@link FilterBatchUpdater}, backend
 * {@code java}) and the DJL backend ({@code djl}, in ode-djl), found through {@link BatchBackend}.
 *
 * <p>Not thread-safe: one instance per operator subtask.
 */
public interface BatchUpdater extends AutoCloseable {

    /**
     * The result of one row: the score (null when none was asked for) and the next state, or why the
     * solver failed; a failed row has neither, and its old state stays valid.
     */
    record Outcome(Score score, FilterState next, SolverException failure) {
        public Outcome {
            if ((next == null) == (failure == null)) {
                throw new IllegalArgumentException("an outcome is either a next state or a failure");
            }
            if (failure != null && score != null) {
                throw new IllegalArgumentException("a failed update has no score");
            }
        }

        public static Outcome failed(SolverException failure) {
            return new Outcome(null, null, failure);
        }
    }

    /**
     * One outcome per update, in the order given. A row the solver fails on gets its failure; the
     * others are still scored and absorbed.
     *
     * @throws IllegalArgumentException if a state belongs to another model than this updater's, or an
     *                                  observation is older than its state or of the wrong width
     */
    Outcome[] scoreAndUpdate(List<ObservationUpdate> updates);

    /** Releases what the backend holds (device memory); the JVM backend holds nothing. */
    @Override
    default void close() {
    }
}
