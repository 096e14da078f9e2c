package io.odestream.cli.cluster;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a JVM that outlives the command that started it: no standard input (a process waiting for
 * its parent's input would stop with it), output appended to its {@code logs/NAME.out}, its pid
 * recorded in the cluster directory for {@code status} and {@code stop}.
 */
final class DetachedJvm {
    private DetachedJvm() {
    }

    static ProcessHandle start(ClusterDirectory dir, String name, List<String> jvmFlags, String classpath,
                               String mainClass, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags);
        command.addAll(List.of("-cp", classpath, mainClass));
        command.addAll(args);
        try {
            Process process = new ProcessBuilder(command).directory(dir.root().toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.output(name).toFile()))
                    .start();
            ProcessHandle handle = process.toHandle();
            dir.recordPid(name, handle);
            return handle;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the " + name + " JVM", e);
        }
    }
}
