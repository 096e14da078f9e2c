package io.odestream.cli;

import io.odestream.job.cli.FineTuneCommand;
import io.odestream.job.cli.JobMain;
import io.odestream.job.cli.RunCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/**
 * The {@code odestream} command line. To add a command, write a class annotated with
 * {@code @Command(name = ...)} and add it to {@code subcommands} below.
 *
 * <p>Exit codes: 0 success, 1 the command failed (the message says why and what to do),
 * 2 wrong usage (unknown option, missing argument).
 */
@Command(name = "odestream",
        mixinStandardHelpOptions = true,
        version = "odestream 0.1.0",
        description = "Continuous-time latent state (neural ODEs) for every series in a Kafka stream.",
        subcommands = {
            DemoCommand.class,
            DashboardCommand.class,
            RunCommand.class,
            ForecastCommand.class,
            FineTuneCommand.class,
            SpiralCommand.class,
            TrainCommand.class,
            BrokerCommand.class,
            ClusterCommand.class,
            TopicsCommand.class,
            ProduceCommand.class,
            TailCommand.class,
            ModelsCommand.class,
            EvalCommand.class,
            HelpCommand.class,
        })
public final class Odestream implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line; tests call {@code commandLine().execute(...)} with their own out/err. */
    public static CommandLine commandLine() {
        return new CommandLine(new Odestream())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(JobMain::handle); // one handler for every failure
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
