package io.odestream.cli;

import io.odestream.cli.cluster.ClusterDirectory;
import io.odestream.cli.cluster.ClusterSpec;
import io.odestream.cli.cluster.LocalCluster;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code odestream cluster start|status|stop}: a multi-process Flink cluster and a Kafka broker on 127.0.0.1. */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = {"A real standalone Flink cluster on this machine — a JobManager and TaskManagers, each its own "
                + "process, on 127.0.0.1 — and a Kafka broker process. Submit jobs to it with `run --cluster` "
                + "and `finetune --cluster`."},
        subcommands = {ClusterCommand.Start.class, ClusterCommand.Status.class, ClusterCommand.Stop.class})
final class ClusterCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The directory option every subcommand shares. */
    static final class DirOption {
        @Option(names = "--dir", defaultValue = "odestream-cluster", paramLabel = "DIR",
                description = "The cluster's directory: configuration, logs, pid files, temporary files "
                        + "(default ${DEFAULT-VALUE}).")
        Path dir;

        LocalCluster cluster() {
            return new LocalCluster(new ClusterDirectory(dir));
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Start the broker, the JobManager and the TaskManagers; returns when every TaskManager has "
                    + "registered, leaving them running.")
    static final class Start implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @picocli.CommandLine.Mixin
        DirOption dir;

        @Option(names = "--rest-port", defaultValue = "8081", description = "The JobManager's REST port (default "
                + "${DEFAULT-VALUE}; 0 = any free port).")
        int restPort;

        @Option(names = "--taskmanagers", defaultValue = "2", description = "TaskManager processes (default ${DEFAULT-VALUE}).")
        int taskManagers;

        @Option(names = "--slots", defaultValue = "2", description = "Task slots per TaskManager (default ${DEFAULT-VALUE}).")
        int slots;

        @Option(names = "--jobmanager-memory", defaultValue = "1g", paramLabel = "SIZE",
                description = "jobmanager.memory.process.size (default ${DEFAULT-VALUE}).")
        String jobManagerMemory;

        @Option(names = "--taskmanager-memory", defaultValue = "1536m", paramLabel = "SIZE",
                description = "taskmanager.memory.process.size (default ${DEFAULT-VALUE}).")
        String taskManagerMemory;

        @Option(names = "--no-broker", description = "Start no Kafka broker (the jobs will use another one).")
        boolean noBroker;

        @Override
        public Integer call() throws Exception {
            ClusterSpec cluster = new ClusterSpec(restPort, taskManagers, slots, jobManagerMemory, taskManagerMemory, !noBroker);
            try {
                dir.cluster().start(cluster, spec.commandLine().getOut());
            } catch (IllegalStateException e) {
                throw new CommandFailedException(e.getMessage(), e);
            }
            spec.commandLine().getOut().println("`odestream cluster status --dir " + dir.dir + "` shows it, "
                    + "`odestream cluster stop --dir " + dir.dir + "` stops it");
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Which of the cluster's processes run, its REST URL and what Flink reports.")
    static final class Status implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @picocli.CommandLine.Mixin
        DirOption dir;

        @Override
        public Integer call() {
            dir.cluster().status().forEach(spec.commandLine().getOut()::println);
            return 0;
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "Stop every process of the cluster (TaskManagers, JobManager, broker); jobs on it end.")
    static final class Stop implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @picocli.CommandLine.Mixin
        DirOption dir;

        @Override
        public Integer call() throws Exception {
            List<String> stopped = dir.cluster().stop();
            spec.commandLine().getOut().println(stopped.isEmpty() ? "nothing ran in " + dir.dir
                    : "stopped " + String.join(", ", stopped));
            return 0;
        }
    }
}
