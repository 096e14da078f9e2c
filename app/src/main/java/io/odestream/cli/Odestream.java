package io.odestream.cli;

import io.odestream.UserFacingException;
import java.io.PrintWriter;
import org.apache.kafka.common.KafkaException;
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
     * Expected failures ({@link UserFacingException}: bad input, unreachable broker, rejected
     * artifact, diverged training) print their message, which names the input and what to do, and
     * the messages of their causes; anything else is a bug and prints its stack trace too.
     */
    private static int handle(Exception e, CommandLine cmd, CommandLine.ParseResult parseResult) {
        PrintWriter err = cmd.getErr();
        if (e instanceof UserFacingException || e instanceof IllegalArgumentException) {
            err.println(cmd.getColorScheme().errorText("error: " + e.getMessage()));
            for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
                // most messages already quote their cause's; only say what they do not
                if (c.getMessage() != null && !e.getMessage().contains(c.getMessage())) {
                    err.println(cmd.getColorScheme().errorText("  because: " + c.getMessage()));
                }
            }
        } else if (e instanceof KafkaException) {
            err.println(cmd.getColorScheme().errorText("error: Kafka: " + e.getMessage() + "; check that a broker "
                    + "runs at --bootstrap-servers (or $ODESTREAM_BOOTSTRAP_SERVERS) and is reachable from here"));
        } else {
            err.println(cmd.getColorScheme().errorText("error: " + cmd.getCommandName() + " failed: " + e));
            e.printStackTrace(err);
        }
        err.flush();
        return 1;
    }
}
