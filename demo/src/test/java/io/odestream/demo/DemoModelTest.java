package io.odestream.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.alert.WarmUpMoments;
import io.odestream.alert.ZMoments;
import io.odestream.latent.LatentFilter;
import io.odestream.latent.LatentOdeSpec;
import io.odestream.latent.ScoreMode;
import io.odestream.latent.WarmUpCalibrator;
import io.odestream.model.InvalidArtifactException;
import io.odestream.model.ModelArtifacts;
import io.odestream.schema.ModelArtifact;
import io.odestream.train.Trainer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundled demo model on streams it never saw (training used seed 7, validation 106; these use
 * 5 and 6): replayed event by event as the job does it — score before update, one-step forecasts —
 * it must forecast clearly better than the last observed value and single out the injected
 * anomalies with few false alarms.
 *
 * <p>Measured with the bundled artifact (batch 64; test streams 5, 15, 25, 35 with anomalies; clean
 * streams 6, 16, 26, 36 for the threshold): one-step MAE 0.104–0.121 against 0.244–0.288 for the
 * last value (ratio 0.40–0.45); the clean streams' 99.9th score percentile 5.1–6.1; at those
 * thresholds 94–100 % of the 36 anomalies per stream score above while 0.22–0.56 % of normal events
 * do. (The batch-16 model before it: ratio 0.40–0.47, 92–100 % above, 0.15–0.55 %.)
 */
class DemoModelTest {
    private static final int SAMPLES = 16;
    private static ModelArtifact bundled;
    private static DemoEvaluation.Result clean;
    private static DemoEvaluation.Result withAnomalies;

    @BeforeAll
    static void replayTwoUnseenStreams() {
        bundled = DemoModel.bundled();
        DemoStream.Config defaults = DemoStream.Config.defaults();
        // Scores only (no forecasts) on an anomaly-free stream: the threshold comes from here.
        clean = DemoEvaluation.replay(bundled, DemoStream.generate(defaults.withAnomaliesPerSeries(0).withSeed(6)),
                SAMPLES, Integer.MAX_VALUE);
        withAnomalies = DemoEvaluation.replay(bundled, DemoStream.generate(defaults.withSeed(5)), SAMPLES, 20);
        System.out.printf(Locale.ROOT, "DemoModelTest: per event update %.0f us, score %.0f us, one-time predict "
                        + "%.0f us (%d samples; timings, not asserted)%n", withAnomalies.updateMicros(),
                withAnomalies.scoreMicros(), withAnomalies.predictMicros(), SAMPLES);
    }

    @Test
    void theBundledArtifactIsTheDemoModel() {
        assertEquals(DemoModel.MODEL_ID, bundled.getModelId());
        assertEquals(DemoModel.VERSION, bundled.getVersion());
        assertNull(bundled.getParentVersion());
        LatentOdeSpec spec = LatentOdeSpec.fromJson(bundled.getSpecJson());
        assertEquals(3, spec.channels());
        assertEquals(1000.0, spec.timeUnitMillis(), "one model time unit per second of event time");
        for (String metric : List.of("train_loss", "validation_loss", "training_seconds", "iterations",
                "validation_one_step_mae", "validation_last_value_mae")) {
            assertTrue(Double.isFinite(bundled.getMetrics().get(metric)), metric + " missing");
        }
        assertEquals(DemoModel.BUNDLED_ITERATIONS, bundled.getMetrics().get("iterations"), 0.0);
        assertTrue(bundled.getLineage().get("data").contains("seed " + DemoModel.trainingConfig().seed()),
                bundled.getLineage().toString());
        assertEquals(DemoModel.MODEL_ID, LatentFilter.init(bundled).start(1).modelId());
    }

    @Test
    void theBundledArtifactShipsAWarmUpCalibrationReadyForEveryAgeOfEveryServableScore() {
        LatentOdeSpec spec = LatentOdeSpec.fromJson(bundled.getSpecJson());
        for (ScoreMode mode : WarmUpCalibrator.SCORE_MODES) {
            WarmUpMoments m = spec.warmUp().momentsFor(mode);
            List<ZMoments> all = new ArrayList<>(List.of(m.allAges()));
            for (int b = 0; b < m.buckets().count(); b++) {
                all.add(m.bucket(b));
            }
            for (ZMoments z : all) {
                for (int i = 0; i < 3; i++) {
                    for (int j = 0; j < 3; j++) {
                        assertTrue(z.count(i, j) >= WarmUpMoments.MIN_EVENTS, mode + ": " + z.count(i, j)
                                + " events judge no series");
                    }
                    // a young series' z-scores are wider than the model claims, a settled one's narrower
                    assertTrue(z.moment(i, i) > 0.4 && z.moment(i, i) < 2.5, mode + ": " + z.moment(i, i));
                }
            }
        }
        DemoStream.Config measuredOn = DemoModel.calibrationConfig();
        assertTrue(bundled.getLineage().get("warm_up_calibration").contains("seed " + measuredOn.seed()),
                bundled.getLineage().toString());
        assertTrue(measuredOn.seed() != DemoStream.Config.defaults().seed() && measuredOn.anomaliesPerSeries() == 0,
                "measured on anomaly-free series of the validation seed, not on the demo's stream");
    }

