package io.odestream.job.cli;

import io.odestream.UserFacingException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What {@code run --restore} resumes from. Flink writes a checkpoint under
 * {@code <checkpoint-dir>/<job-id>/chk-<n>/} and its {@code _metadata} file last, when the checkpoint
 * is complete; every run of the job has a new job id, so the checkpoints of a crashed run and of the
 * run that resumed it lie side by side. The latest retained checkpoint is the complete one whose
 * {@code _metadata} was written last, whichever run wrote it; a directory without {@code _metadata}
 * (a checkpoint cut short by the crash) is skipped.
 */
public final class RetainedCheckpoints {
    /** The file a complete checkpoint or savepoint directory holds. */
    static final String METADATA = "_metadata";

    private RetainedCheckpoints() {
    }

    /** The newest complete checkpoint under {@code checkpointDir}, if any. */
    public static Optional<Path> latest(Path checkpointDir) {
        if (!Files.isDirectory(checkpointDir)) {
            return Optional.empty();
        }
        try (Stream<Path> jobs = Files.list(checkpointDir)) {
            return jobs.filter(Files::isDirectory)
                    .flatMap(RetainedCheckpoints::completeCheckpoints)
                    .max(Comparator.comparing(RetainedCheckpoints::written).thenComparing(RetainedCheckpoints::number))
                    .map(Path::toAbsolutePath);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the checkpoints under " + checkpointDir, e);
        }
    }

    /**
     * The checkpoint or savepoint directory that {@code --restore WHAT} names: {@code latest} (needs
     * {@code checkpointDir}), or a path to a checkpoint or savepoint directory or to its
     * {@code _metadata} file.
     */
    public static Path resolve(String what, Path checkpointDir) {
        if ("latest".equals(what)) {
            if (checkpointDir == null) {
                throw new RestoreException("--restore latest needs --checkpoint-dir: the retained checkpoints are there");
            }
            return latest(checkpointDir).orElseThrow(() -> new RestoreException("no complete checkpoint under "
                    + checkpointDir.toAbsolutePath() + " (a complete one is a directory <job-id>/chk-<n> holding "
                    + METADATA + "); for a first start leave out --restore, or name a checkpoint or savepoint with "
                    + "--restore PATH"));
        }
        Path path = Path.of(what).toAbsolutePath();
        Path dir = path.getFileName() != null && path.getFileName().toString().equals(METADATA) ? path.getParent() : path;
        if (!Files.isRegularFile(dir.resolve(METADATA))) {
            throw new RestoreException("--restore " + what + ": " + dir + " is not a checkpoint or savepoint (it has no "
                    + METADATA + " file); give a directory chk-<n> or savepoint-… , or 'latest' for the newest checkpoint "
                    + "under --checkpoint-dir");
        }
        return dir;
    }

    private static Stream<Path> completeCheckpoints(Path jobDir) {
        try (Stream<Path> children = Files.list(jobDir)) {
            return children.filter(p -> p.getFileName().toString().startsWith("chk-"))
                    .filter(p -> Files.isRegularFile(p.resolve(METADATA)))
                    .toList().stream();
        } catch (IOException e) {
            return Stream.empty(); // a job directory deleted while we list: it holds nothing to restore
        }
    }

    private static FileTime written(Path checkpoint) {
        try {
            return Files.getLastModifiedTime(checkpoint.resolve(METADATA));
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    private static long number(Path checkpoint) {
        try {
            return Long.parseLong(checkpoint.getFileName().toString().substring("chk-".length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** {@code --restore} names nothing that can be restored. */
    public static final class RestoreException extends UserFacingException {
        private static final long serialVersionUID = 1L;

        RestoreException(String message) {
            super(message);
        }
    }
}
