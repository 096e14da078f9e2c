package io.odestream.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.latent.LatentOdeModel;
import io.odestream.latent.LatentOdeSpec;
import io.odestream.latent.LatentOdeTraining;
import io.odestream.nn.Activation;
import io.odestream.schema.ModelArtifact;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A round on a tiny latent ODE and noisy sine waves: an untrained serving model is beaten by its
 * fine-tuned candidate, which becomes version parent + 1 with metrics and lineage; the wall-clock
 * budget ends training early; too little data skips the round.
 */
class FineTuneRoundTest {
    static final LatentOdeSpec SPEC = new LatentOdeSpec(1, 1, 2, 6, new int[] {8}, new int[] {8}, Activation.TANH,
            1000.0, "dopri5", 1e-3, 1e-4, new double[] {0}, new double[] {1});
    static final LatentOdeTraining.Config TRAINING = new LatentOdeTraining.Config(8, 5, 8, 60, 0.02, 0.1, 3);
    static final CandidateCheck.Config CHECK = new CandidateCheck.Config(0.05, 0.1, 2, 21);
    static final long START = Instant.parse("2024-06-01T00:00:00Z").toEpochMilli();

    @Test
    void aCandidateThatBeatsTheServingModelBecomesTheNextVersion() {
        ModelArtifact serving = LatentOdeModel.create(SPEC, 5).toArtifact("sines", 3, 2L, Map.of(), Map.of());
        WindowReservoir reservoir = reservoirOf(sines(8, 120, 1), 0.25);
        FineTuneRound round = new FineTuneRound(new FineTuneRound.Config(TRAINING, Duration.ofMinutes(5), CHECK, 8, 8));

        FineTuneRound.Result result = round.run(serving, reservoir);

        assertEquals(FineTuneRound.Decision.PUBLISH, result.decision(), result.reason());
        assertEquals(TRAINING.iterations(), result.iterations());
        assertFalse(result.budgetSpent());
        assertTrue(result.candidateLoss() < result.parentLoss() - 0.05 * Math.abs(result.parentLoss()),
                result.reason());
        ModelArtifact candidate = result.candidate().orElseThrow();
        assertEquals("sines", candidate.getModelId());
        assertEquals(4, candidate.getVersion());
        assertEquals(3L, candidate.getParentVersion());
        assertEquals(result.candidateLoss(), candidate.getMetrics().get(FineTuneRound.HELD_OUT_ELBO));
        assertEquals(result.parentLoss(), candidate.getMetrics().get("parent_" + FineTuneRound.HELD_OUT_ELBO));
        assertEquals(CHECK.klWeight(), candidate.getMetrics().get(FineTuneRound.ELBO_KL_WEIGHT));
        assertFalse(candidate.getMetrics().containsKey("validation_loss"),
                "the ELBO is named as what it is, not as a loss that would be compared with offline models'");
        // The candidate's and the serving version's forecasts on the same held-out windows, under named keys.
        ForecastMetrics own = ForecastMetrics.of(candidate.getMetrics()).orElseThrow();
        Map<String, Double> parentMetrics = new java.util.HashMap<>();
        candidate.getMetrics().forEach((k, v) -> {
            if (k.startsWith(ForecastMetrics.PARENT)) {
                parentMetrics.put(k.substring(ForecastMetrics.PARENT.length()), v);
            }
        });
        ForecastMetrics parent = ForecastMetrics.of(parentMetrics).orElseThrow();
        assertEquals(own.observations(), parent.observations(), "both measured on the same horizon observations");
        assertTrue(own.observations() > 0);
        assertTrue(own.mae() < parent.mae(), "the trained candidate forecasts the sines better: " + own + " vs " + parent);
        assertTrue(own.coverage90() >= 0 && own.coverage90() <= 1, own.toString());
        assertEquals((double) TRAINING.iterations(), candidate.getMetrics().get("iterations"));
        assertEquals((double) reservoir.heldOutSize(), candidate.getMetrics().get("held_out_windows"));
        assertTrue(candidate.getMetrics().get("training_windows_per_second") > 0);
        Map<String, String> lineage = candidate.getLineage();
        assertEquals(Instant.ofEpochMilli(reservoir.fromMillis()).toString(), lineage.get("data_from"));
        assertEquals(Instant.ofEpochMilli(reservoir.toMillis()).toString(), lineage.get("data_to"));
        assertEquals("8", lineage.get("series"));
        assertEquals(serving.getChecksum(), lineage.get("parent_checksum"));
        // The artifact loads, and it is the trained model, not the parent.
        LatentOdeModel loaded = LatentOdeModel.fromArtifact(candidate);
        assertFalse(java.util.Arrays.equals(loaded.parameters().values(),
                LatentOdeModel.fromArtifact(serving).parameters().values()));
        System.out.printf("tiny round: held-out loss %.4f -> %.4f (%.1f %%), %d iterations in %.2f s, %.0f windows/s%n",
                result.parentLoss(), result.candidateLoss(), 100 * result.improvement(), result.iterations(),
                result.trainingSeconds(), result.windowsPerSecond(TRAINING.batchSize()));
    }