    @Test
    void oneStepForecastsBeatTheLastObservedValueByAClearMargin() {
        double ratio = withAnomalies.forecastMae() / withAnomalies.lastValueMae();
        String report = String.format(Locale.ROOT, "one-step MAE %.4f, last value %.4f (ratio %.2f)",
                withAnomalies.forecastMae(), withAnomalies.lastValueMae(), ratio);
        System.out.println("DemoModelTest: " + report);
        // Measured 0.40–0.45 on four unseen streams; 0.6 still means a forecast error 40 % below the naive one.
        assertTrue(ratio < 0.6, report);
        // Noise σ 0.2: a single observation is off by E|N(0, 0.2)| = 0.16; the filter must do better than that.
        assertTrue(withAnomalies.forecastMae() < 0.16, report);
    }

    @Test
    void injectedAnomaliesScoreAboveTheCleanStreamsTailWhileFewNormalEventsDo() {
        double threshold = clean.normalQuantile(0.999);
        double recall = withAnomalies.recall(threshold);
        double falseAlarms = withAnomalies.falsePositiveRate(threshold);
        List<String> missed = new ArrayList<>();
        withAnomalies.anomalyScores().stream().filter(a -> a.maxScore() <= threshold)
                .forEach(a -> missed.add(a.anomaly() + " scored " + a.maxScore()));
        String report = String.format(Locale.ROOT, "threshold %.2f (clean stream's 99.9th percentile): recall %.3f "
                        + "of %d anomalies, %.4f of %d normal events above; missed %s", threshold, recall,
                withAnomalies.anomalyScores().size(), falseAlarms, withAnomalies.normalScores().length, missed);
        System.out.println("DemoModelTest: " + report);
        // Measured 0.94–1.0 over four streams and the thresholds of four clean ones (one miss = 2.8 %);
        // a detector that cannot tell a 6σ jump from noise would sit near 0.001.
        assertTrue(recall >= 0.85, report);
        // Measured 0.22–0.56 %: above the clean stream's 0.1 % by events right after an anomaly, which
        // the filter has already absorbed. 1 % leaves room without accepting an alarm a minute per series.
        assertTrue(falseAlarms <= 0.01, report);
    }

    @Test
    void trainingFillsMetricsAndLineageAndLearns() {
        DemoStream small = DemoStream.generate(DemoModel.trainingConfig().withSeries(4)
                .withSpan(Duration.ofMinutes(5)).withWarmup(Duration.ofMinutes(1)));
        List<Double> losses = new ArrayList<>();
        ModelArtifact artifact = DemoModel.train(small, 30, p -> losses.add(p.loss()));
        assertEquals(30, losses.size(), "one progress report per iteration");
        assertEquals(DemoModel.MODEL_ID, artifact.getModelId());
        assertEquals(30.0, artifact.getMetrics().get("iterations"), 0.0);
        assertTrue(artifact.getLineage().get("data").contains("seed " + small.config().seed()), artifact.getLineage().toString());
        double first = losses.get(0);
        double trained = artifact.getMetrics().get("train_loss");
        assertTrue(trained < first / 2, "30 iterations must at least halve the loss: " + first + " -> " + trained);
        assertEquals(DemoModel.MODEL_ID, LatentFilter.init(artifact).start(1).modelId());
        assertThrows(IllegalArgumentException.class, () -> DemoModel.train(small, 0, Trainer.ProgressListener.silent()));
        assertThrows(IllegalArgumentException.class, () -> DemoModel.train(small, 1, null));
    }

    @Test
    void aMissingOrDamagedArtifactIsRejectedWithHowToRegenerateIt(@TempDir Path dir) throws IOException {
        InvalidArtifactException missing = assertThrows(InvalidArtifactException.class,
                () -> DemoModel.read(null, "the resource"));
        assertTrue(missing.getMessage().contains("not on the classpath") && missing.getMessage().contains(
                "io.odestream.demo.DemoModel demo/src/main/resources/demo/demo-model.avro"), missing.getMessage());

        InvalidArtifactException garbage = assertThrows(InvalidArtifactException.class,
                () -> DemoModel.read(new ByteArrayInputStream("not avro".getBytes()), "the resource"));
        assertTrue(garbage.getMessage().contains("not a readable model artifact")
                && garbage.getMessage().contains("regenerate"), garbage.getMessage());

        // A parameter changed after the checksum was computed: the checksum catches it.
        double[] parameters = ModelArtifacts.parameters(bundled);
        parameters[0] += 1e-3;
        List<Double> changed = new ArrayList<>();
        for (double p : parameters) {
            changed.add(p);
        }
        ModelArtifact tampered = ModelArtifact.newBuilder(bundled).setParameters(changed).build();
        Path file = dir.resolve("tampered.avro");
        ModelArtifacts.write(tampered, file);
        InvalidArtifactException corrupt = assertThrows(InvalidArtifactException.class,
                () -> DemoModel.read(Files.newInputStream(file), "the resource"));
        assertTrue(corrupt.getMessage().contains("checksum") && corrupt.getMessage().contains("regenerate"),
                corrupt.getMessage());
    }
}
