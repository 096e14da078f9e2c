package io.odestream.cli.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * The directory a local cluster lives in: Flink's configuration ({@code conf/}), one log per process
 * ({@code logs/}), one pid file per process ({@code pids/}), Flink's temporary files ({@code tmp/}) and
 * the endpoints it serves ({@code cluster.properties}). A pid file holds the pid and the process's start
 * time, so that a pid the system has since given to another process is never taken for ours.
 */
public final class ClusterDirectory {
    static final String REST = "rest";
    static final String BOOTSTRAP = "bootstrap";

    private final Path root;

    public ClusterDirectory(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    Path configDir() {
        return root.resolve("conf");
    }

    Path tmpDir() {
        return root.resolve("tmp");
    }

    /** Flink's own log of a process (log4j). */
    public Path log(String process) {
        return root.resolve("logs").resolve(process + ".log");
    }

    /** What a process writes to stdout and stderr. */
    public Path output(String process) {
        return root.resolve("logs").resolve(process + ".out");
    }

    void create() {
        try {
            for (String sub : new String[] {"conf", "logs", "pids", "tmp"}) {
                Files.createDirectories(root.resolve(sub));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the cluster directory " + root, e);
        }
    }

    void recordPid(String process, ProcessHandle handle) {
        long started = handle.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L);
        write(root.resolve("pids").resolve(process + ".pid"), handle.pid() + " " + started + "\n");
    }

    /** The process recorded under this name, if it still runs (the same process: pid and start time). */
    public Optional<ProcessHandle> running(String process) {
        Path file = root.resolve("pids").resolve(process + ".pid");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        String[] fields = read(file).trim().split("\\s+");
        long started = fields.length > 1 ? Long.parseLong(fields[1]) : 0L;
        return ProcessHandle.of(Long.parseLong(fields[0])).filter(ProcessHandle::isAlive)
                .filter(h -> started == 0L || h.info().startInstant().map(i -> i.toEpochMilli() == started).orElse(true));
    }

    void forget(String process) {
        try {
            Files.deleteIfExists(root.resolve("pids").resolve(process + ".pid"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the pid file of " + process + " in " + root, e);
        }
    }

    void recordEndpoint(String name, String address) {
        Properties endpoints = endpoints();
        endpoints.setProperty(name, address);
        StringBuilder text = new StringBuilder();
        endpoints.stringPropertyNames().stream().sorted()
                .forEach(k -> text.append(k).append('=').append(endpoints.getProperty(k)).append('\n'));
        write(root.resolve("cluster.properties"), text.toString());
    }

    /** An endpoint the cluster recorded when it started: {@code rest} (HOST:PORT) or {@code bootstrap}. */
    public Optional<String> endpoint(String name) {
        return Optional.ofNullable(endpoints().getProperty(name));
    }

    private Properties endpoints() {
        Properties p = new Properties();
        Path file = root.resolve("cluster.properties");
        if (Files.isRegularFile(file)) {
            try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        return p;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
