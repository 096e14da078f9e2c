package io.odestream.job.forecast;

import io.odestream.classify.RiskHead;
import io.odestream.job.ServingModel;
import io.odestream.schema.RiskScore;
import java.time.Instant;

/**
 * The job's optional risk output: after an observation is absorbed, the risk head reads the series'
 * new hidden state and one {@link RiskScore} goes to {@link PosteriorUpdater#RISK_SCORES}. The head
 * scores into its own scratch; the record (and its event-time instant) is all that is allocated.
 */
final class RiskScorer {
    private final RiskHead head;
    private final UpdaterOutput out;

    RiskScorer(RiskHead head, UpdaterOutput out) {
        this.head = head;
        this.out = out;
    }

    RiskHead head() {
        return head;
    }

    /** The score of the state {@code s} holds now, at the absorbed observation's time {@code t}. */
    void score(SeriesState s, String seriesId, long t, ServingModel m) {
        if (s.hidden == null) {
            return; // a restart that could not encode even its first observation: no state, nothing to score
        }
        out.emit(PosteriorUpdater.RISK_SCORES,
                new RiskScore(seriesId, Instant.ofEpochMilli(t), head.probability(s.hidden), m.version(), head.headId()));
    }

    /**
     * Refuses a served model whose hidden state the head cannot read.
     *
     * @return null when it can, else why not
     */
    String cannotRead(ServingModel m) {
        try {
            head.requireInputs(m.filter.model().spec().hidden(), "model '" + m.modelId() + "' version " + m.version());
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }
}
