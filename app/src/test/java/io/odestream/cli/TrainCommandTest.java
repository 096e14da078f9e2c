package io.odestream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.cli.EvalNabCommandTest.Run;
import io.odestream.latent.LatentOdeSpec;
import io.odestream.model.ModelArtifacts;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code odestream train} writes a loadable artifact of the encoder asked for. */
class TrainCommandTest {

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
        }
        Run bad = EvalNabCommandTest.odestream("train", "--data", tmp.resolve("set-a").toString(), "--format",
                "physionet2012", "--out", tmp.resolve("x.avro").toString(), "--encoder", "LSTM");
        assertTrue(bad.exit() != 0);
        assertTrue(bad.err().contains("--encoder"), bad.err());
    }
}
