package io.odestream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.cli.EvalNabCommandTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A user error (here an artifact file that is not one) prints what to do, exits 1, and shows no stack trace. */
class UserErrorTest {

    @Test
    void publishingAFileThatIsNotAnArtifactSaysSoWithoutAStackTrace(@TempDir Path tmp) throws Exception {
        Run keygen = EvalNabCommandTest.odestream("models", "keygen", "--out", tmp.toString(), "--name", "ci");
        assertEquals(0, keygen.exit(), keygen.err());
        Path notAnArtifact = Files.writeString(tmp.resolve("model.avro"), "series_id,timestamp,value\n");

        // the file is read before any broker is contacted, so the unreachable address is never used
        Run run = EvalNabCommandTest.odestream("models", "publish", notAnArtifact.toString(),
                "--signing-key", tmp.resolve("ci.key").toString(), "--keys", tmp.toString(),
                "--bootstrap-servers", "127.0.0.1:1");

        assertEquals(1, run.exit(), run.err());
        assertTrue(run.err().startsWith("error: model file " + notAnArtifact + " is not a readable model artifact"),
                run.err());
        assertTrue(run.err().contains("written by odestream"), "says what to check: " + run.err());
        assertFalse(run.err().contains("\tat "), "no stack trace: " + run.err());
        assertFalse(run.err().contains("Exception"), "no exception class names: " + run.err());
    }
}
