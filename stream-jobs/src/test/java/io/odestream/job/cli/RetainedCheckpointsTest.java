package io.odestream.job.cli;

import static org.apache.flink.runtime.state.filesystem.AbstractFsCheckpointStorageAccess.CHECKPOINT_DIR_PREFIX;
import static org.apache.flink.runtime.state.filesystem.AbstractFsCheckpointStorageAccess.CHECKPOINT_SHARED_STATE_DIR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code run --restore} resumes from, in Flink's layout {@code <dir>/<job-id>/chk-<n>/_metadata}. */
class RetainedCheckpointsTest {
    @TempDir
    Path dir;

    private Path checkpoint(String job, int n, long writtenMillis) throws IOException {
        Path chk = Files.createDirectories(dir.resolve(job).resolve(CHECKPOINT_DIR_PREFIX + n));
        Path metadata = Files.writeString(chk.resolve("_metadata"), "x");
        Files.setLastModifiedTime(metadata, FileTime.fromMillis(writtenMillis));
        return chk.toAbsolutePath();
    }

    @Test
    void latestIsTheCompleteCheckpointWrittenLastWhicheverRunWroteIt() throws IOException {
        checkpoint("crashed-run", 7, 1_000);
        Path resumedRuns = checkpoint("resumed-run", 2, 2_000);
        checkpoint("resumed-run", 1, 1_500);
        assertEquals(Optional.of(resumedRuns), RetainedCheckpoints.latest(dir));
        assertEquals(resumedRuns, RetainedCheckpoints.resolve("latest", dir));
    }

    @Test
    void aCheckpointCutShortByTheCrashHasNoMetadataAndIsSkipped() throws IOException {
        Path complete = checkpoint("job", 3, 1_000);
        Files.createDirectories(dir.resolve("job").resolve(CHECKPOINT_DIR_PREFIX + 4)).resolve("some-state-file");
        // Flink's directory of state shared between a job's checkpoints: not a checkpoint
        Files.createDirectories(dir.resolve("job").resolve(CHECKPOINT_SHARED_STATE_DIR));
        assertEquals(Optional.of(complete), RetainedCheckpoints.latest(dir));
    }

    @Test
    void latestWithNothingToRestoreIsAClearErrorNotAFreshStart() {
        var e = assertThrows(RetainedCheckpoints.RestoreException.class, () -> RetainedCheckpoints.resolve("latest", dir));
        assertTrue(e.getMessage().contains("no complete checkpoint under") && e.getMessage().contains("leave out --restore"),
                e.getMessage());
        var noDir = assertThrows(RetainedCheckpoints.RestoreException.class,
                () -> RetainedCheckpoints.resolve("latest", null));
        assertTrue(noDir.getMessage().contains("--checkpoint-dir"), noDir.getMessage());
    }

    @Test
    void aPathNamesACheckpointOrSavepointDirectoryOrItsMetadataFile() throws IOException {
        Path chk = checkpoint("job", 5, 1_000);
        assertEquals(chk, RetainedCheckpoints.resolve(chk.toString(), null));
        assertEquals(chk, RetainedCheckpoints.resolve(chk.resolve("_metadata").toString(), null));
        var e = assertThrows(RetainedCheckpoints.RestoreException.class,
                () -> RetainedCheckpoints.resolve(dir.resolve("job").toString(), null));
        assertTrue(e.getMessage().contains("is not a checkpoint or savepoint"), e.getMessage());
    }
}
