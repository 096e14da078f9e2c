package io.odestream.job.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The job's own process, as an operator starts it: a child JVM running {@link JobMain} (its local
 * MiniCluster inside), output to a log file. {@link #kill()} is SIGKILL: no shutdown hook, no
 * final checkpoint, open Kafka transactions left behind.
 */
final class JobProcess implements AutoCloseable {
    private final Process process;
    private final Path log;

    private JobProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code JobMain args...} on this JVM's class path, its output going to {@code log}. */
    static JobProcess start(Path log, List<String> args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Xmx1g",
                "-cp", System.getProperty("java.class.path"), JobMain.class.getName()));
        command.addAll(args);
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            return new JobProcess(p, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the job's JVM", e);
        }
    }

    String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL (Process.destroyForcibly on Linux), and waits until the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the job's process survived SIGKILL for 30 s");
        }
    }

    /** Kills the process if it still runs, and keeps its log in target/test-logs for a failed test's reader. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
        try {
            Path kept = Files.createDirectories(Path.of("target", "test-logs")).resolve("job-" + log.getFileName());
            Files.copy(log, kept, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            // only a convenience: the test's own messages quote the output where it matters
        }
    }
}
