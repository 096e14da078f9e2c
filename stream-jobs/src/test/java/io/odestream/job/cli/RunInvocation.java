package io.odestream.job.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * {@code odestream run} executed in-process for option tests: no broker (127.0.0.1:1) and an absent
 * keys directory, so a run that gets past its options fails on the keys, before any topic or job.
 */
final class RunInvocation {
    private RunInvocation() {
    }

    /** The exit code, stdout and stderr of {@code run --model m ... options}. */
    static String[] execute(Path dir, String... options) {
        String[] base = {"run", "--model", "m", "--bootstrap-servers", "127.0.0.1:1", "--keys",
                dir.resolve("no-keys").toString()};
        String[] all = new String[base.length + options.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(options, 0, all, base.length, options.length);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = JobMain.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int exit = cmd.execute(all);
        return new String[] {Integer.toString(exit), out.toString(), err.toString()};
    }
}
