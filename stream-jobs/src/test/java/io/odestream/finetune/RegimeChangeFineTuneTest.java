package io.odestream.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.demo.DemoModel;
import io.odestream.latent.LatentOdeModel;
import io.odestream.latent.LatentOdeTraining;
import io.odestream.schema.ModelArtifact;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The bundled demo model meets a stream whose dynamics change: every frequency doubles (the fast
 * oscillation's period goes from ~15 s to ~7.5 s). Its held-out loss on the new regime is worse
 * than on the regime it was trained for; one fine-tuning round on new-regime windows yields a
 * candidate that beats it on held-out new-regime windows by more than the margin.
 *
 * <p>The streams: {@link RegimeChange}.
 */
class RegimeChangeFineTuneTest {
    private static final LatentOdeTraining.Config TRAINING = new LatentOdeTraining.Config(16, 10, 16, 80, 0.005,
            0.1, 11);
    private static final double MARGIN = 0.05;
    private static final CandidateCheck.Config CHECK = new CandidateCheck.Config(MARGIN, TRAINING.klWeight(), 2, 23);
    /** Disjoint windows: a held-out window shares no observation with a training window. */
    private static final int STRIDE = 16;

    @Test
    void oneRoundOnTheNewRegimePublishesACandidateThatBeatsTheServingModel() {
        ModelArtifact serving = DemoModel.bundled();
        LatentOdeModel servingModel = LatentOdeModel.fromArtifact(serving);
        WindowReservoir oldRegime = reservoir(RegimeChange.oldRegimeWindows(4242, TRAINING, STRIDE));
        WindowReservoir newRegime = reservoir(RegimeChange.newRegimeWindows(4243, TRAINING, STRIDE));

        double oldLoss = HeldOutLoss.of(servingModel, oldRegime.heldOutWindows(), CHECK.klWeight(), CHECK.samples(),
                CHECK.seed());
        double newLoss = HeldOutLoss.of(servingModel, newRegime.heldOutWindows(), CHECK.klWeight(), CHECK.samples(),
                CHECK.seed());
        assertTrue(newLoss > oldLoss + 0.5 * Math.abs(oldLoss), String.format(Locale.ROOT,
                "after the change the serving model should be clearly worse: old regime %.4f, new %.4f",
                oldLoss, newLoss));

        FineTuneRound round = new FineTuneRound(new FineTuneRound.Config(TRAINING, Duration.ofSeconds(60), CHECK,
                64, 16));
        FineTuneRound.Result result = round.run(serving, newRegime);

        System.out.printf(Locale.ROOT, "regime change: serving held-out loss old regime %.4f, new regime %.4f; "
                        + "round: %s; %d training / %d held-out windows of %d series, %d iterations in %.1f s "
                        + "(%.0f windows/s), round %.1f s%n", oldLoss, newLoss, result.reason(),
                result.trainingWindows(), result.heldOutWindows(), newRegime.seriesOffered(), result.iterations(),
                result.trainingSeconds(), result.windowsPerSecond(TRAINING.batchSize()), result.seconds());
        assertEquals(FineTuneRound.Decision.PUBLISH, result.decision(), result.reason());
        assertEquals(newLoss, result.parentLoss(), 0.0, "the round judges the serving model on the same windows");
        assertTrue(result.improvement() > MARGIN, result.reason());
        ModelArtifact candidate = result.candidate().orElseThrow();
        assertEquals(DemoModel.VERSION + 1, candidate.getVersion());
        assertEquals(DemoModel.VERSION, candidate.getParentVersion());
        // Most of the gap the change opened is closed by one round (measured: about 90 %).
        double recovered = (newLoss - result.candidateLoss()) / (newLoss - oldLoss);
        assertTrue(recovered > 0.5, "the round closed " + recovered + " of the gap");

        // The roles swapped: the old model as a candidate against the fine-tuned one is worse, not published.
        LatentOdeModel fineTuned = LatentOdeModel.fromArtifact(candidate);
        CandidateCheck.Verdict backwards = new CandidateCheck(CHECK).judge(fineTuned, servingModel,
                newRegime.heldOutWindows());
        assertTrue(!backwards.publish() && backwards.improvement() < 0, backwards.reason());
        // A NaN in the fine-tuned parameters: rejected before any evaluation, with the parameter named.
        LatentOdeModel corrupted = LatentOdeModel.fromArtifact(candidate);
        corrupted.parameters().values()[corrupted.parameters().offset("readout.0.bias")] = Double.NaN;
        CandidateCheck.Verdict nan = new CandidateCheck(CHECK).judge(servingModel, corrupted,
                newRegime.heldOutWindows());
        assertTrue(!nan.publish() && nan.reason().contains("readout.0.bias[0]"), nan.reason());
        double forgetting = HeldOutLoss.of(fineTuned, oldRegime.heldOutWindows(), CHECK.klWeight(), CHECK.samples(),
                CHECK.seed());
        System.out.printf(Locale.ROOT, "regime change: %.0f %% of the gap closed; the fine-tuned model on the old "
                + "regime: %.4f (serving %.4f); worse model rejected: %s%n", 100 * recovered, forgetting, oldLoss,
                backwards.reason());
    }

    private static WindowReservoir reservoir(List<TrainingWindow> windows) {
        WindowReservoir reservoir = new WindowReservoir(new WindowReservoir.Config(256, 32, 48, 0.2, 5));
        windows.forEach(reservoir::offer);
        return reservoir;
    }
}
