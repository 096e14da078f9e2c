package io.odestream.cli.cluster;

/**
 * What a local cluster is made of: the REST port (0: any free one), how many TaskManagers with how
 * many slots each, the processes' memory (Flink's {@code *.memory.process.size}) and whether a Kafka
 * broker runs beside it.
 */
public record ClusterSpec(int restPort, int taskManagers, int slotsPerTaskManager, String jobManagerMemory,
                          String taskManagerMemory, boolean withBroker) {
    public ClusterSpec {
        if (restPort < 0 || restPort > 65_535) {
            throw new IllegalArgumentException("--rest-port " + restPort + ": a port from 1 to 65535, or 0 for any free one");
        }
        if (taskManagers < 1 || slotsPerTaskManager < 1) {
            throw new IllegalArgumentException("--taskmanagers and --slots must be at least 1 (were " + taskManagers
                    + " and " + slotsPerTaskManager + ")");
        }
    }

    /** The process name of the i-th TaskManager (from 1), its pid file, log and Flink resource id. */
    static String taskManager(int i) {
        return "taskmanager-" + i;
    }
}
