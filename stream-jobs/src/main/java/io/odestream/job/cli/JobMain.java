package io.odestream.job.cli;

import io.odestream.UserFacingException;
import java.io.PrintWriter;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/**
 * The main class of the job jar ({@code stream-jobs/target/odestream-job.jar}):
 * {@code flink run odestream-job.jar run --model ID ...} or {@code ... finetune ...}. The commands are
 * the ones {@code odestream run} and {@code odestream finetune} of the command line are, so options,
 * defaults and help texts cannot drift apart.
 *
 * <p>Exit codes: 0 success, 1 the job could not be built or failed, 2 wrong usage.
 */
@Command(name = "odestream-job",
        mixinStandardHelpOptions = true,
        version = "odestream 0.1.0",
        description = "The odestream Flink jobs, submitted with `flink run odestream-job.jar COMMAND ...` "
                + "(Flink's context environment is used: the job runs on that cluster).",
        subcommands = {
            RunCommand.class,
            FineTuneCommand.class,
            HelpCommand.class,
        })
public final class JobMain implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        int exit = commandLine().execute(args);
        // No System.exit on success: in Flink's application mode main runs inside the JobManager,
        // and exiting there would take the JobManager down with it.
        if (exit != 0) {
            System.exit(exit);
        }
    }

    /** The configured command line; tests call {@code commandLine().execute(...)} with their own out/err. */
    public static CommandLine commandLine() {
        return new CommandLine(new JobMain())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(JobMain::handle);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * The one handler of failures, for the job jar and the {@code odestream} command line alike.
     * Expected failures ({@link UserFacingException}: bad input, unreadable key, rejected artifact,
     * diverged training; and bad arguments) print their message, which names the input and what to
     * do, and the messages of their causes; anything else is a bug and prints its stack trace too.
     */
    public static int handle(Exception e, CommandLine cmd, CommandLine.ParseResult parseResult) {
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
