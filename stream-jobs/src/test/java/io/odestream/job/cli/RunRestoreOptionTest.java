package io.odestream.job.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code run --restore} that names nothing to restore fails at once, with a message that says what
 * to do, before any key, topic or job is touched (no broker runs here; the keys directory is absent).
 */
class RunRestoreOptionTest {
    @TempDir
    Path dir;

    private String[] run(String... restore) {
        String[] base = {"run", "--model", "m", "--bootstrap-servers", "127.0.0.1:1", "--keys",
                dir.resolve("no-keys").toString()};
        String[] all = new String[base.length + restore.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(restore, 0, all, base.length, restore.length);
        return all;
    }

    private static String[] execute(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = JobMain.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int exit = cmd.execute(args);
        return new String[] {Integer.toString(exit), out.toString(), err.toString()};
    }

    @Test
    void latestWithoutACheckpointDirectorySaysWhereTheCheckpointsAre() {
        String[] r = execute(run("--restore", "latest"));
        assertEquals("1", r[0], r[2]);
        assertTrue(r[2].contains("--restore latest needs --checkpoint-dir"), r[2]);
    }

    @Test
    void latestWithAnEmptyCheckpointDirectoryIsAnErrorNotAFreshStart() throws Exception {
        Path checkpoints = Files.createDirectories(dir.resolve("checkpoints"));
        String[] r = execute(run("--checkpoint-dir", checkpoints.toString(), "--restore", "latest"));
        assertEquals("1", r[0], r[2]);
        assertTrue(r[2].contains("no complete checkpoint under") && r[2].contains("leave out --restore"), r[2]);
        assertTrue(!r[1].contains("starting"), "nothing was started: " + r[1]);
    }

    @Test
    void aPathThatIsNoCheckpointIsNamedInTheError() {
        String[] r = execute(run("--restore", dir.toString()));
        assertEquals("1", r[0], r[2]);
        assertTrue(r[2].contains(dir.toString()) && r[2].contains("is not a checkpoint or savepoint"), r[2]);
    }
}
