package io.odestream.job.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.job.forecast.ResidualFlows;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run --scorer cnf --scorer-file PATH}: the file is read when the command starts, and a
 * wrong combination or a bad file fails at once with what to do, before keys, topics or a job are
 * touched (no broker runs here; the keys directory is absent, so getting past the scorer would
 * fail on the keys instead).
 */
class ScorerOptionTest {
    /** A valid two-channel flow file's bytes, fitted once for the class. */
    private static final byte[] FLOW = ResidualFlows.fittedBytes(2, 3);

    @TempDir
    Path dir;

    @Test
    void cnfWithoutAFileSaysWhichOptionIsMissingAndHowToWriteOne() {
        String[] r = execute("--scorer", "cnf");
        assertEquals("1", r[0], r[2]);
        assertTrue(r[2].contains("--scorer cnf needs --scorer-file") && r[2].contains("eval cnf-demo --out"), r[2]);
    }

    @Test
    void aFileWithTheGaussianScorerIsAMistakeNotSilentlyIgnored() throws Exception {
        Path file = Files.write(dir.resolve("flow.bin"), FLOW);
        String[] r = execute("--scorer-file", file.toString());
        assertEquals("1", r[0], r[2]);
        assertTrue(r[2].contains("--scorer-file is only read with --scorer cnf"), r[2]);
    }

    @Test
    void aCorruptFileIsRefusedNamingIt() throws Exception {
        Path file = Files.writeString(dir.resolve("flow.bin"), "not a flow");
        String[] r = execute("--scorer", "cnf", "--scorer-file", file.toString());
        assertEquals("1", r[0], r[2]);
        assertTrue(r[2].contains("--scorer-file " + file) && r[2].contains("not a usable residual flow"), r[2]);
    }

    @Test
    void aGoodFileGetsTheCommandPastTheScorerToTheNextCheck() throws Exception {
        Path file = Files.write(dir.resolve("flow.bin"), FLOW);
        String[] r = execute("--scorer", "CNF", "--scorer-file", file.toString());
        assertEquals("1", r[0], r[2]);
        assertTrue(!r[2].contains("scorer"), "the scorer was accepted: " + r[2]);
        assertTrue(r[2].contains("no-keys"), "the keys are what fails next: " + r[2]);
    }

    @Test
    void anUnknownScorerNamesTheChoices() {
        String[] r = execute("--scorer", "student-t");
        assertTrue(!"0".equals(r[0]) && r[2].contains("gaussian or cnf"), r[2]);
    }

    private String[] execute(String... scorer) {
        return RunInvocation.execute(dir, scorer);
    }
}
