package io.odestream.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.latent.LatentOdeModel;
import io.odestream.latent.LatentOdeSpec;
import io.odestream.nn.Activation;
import io.odestream.schema.ModelArtifact;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The gate before publishing: a candidate with a non-finite parameter, another architecture, no
 * improvement or a worse loss is rejected and the reason says which; the held-out loss is the same
 * number for the same model, windows and seed.
 */
class CandidateCheckTest {
    private static final CandidateCheck CHECK = new CandidateCheck(new CandidateCheck.Config(0.05, 0.1, 2, 21));
    private static final List<TrainingWindow> HELD_OUT = FineTuneRoundTest.reservoirOf(
            FineTuneRoundTest.sines(3, 40, 9), 0.5).heldOutWindows();

    @Test
    void aCandidateWithANaNParameterIsRejectedNamingTheParameter() {
        LatentOdeModel parent = model();
        LatentOdeModel candidate = model();
        int offset = candidate.parameters().offset("decoder.dynamics.0.weight");
        candidate.parameters().values()[offset + 3] = Double.NaN;
        candidate.parametersChanged();

        CandidateCheck.Verdict verdict = CHECK.judge(parent, candidate, HELD_OUT);

        assertFalse(verdict.publish());
        assertTrue(verdict.reason().contains("non-finite parameter: decoder.dynamics.0.weight[3]"), verdict.reason());
    }

    @Test
    void aWorseCandidateIsRejectedWithBothLosses() {
        LatentOdeModel parent = model();
        LatentOdeModel candidate = model();
        // Corrupt the readout: the candidate's forecasts are off by far more than the noise.
        SplittableRandom random = new SplittableRandom(1);
        double[] theta = candidate.parameters().values();
        int readout = candidate.parameters().offset("readout.0.weight");
        for (int i = readout; i < readout + candidate.parameters().slice("readout.0.weight").size(); i++) {
            theta[i] += 2 * random.nextGaussian();
        }
        candidate.parametersChanged();

        CandidateCheck.Verdict verdict = CHECK.judge(parent, candidate, HELD_OUT);

        assertFalse(verdict.publish());
        assertTrue(verdict.candidateLoss() > verdict.parentLoss(), verdict.reason());
        assertTrue(verdict.reason().startsWith("candidate is not better by the margin"), verdict.reason());
        assertTrue(verdict.improvement() < 0);
    }

    @Test
    void anUnchangedCandidateFailsAPositiveMarginAndPassesAZeroOne() {
        CandidateCheck.Verdict withMargin = CHECK.judge(model(), model(), HELD_OUT);
        assertFalse(withMargin.publish(), withMargin.reason());
        assertEquals(withMargin.parentLoss(), withMargin.candidateLoss(),
                "same model, windows and seed: the same loss, bit for bit");
        CandidateCheck.Verdict noMargin = new CandidateCheck(new CandidateCheck.Config(0.0, 0.1, 2, 21))
                .judge(model(), model(), HELD_OUT);
        assertTrue(noMargin.publish(), noMargin.reason());
    }

    @Test
    void aCandidateOfAnotherArchitectureIsRejected() {
        LatentOdeSpec wider = new LatentOdeSpec(1, 1, 3, 6, new int[] {8}, new int[] {8}, Activation.TANH, 1000.0,
                "dopri5", 1e-3, 1e-4, new double[] {0}, new double[] {1});
        CandidateCheck.Verdict verdict = CHECK.judge(model(), LatentOdeModel.create(wider, 1), HELD_OUT);
        assertFalse(verdict.publish());
        assertTrue(verdict.reason().contains("keep the architecture"), verdict.reason());
    }

    @Test
    void theHeldOutLossIsDeterministicForASeed() {
        LatentOdeModel model = model();
        double loss = HeldOutLoss.of(model, HELD_OUT, 0.1, 2, 5);
        assertEquals(loss, HeldOutLoss.of(model, HELD_OUT, 0.1, 2, 5), 0.0);
        assertTrue(loss != HeldOutLoss.of(model, HELD_OUT, 0.1, 2, 6), "the noise comes from the seed");
    }

    @Test
    void heldOutWindowsAreSeenInModelUnits() {
        LatentOdeSpec spec = new LatentOdeSpec(1, 1, 2, 3, new int[] {4}, new int[] {4}, Activation.TANH, 500.0,
                "dopri5", 1e-3, 1e-4, new double[] {10}, new double[] {2});
        TrainingWindow w = new TrainingWindow("s", new long[] {1000, 1500, 2500}, new double[][] {{12}, {Double.NaN},
            {6}}, 2);
        var batch = HeldOutLoss.batch(spec, List.of(w));
        // time relative to the window's start in units of 500 ms; values (v - 10) / 2; NaN masked out.
        assertEquals(List.of(0.0, 1.0, 3.0), java.util.Arrays.stream(batch.times()[0]).boxed().toList());
        assertEquals(1.0, batch.values()[0][0][0]);
        assertEquals(0.0, batch.mask()[0][1][0]);
        assertEquals(-2.0, batch.values()[0][2][0]);
        assertEquals(1.0, batch.mask()[0][2][0]);
        assertEquals(2, batch.split());
    }

    private static LatentOdeModel model() {
        ModelArtifact a = LatentOdeModel.create(FineTuneRoundTest.SPEC, 5).toArtifact("m", 1, null, Map.of(), Map.of());
        return LatentOdeModel.fromArtifact(a);
    }
}