    @Test
    void trainingStopsWhenTheWallClockBudgetIsSpent() {
        ModelArtifact serving = LatentOdeModel.create(SPEC, 5).toArtifact("sines", 1, null, Map.of(), Map.of());
        WindowReservoir reservoir = reservoirOf(sines(4, 60, 2), 0.25);
        AtomicLong now = new AtomicLong();
        // Every reading of the clock advances it by 100 ms: a 1 s budget is spent after a handful of iterations.
        FineTuneRound round = new FineTuneRound(new FineTuneRound.Config(TRAINING, Duration.ofSeconds(1),
                new CandidateCheck.Config(0.0, 0.1, 1, 21), 4, 4), () -> now.addAndGet(100_000_000L));

        FineTuneRound.Result result = round.run(serving, reservoir);

        assertTrue(result.budgetSpent());
        assertTrue(result.iterations() >= 1 && result.iterations() < 12,
                "stopped after " + result.iterations() + " of " + TRAINING.iterations() + " iterations");
        assertTrue(Double.isFinite(result.trainLoss()));
        assertTrue(Double.isFinite(result.candidateLoss()), "the stopped candidate is still judged: " + result.reason());
        result.candidate().ifPresent(a -> assertTrue(a.getLineage().get("training").contains("budget"),
                a.getLineage().get("training")));
    }

    @Test
    void tooFewWindowsSkipTheRoundWithoutTraining() {
        ModelArtifact serving = LatentOdeModel.create(SPEC, 5).toArtifact("sines", 1, null, Map.of(), Map.of());
        WindowReservoir reservoir = reservoirOf(sines(1, 30, 3), 0.25);
        FineTuneRound round = new FineTuneRound(new FineTuneRound.Config(TRAINING, Duration.ofMinutes(1), CHECK, 50, 8));

        FineTuneRound.Result result = round.run(serving, reservoir);

        assertEquals(FineTuneRound.Decision.SKIP, result.decision());
        assertTrue(result.reason().contains("at least 50"), result.reason());
        assertEquals(0, result.iterations());
        assertTrue(result.candidate().isEmpty());
    }

    @Test
    void windowsOfAnotherShapeThanTheTrainingConfigAreRefused() {
        ModelArtifact serving = LatentOdeModel.create(SPEC, 5).toArtifact("sines", 1, null, Map.of(), Map.of());
        LatentOdeTraining.Config longer = new LatentOdeTraining.Config(10, 5, 8, 5, 0.02, 0.1, 3);
        List<TrainingWindow> windows = TrainingWindow.cutAll("s", sines(1, 40, 4).get(0), longer, 10);
        FineTuneRound round = new FineTuneRound(new FineTuneRound.Config(TRAINING, Duration.ofMinutes(1), CHECK, 1, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> round.run(serving, windows, windows));
        assertTrue(e.getMessage().contains("window 8, split 5"), e.getMessage());
    }

    @Test
    void aCandidateVersionAtOrBelowTheServingOneIsRefused() {
        ModelArtifact serving = LatentOdeModel.create(SPEC, 5).toArtifact("sines", 7, null, Map.of(), Map.of());
        WindowReservoir reservoir = reservoirOf(sines(2, 30, 4), 0.25);
        FineTuneRound round = new FineTuneRound(new FineTuneRound.Config(TRAINING, Duration.ofMinutes(1), CHECK, 1, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> round.run(serving, reservoir.trainingWindows(), reservoir.heldOutWindows(), 7));
        assertTrue(e.getMessage().contains("above the serving version 7"), e.getMessage());
    }

    /** Windows of {@code series} (stride 2) offered to a reservoir large enough to keep them all. */
    static WindowReservoir reservoirOf(List<LatentOdeTraining.Series> series, double heldOutFraction) {
        WindowReservoir reservoir = new WindowReservoir(new WindowReservoir.Config(10_000, 10_000, 10_000,
                heldOutFraction, 8));
        for (int s = 0; s < series.size(); s++) {
            TrainingWindow.cutAll("sine-" + s, series.get(s), TRAINING, 2).forEach(reservoir::offer);
        }
        return reservoir;
    }

    /** Noisy sines (period 6–9 s, amplitude 1–2), events every 0.3–0.9 s, 10 % missing. */
    static List<LatentOdeTraining.Series> sines(int count, int length, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<LatentOdeTraining.Series> all = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            double omega = 2 * Math.PI / (6 + 3 * random.nextDouble());
            double amplitude = 1 + random.nextDouble();
            double phase = 2 * Math.PI * random.nextDouble();
            long[] times = new long[length];
            double[][] values = new double[length][1];
            long t = START;
            for (int k = 0; k < length; k++) {
                t += 300 + random.nextInt(600);
                times[k] = t;
                double clean = amplitude * Math.sin(omega * (t - START) / 1000.0 + phase);
                values[k][0] = random.nextDouble() < 0.1 ? Double.NaN : clean + 0.1 * random.nextGaussian();
            }
            all.add(new LatentOdeTraining.Series(times, values));
        }
        return all;
    }
}
