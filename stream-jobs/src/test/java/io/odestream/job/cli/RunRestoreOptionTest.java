package io.odestream.job.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run --restore} that names nothing to restore fails at once, with a message that says what
 * to do, before any key, topic or job is touched (no broker runs here; the keys directory is absent).
 */
class RunRestoreOptionTest {
    @TempDir
    Path dir;

    private String[] execute(String... restore) {
        return RunInvocation.execute(dir, restore);
    }

    @Test
    void latestWithoutACheckpointDirectorySaysWhereTheCheckpointsAre() {
        String[] r = execute("--restore", "latest");
        assertEquals("1", r[0], r[2]);
        assertTrue(r[2].contains("--restore latest needs --checkpoint-dir"), r[2]);
    }

    @Test
    void latestWithAnEmptyCheckpointDirectoryIsAnErrorNotAFreshStart() throws Exception {
        Path checkpoints = Files.createDirectories(dir.resolve("checkpoints"));
        String[] r = execute("--checkpoint-dir", checkpoints.toString(), "--restore", "latest");
        assertEquals("1", r[0], r[2]);
        assertTrue(r[2].contains("no complete checkpoint under") && r[2].contains("leave out --restore"), r[2]);
        assertTrue(!r[1].contains("starting"), "nothing was started: " + r[1]);
    }

    @Test
    void aPathThatIsNoCheckpointIsNamedInTheError() {
        String[] r = execute("--restore", dir.toString());
        assertEquals("1", r[0], r[2]);
        assertTrue(r[2].contains(dir.toString()) && r[2].contains("is not a checkpoint or savepoint"), r[2]);
    }
}
