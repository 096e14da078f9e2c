package io.odestream.job.forecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.classify.RiskHead;
import io.odestream.classify.RiskHeadSpec;
import io.odestream.job.ServingModel;
import io.odestream.job.TestModels;
import io.odestream.schema.AlertKind;
import io.odestream.schema.AnomalyAlert;
import io.odestream.schema.ModelArtifact;
import io.odestream.schema.RiskScore;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The risk output inside the per-series operator: a score carries the head's probability of the
 * series' current hidden state, and a model whose hidden state the head cannot read is never served
 * (rejected on arrival, or the job refuses to start on it after a restore).
 */
class RiskScorerTest {
    private static final ModelArtifact V1 = TestModels.signed(1, 11);
    private static final int HIDDEN = ServingModel.of(V1).filter.model().spec().hidden();

    private final UpdaterSettings settings = UpdaterSettings.defaults(TestModels.MODEL_ID, TestModels.VERIFIER);
    private final OperatorParts.HeapBroadcastState<String, ModelArtifact> serving = new OperatorParts.HeapBroadcastState<>();
    private final UpdaterMetrics metrics = OperatorParts.metrics();
    private final OperatorParts.CollectingOutput output = new OperatorParts.CollectingOutput();
    private final UpdaterOutput out = new UpdaterOutput(output, metrics);

    private RiskScorer scorer(int inputs) {
        return new RiskScorer(RiskHead.load(RiskHeads.seeded(RiskHeadSpec.RES_NET, inputs)), out);
    }

    @Test
    void aScoreIsTheHeadsProbabilityOfTheSeriesStateAtTheObservationsTime() {
        RiskScorer scorer = scorer(HIDDEN);
        SeriesState s = new SeriesState();
        s.hidden = new double[HIDDEN];
        for (int j = 0; j < HIDDEN; j++) {
            s.hidden[j] = 0.3 * j - 1;
        }

        scorer.score(s, "bed-7", 1_000L, ServingModel.of(V1));

        List<RiskScore> scores = output.side(PosteriorUpdater.RISK_SCORES);
        assertEquals(1, scores.size());
        RiskScore r = scores.get(0);
        assertEquals("bed-7", r.getSeriesId());
        assertEquals(1_000L, r.getEventTime().toEpochMilli());
        assertEquals(1L, r.getModelVersion());
        assertEquals("test-head/1", r.getHeadId());
        assertEquals(scorer.head().probability(s.hidden.clone()), r.getProbability(), 0.0);
    }

    @Test
    void aSeriesWithoutStateGetsNoScore() {
        scorer(HIDDEN).score(new SeriesState(), "bed-7", 1_000L, ServingModel.of(V1));

        assertTrue(output.side(PosteriorUpdater.RISK_SCORES).isEmpty());
    }

    @Test
    void aModelWhoseHiddenStateTheHeadCannotReadIsRejectedWithTheReason() throws Exception {
        ModelGate gate = new ModelGate(settings, serving, metrics, out, true);
        gate.readBy(scorer(HIDDEN + 3));

        assertFalse(gate.admit(V1, 0), "not served");

        assertNull(gate.served());
        List<AnomalyAlert> rejected = output.side(PosteriorUpdater.ALERTS).stream()
                .filter(a -> a.getKind() == AlertKind.MODEL_REJECTED).toList();
        assertEquals(1, rejected.size());
        assertTrue(rejected.get(0).getMessage().contains("reads a hidden state of " + (HIDDEN + 3)),
                rejected.get(0).getMessage());
    }

    @Test
    void aModelTheHeadReadsIsServed() throws Exception {
        ModelGate gate = new ModelGate(settings, serving, metrics, out, true);
        gate.readBy(scorer(HIDDEN));

        assertTrue(gate.admit(V1, 0));
    }

    @Test
    void aRestoredModelTheHeadCannotReadStopsTheJobAtStart() throws Exception {
        ModelGate gate = new ModelGate(settings, serving, metrics, out, true);
        assertTrue(gate.admit(V1, 0)); // what the restored broadcast state holds

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> gate.readBy(scorer(HIDDEN + 1)));

        assertTrue(e.getMessage().contains("keeps " + HIDDEN), e.getMessage());
    }
}
