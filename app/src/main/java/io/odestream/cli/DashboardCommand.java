package io.odestream.cli;

import io.odestream.dashboard.Dashboard;
import io.odestream.job.cli.KafkaOptions;
import io.odestream.job.cli.KafkaPreflight;
import io.odestream.kafka.OdeTopic;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code odestream dashboard}: the live page of a running job's topics, until Ctrl-C. */
@Command(name = "dashboard", mixinStandardHelpOptions = true,
        description = {"Serves the live dashboard: every series with its observations, latest forecast fan and alerts, "
                + "the served model and its changes, the job's rates; the page updates itself (server-sent events).",
            "Follows the observations, forecasts, alerts, late-observations, dead-letters, models and model-serving "
                + "topics from their beginning, read_committed. Runs until Ctrl-C."})
final class DashboardCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--port", defaultValue = "8080", description = "HTTP port (default ${DEFAULT-VALUE}; 0: any free port)")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "address to listen on (default ${DEFAULT-VALUE}, this machine only; 0.0.0.0 for every interface)")
    String host;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65_535) {
            throw new CommandFailedException("--port " + port + " is not a port (0 to 65535)");
        }
        KafkaPreflight.requireTopics(kafka.settings(), List.of(OdeTopic.OBSERVATIONS, OdeTopic.FORECASTS,
                OdeTopic.ALERTS), KafkaPreflight.DEFAULT_WAIT);
        PrintWriter out = spec.commandLine().getOut();
        CountDownLatch stopped = new CountDownLatch(1);
        try (Dashboard dashboard = DashboardLauncher.start(kafka.settings(), host, port)) {
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "dashboard-stop"));
            out.println("odestream dashboard at " + dashboard.url() + " (Kafka " + kafka.bootstrapServers()
                    + "; Ctrl-C stops)");
            out.flush();
            stopped.await();
        }
        return 0;
    }
}
