package io.odestream.cli;

import io.odestream.job.cli.KafkaOptions;
import io.odestream.kafka.TopicSetup;
import io.odestream.kafka.TopicSetupReport;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code odestream topics create}. */
@Command(name = "topics", mixinStandardHelpOptions = true, description = "Manage odestream's Kafka topics.",
        subcommands = TopicsCommand.Create.class)
final class TopicsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Creates every odestream topic that does not exist (models compacted); existing topics",
                "that differ from their spec are reported, never altered."})
    static final class Create implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        KafkaOptions kafka;

        @Option(names = "--partitions", defaultValue = "4", description = "Partitions of the data topics (default ${DEFAULT-VALUE}; models always 1).")
        int partitions;

        @Option(names = "--replication-factor", defaultValue = "1", description = "Replicas per partition (default ${DEFAULT-VALUE}).")
        short replicationFactor;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            TopicSetupReport report;
            try (TopicSetup setup = new TopicSetup(kafka.settings())) {
                report = setup.ensure(TopicSetup.defaultTopics(kafka.topicPrefix(), partitions, replicationFactor));
            }
            out.println("created: " + report.created());
            out.println("already present: " + report.alreadyPresent());
            report.problems().forEach(p -> spec.commandLine().getErr().println("problem: " + p));
            return report.ok() ? 0 : 1;
        }
    }
}
