package io.odestream.eval.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The detector with the flow scorer, on {@link LatentOdeDetectorTest}'s series: the flow, fitted on
 * the fit rows' residuals, is what the scores come from (they are not the Gaussian's), every scored
 * row gets a finite score, and the 20 σ spike is still the most anomalous row.
 */
class LatentOdeDetectorFlowScorerTest {
    private static DetectorOutput flow;

    @BeforeAll
    static void runBoth() {
        LatentOdeDetectorTest.runOnce();
        flow = new LatentOdeDetector(LatentOdeDetectorTest.FAST)
                .withFlowScorer(new LatentOdeDetector.FlowScorerRecipe(8, 100))
                .run(LatentOdeDetectorTest.times, LatentOdeDetectorTest.values, LatentOdeDetectorTest.FIT);
    }

    @Test
    void scoresComeFromTheFlowAndTheSpikeStaysTheMostAnomalousRow() {
        int fit = LatentOdeDetectorTest.FIT;
        int argMax = fit;
        for (int i = fit; i < LatentOdeDetectorTest.ROWS; i++) {
            assertTrue(Double.isFinite(flow.rawScore()[i]), "row " + i);
            if (flow.rawScore()[i] > flow.rawScore()[argMax]) {
                argMax = i;
            }
        }
        assertEquals(LatentOdeDetectorTest.SPIKE, argMax, "highest flow negative log density");
        assertNotEquals(LatentOdeDetectorTest.output.rawScore()[fit + 1], flow.rawScore()[fit + 1],
                "the flow's score, not the Gaussian's");
        assertEquals(0, flow.solverFailures());
    }
}
