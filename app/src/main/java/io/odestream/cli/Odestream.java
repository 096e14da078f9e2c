package io.odestream.cli;

import io.odestream.cli.csv.CsvInputException;
import io.odestream.job.cli.FineTuneCommand;
import io.odestream.job.cli.JobMain;
import io.odestream.job.cli.RunCommand;
import io.odestream.kafka.broker.BrokerStartException;
import java.io.PrintWriter;
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
            RunCommand.class,
            ForecastCommand.class,
            FineTuneCommand.class,
            SpiralCommand.class,
            TrainCommand.class,
            BrokerCommand.class,
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
                .setExecutionExceptionHandler(Odestream::handle);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Failures of the command line's own inputs (CSV, embedded broker, a command's checks) print their
     * message, which names the input and what to do; the rest are handled as the job jar handles them.
     */
    private static int handle(Exception e, CommandLine cmd, CommandLine.ParseResult parseResult) {
        if (e instanceof CsvInputException || e instanceof BrokerStartException || e instanceof CommandFailedException) {
            PrintWriter err = cmd.getErr();
            err.println(cmd.getColorScheme().errorText("error: " + e.getMessage()));
            err.flush();
            return 1;
        }
        return JobMain.handle(e, cmd, parseResult);
    }
}
