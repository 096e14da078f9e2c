package io.odestream.cli.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pid files name a process only while that very process runs: a reused pid is not ours. */
class ClusterDirectoryTest {
    @TempDir
    Path root;

    @Test
    void aRecordedProcessIsRunningUntilItsPidFileIsForgotten() {
        ClusterDirectory dir = new ClusterDirectory(root);
        dir.create();
        dir.recordPid("jobmanager", ProcessHandle.current());
        assertEquals(Optional.of(ProcessHandle.current().pid()), dir.running("jobmanager").map(ProcessHandle::pid));
        dir.forget("jobmanager");
        assertTrue(dir.running("jobmanager").isEmpty());
    }

    @Test
    void aPidNowHeldByAProcessStartedAtAnotherTimeIsNotTheRecordedOne() throws Exception {
        ClusterDirectory dir = new ClusterDirectory(root);
        dir.create();
        Files.writeString(root.resolve("pids").resolve("taskmanager-1.pid"), ProcessHandle.current().pid() + " 1\n");
        assertTrue(dir.running("taskmanager-1").isEmpty(), "started at epoch millisecond 1: someone else's process");
    }

    @Test
    void endpointsAreKeptAcrossCommands() {
        new ClusterDirectory(root).recordEndpoint("rest", "127.0.0.1:8081");
        new ClusterDirectory(root).recordEndpoint("bootstrap", "127.0.0.1:9092");
        ClusterDirectory later = new ClusterDirectory(root);
        assertEquals(Optional.of("127.0.0.1:8081"), later.endpoint("rest"));
        assertEquals(Optional.of("127.0.0.1:9092"), later.endpoint("bootstrap"));
    }
}
