package io.odestream.cli;

import io.odestream.kafka.TopicSetup;
import io.odestream.kafka.KafkaSettings;
import io.odestream.kafka.TopicSetupReport;
import io.odestream.kafka.broker.EmbeddedKafkaBroker;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code odestream broker}: a real single-node Kafka broker on 127.0.0.1 until Ctrl-C. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = {"Starts a real single-node Kafka broker on 127.0.0.1 and runs until Ctrl-C.",
            "KRaft, a free port, a temporary log directory (deleted on exit); prints the bootstrap address."})
final class BrokerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--create-topics", description = "Also create odestream's topics (see `odestream topics create`).")
    boolean createTopics;

    @Option(names = "--topic-prefix", paramLabel = "PREFIX", defaultValue = "",
            description = "Prefix of the topics --create-topics creates.")
    String topicPrefix;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
        AtomicBoolean stopping = new AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.set(true);
            broker.close();
        }, "odestream-broker-stop"));
        // The broker's address first, its topics next, "ready" last: a script may wait for that line.
        out.println("Kafka broker at " + broker.bootstrapServers() + " (started in "
                + broker.startupTime().toMillis() + " ms, data in " + broker.directory() + ")");
        if (createTopics) {
            try (TopicSetup setup = new TopicSetup(KafkaSettings.builder(broker.bootstrapServers())
                    .topicPrefix(topicPrefix).build())) {
                TopicSetupReport report = setup.ensure(TopicSetup.defaultTopics(topicPrefix, 1, (short) 1));
                out.println("topics created: " + report.created());
                report.problems().forEach(p -> spec.commandLine().getErr().println("warning: " + p));
            }
        }
        out.println("Kafka broker ready at " + broker.bootstrapServers());
        out.println("export ODESTREAM_BOOTSTRAP_SERVERS=" + broker.bootstrapServers());
        out.println("Ctrl-C stops it and deletes its data.");
        out.flush();
        int exit = broker.awaitTermination();
        if (stopping.get()) {
            return 0; // Ctrl-C: the hook stopped it
        }
        throw new CommandFailedException("the Kafka broker exited by itself with code " + exit
                + "; its log was:\n" + broker.logTail(40));
    }
}
