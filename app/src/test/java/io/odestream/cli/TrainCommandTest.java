package io.odestream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.cli.EvalNabCommandTest.Run;
import io.odestream.latent.LatentOdeSpec;
import io.odestream.latent.ScoreMode;
import io.odestream.latent.WarmUpCalibrator;
import io.odestream.model.ModelArtifacts;
import io.odestream.schema.ModelArtifact;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code odestream train} writes a loadable artifact of the encoder asked for. */
class TrainCommandTest {

    @Test
    void aModelTrainedOnACsvNamesTheFilesChannelsInTheOrderProduceSendsThem(@TempDir Path tmp) throws IOException {
        StringBuilder csv = new StringBuilder("series_id,timestamp,channel,value\n");
        for (int s = 0; s < 6; s++) {
            for (int k = 0; k < 12; k++) {
                long t = 1_000L * (k + 1);
                // series 0 names pressure first; the file's order is still temp, pressure
                String temp = "s" + s + "," + t + ",temp," + (20 + Math.sin(k + s)) + "\n";
                String pressure = "s" + s + "," + t + ",pressure," + (1000 + k) + "\n";
                csv.append(s == 1 && k == 0 ? pressure + temp : temp + pressure);
            }
        }
        Path data = java.nio.file.Files.writeString(tmp.resolve("train.csv"), csv);
        Path out = tmp.resolve("m.avro");
        Run run = EvalNabCommandTest.odestream("train", "--data", data.toString(), "--out", out.toString(),
                "--epochs", "1", "--epoch-iterations", "2", "--window", "6", "--split", "3", "--batch", "4");
        assertEquals(0, run.exit(), run.err());
        LatentOdeSpec spec = LatentOdeSpec.fromJson(ModelArtifacts.read(out).getSpecJson());
        assertEquals(java.util.List.of("temp", "pressure"), spec.channelNames());
        // metrics named by what they measure: the ELBO with its beta, and the held-out forecast (1 validation
        // series of 12 observations: 2 windows of 6, 3 horizon observations each) that compares across versions
        java.util.Map<String, Double> metrics = ModelArtifacts.read(out).getMetrics();
        assertEquals(1.0, metrics.get(io.odestream.finetune.FineTuneRound.ELBO_KL_WEIGHT), metrics.toString());
        assertTrue(metrics.containsKey(io.odestream.finetune.FineTuneRound.HELD_OUT_ELBO), metrics.toString());
        io.odestream.finetune.ForecastMetrics heldOut =
                io.odestream.finetune.ForecastMetrics.of(metrics).orElseThrow();
        assertEquals(6, heldOut.observations(), metrics.toString());
        assertTrue(run.out().contains("held-out forecast (2 windows, 6 observations): NLL/obs "), run.out());
        java.util.List<java.util.List<String>> sent = new java.util.ArrayList<>();
        new io.odestream.cli.csv.ObservationCsvReader(data, null, null).read((o, line) -> sent.add(o.getChannels()),
                problem -> { });
        assertTrue(sent.stream().allMatch(spec.channelNames()::equals), "produce sends every series in that order");
    }

    @Test
    void theEncoderOptionChoosesTheLatentOdesEncoder(@TempDir Path tmp) throws IOException {
        EvalPhysioNetCommandTest.writeStays(tmp.resolve("set-a"));
        for (String encoder : new String[] {"RNN", "ODE_RNN"}) {
            Path out = tmp.resolve(encoder + ".avro");
            Run run = EvalNabCommandTest.odestream("train", "--data", tmp.resolve("set-a").toString(), "--format",
                    "physionet2012", "--out", out.toString(), "--encoder", encoder, "--epochs", "1",
                    "--epoch-iterations", "2", "--window", "6", "--split", "3", "--batch", "4",
                    "--time-unit-ms", "3600000");
            assertEquals(0, run.exit(), run.err());
            LatentOdeSpec spec = LatentOdeSpec.fromJson(ModelArtifacts.read(out).getSpecJson());
            assertEquals(LatentOdeSpec.Encoder.valueOf(encoder), spec.encoder());
            assertEquals(3, spec.channels(), "Weight, HR and Temp");
            assertEquals(3, spec.channelNames().size(), "the artifact names its channels");
            assertTrue(spec.channelNames().containsAll(java.util.List.of("Weight", "HR", "Temp")), spec.toString());
        }
        Run bad = EvalNabCommandTest.odestream("train", "--data", tmp.resolve("set-a").toString(), "--format",
                "physionet2012", "--out", tmp.resolve("x.avro").toString(), "--encoder", "LSTM");
        assertTrue(bad.exit() != 0);
        assertTrue(bad.err().contains("--encoder"), bad.err());
    }

    @Test
    void theModelRecordsTheHorizonItsWindowsTrainedAndWiderStridesTrainAWiderOne(@TempDir Path tmp) throws IOException {
        EvalPhysioNetCommandTest.writeStays(tmp.resolve("set-a"));
        double[] horizons = new double[2];
        int[] strides = {1, 3};
        for (int i = 0; i < 2; i++) {
            Path out = tmp.resolve("s" + strides[i] + ".avro");
            Run run = EvalNabCommandTest.odestream("train", "--data", tmp.resolve("set-a").toString(), "--format",
                    "physionet2012", "--out", out.toString(), "--epochs", "1", "--epoch-iterations", "2",
                    "--window", "4", "--split", "2", "--batch", "4", "--time-unit-ms", "3600000",
                    "--max-stride", Integer.toString(strides[i]));
            assertEquals(0, run.exit(), run.err());
            assertTrue(run.out().contains("trained horizon"), run.out());
            Double horizon = LatentOdeSpec.fromJson(ModelArtifacts.read(out).getSpecJson()).horizon();
            assertTrue(horizon != null && horizon > 0, "a horizon is recorded: " + horizon);
            horizons[i] = horizon;
        }
        assertTrue(horizons[1] > horizons[0], "stride 3 trains longer spans than stride 1: " + horizons[1] + " vs "
                + horizons[0]);
    }

    /**
     * After training, the observation skip is fitted and written into the model (the job serves it),
     * with the one-step check on the validation series in the metrics and on the console; {@code
     * --no-skip} writes the model alone, as before the skip existed.
     */
    @Test
    void theObservationSkipIsFittedIntoTheModelUnlessAskedNotTo(@TempDir Path tmp) throws IOException {
        EvalPhysioNetCommandTest.writeStays(tmp.resolve("set-a"));
        String[] common = {"train", "--data", tmp.resolve("set-a").toString(), "--format", "physionet2012",
            "--epochs", "1", "--epoch-iterations", "2", "--window", "4", "--split", "2", "--batch", "4",
            "--time-unit-ms", "3600000"};
        Path with = tmp.resolve("with.avro");
        Run run = EvalNabCommandTest.odestream(concat(common, "--out", with.toString()));
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("observation skip fitted") && run.out().contains("served with the skip"),
                run.out());
        ModelArtifact artifact = ModelArtifacts.read(with);
        LatentOdeSpec spec = LatentOdeSpec.fromJson(artifact.getSpecJson());
        assertNotNull(spec.skip(), "the skip travels in the artifact");
        assertEquals(3, spec.skip().channels());
        assertTrue(artifact.getMetrics().containsKey("one_step_mse_served"), artifact.getMetrics().toString());

        Path without = tmp.resolve("without.avro");
        Run plain = EvalNabCommandTest.odestream(concat(common, "--out", without.toString(), "--no-skip"));
        assertEquals(0, plain.exit(), plain.err());
        assertNull(LatentOdeSpec.fromJson(ModelArtifacts.read(without).getSpecJson()).skip());
    }

    /**
     * After training, the warm-up calibration is measured on the validation series and written into the
     * model for every kind of score the job serves without a residual scorer; {@code
     * --no-warm-up-calibration} writes the model without it, as before it existed.
     */
    @Test
    void theWarmUpCalibrationIsMeasuredIntoTheModelUnlessAskedNotTo(@TempDir Path tmp) throws IOException {
        EvalPhysioNetCommandTest.writeStays(tmp.resolve("set-a"));
        String[] common = {"train", "--data", tmp.resolve("set-a").toString(), "--format", "physionet2012",
            "--epochs", "1", "--epoch-iterations", "2", "--window", "4", "--split", "2", "--batch", "4",
            "--time-unit-ms", "3600000", "--no-skip"};
        Path with = tmp.resolve("with.avro");
        Run run = EvalNabCommandTest.odestream(concat(common, "--out", with.toString()));
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("warm-up calibration measured"), run.out());
        LatentOdeSpec spec = LatentOdeSpec.fromJson(ModelArtifacts.read(with).getSpecJson());
        assertNotNull(spec.warmUp(), "the moments travel in the artifact");
        for (ScoreMode mode : WarmUpCalibrator.SCORE_MODES) {
            long pooled = 0;
            for (int j = 0; j < spec.channels(); j++) {
                pooled += spec.warmUp().momentsFor(mode).allAges().count(j, j);
            }
            assertTrue(pooled > 0, mode + " pooled no score");
            assertEquals(WarmUpCalibrator.FALSE_ALARM_RATE, spec.warmUp().thresholdsFor(mode).falseAlarmRate(),
                    mode + ": the thresholds travel too (without a value from so few validation scores)");
        }
        assertTrue(run.out().contains("warm-up thresholds at " + WarmUpCalibrator.FALSE_ALARM_RATE
                + " false alarms per event"), run.out());
        assertTrue(run.out().contains("none of these moments judges yet"),
                "so few validation scores fill no moment, and the user is told what that means: " + run.out());

        Path without = tmp.resolve("without.avro");
        Run plain = EvalNabCommandTest.odestream(concat(common, "--out", without.toString(),
                "--no-warm-up-calibration"));
        assertEquals(0, plain.exit(), plain.err());
        assertNull(LatentOdeSpec.fromJson(ModelArtifacts.read(without).getSpecJson()).warmUp());
    }

    private static String[] concat(String[] head, String... tail) {
        String[] all = java.util.Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }
}
