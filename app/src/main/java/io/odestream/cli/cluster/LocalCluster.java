package io.odestream.cli.cluster;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A standalone Flink cluster of separate processes on 127.0.0.1 — a JobManager
 * ({@code StandaloneSessionClusterEntrypoint}) and TaskManagers ({@code TaskManagerRunner}) on Flink's
 * Maven-resolved runtime ({@link FlinkRuntimeClasspath}) — and a real Kafka broker (the command line's
 * own {@code odestream broker}, a broker in a child JVM), all living in a {@link ClusterDirectory}.
 * Started, the processes run on without the command that started them, until {@link #stop}.
 */
public final class LocalCluster {
    public static final String JOB_MANAGER = "jobmanager";
    public static final String BROKER = "broker";
    private static final Pattern BROKER_READY = Pattern.compile("Kafka broker ready at (\\S+)");
    private static final long START_TIMEOUT_MILLIS = 90_000;

    private final ClusterDirectory dir;

    public LocalCluster(ClusterDirectory dir) {
        this.dir = dir;
    }

    /** Every process name of a cluster of this directory, TaskManagers first (the order {@link #stop} uses). */
    private List<String> processes() {
        List<String> names = new ArrayList<>();
        for (int i = 1; dir.running(ClusterSpec.taskManager(i)).isPresent()
                || Files.exists(dir.root().resolve("pids").resolve(ClusterSpec.taskManager(i) + ".pid")); i++) {
            names.add(ClusterSpec.taskManager(i));
        }
        names.add(JOB_MANAGER);
        names.add(BROKER);
        return names;
    }

    /**
     * Starts the broker, the JobManager and the TaskManagers, and returns once the REST endpoint
     * reports every TaskManager registered. Refused while a process of this directory still runs.
     */
    public void start(ClusterSpec spec, PrintWriter out) throws InterruptedException {
        List<String> running = processes().stream().filter(p -> dir.running(p).isPresent()).toList();
        if (!running.isEmpty()) {
            throw new IllegalStateException("a cluster already runs in " + dir.root() + " (" + String.join(", ", running)
                    + "): `odestream cluster status --dir " + dir.root() + "` shows it, `odestream cluster stop --dir "
                    + dir.root() + "` stops it");
        }
        dir.create();
        if (spec.withBroker()) {
            String bootstrap = startBroker();
            dir.recordEndpoint(ClusterDirectory.BOOTSTRAP, bootstrap);
            out.println("Kafka broker at " + bootstrap + " (topics created)");
            out.flush();
        }
        // free ports chosen after the broker has taken its own, so that the two cannot pick the same one
        int restPort = spec.restPort() == 0 ? freePort() : spec.restPort();
        ClusterDirectory.write(dir.configDir().resolve("config.yaml"),
                FlinkClusterConfig.yaml(spec, freePort(), restPort, dir.tmpDir()));
        ClusterDirectory.write(dir.configDir().resolve("log4j.properties"), FlinkClusterConfig.log4j());
        String rest = "127.0.0.1:" + restPort;
        dir.recordEndpoint(ClusterDirectory.REST, rest);
        String classpath = FlinkRuntimeClasspath.read();
        startFlinkProcess(JOB_MANAGER, FlinkClusterConfig.jobManager(dir.configDir()), classpath,
                "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint");
        FlinkClusterConfig.Launch tm = FlinkClusterConfig.taskManager(dir.configDir());
        for (int i = 1; i <= spec.taskManagers(); i++) {
            startFlinkProcess(ClusterSpec.taskManager(i), tm, classpath,
                    "org.apache.flink.runtime.taskexecutor.TaskManagerRunner", "-D",
                    "taskmanager.resource-id=" + ClusterSpec.taskManager(i));
        }
        ClusterOverview overview = awaitTaskManagers(rest, spec.taskManagers(), spec.taskManagers() * spec.slotsPerTaskManager());
        out.println("Flink cluster at http://" + rest + ": " + overview);
        out.println("submit with: odestream run --cluster " + rest + " ...");
        out.flush();
    }

    private void startFlinkProcess(String name, FlinkClusterConfig.Launch launch, String classpath, String mainClass,
                                   String... extraSettings) {
        List<String> flags = new ArrayList<>(launch.jvmFlags());
        flags.addAll(FlinkClusterConfig.JAVA_17_OPTIONS);
        flags.add("-Dlog.file=" + dir.log(name));
        flags.add("-Dlog4j.configurationFile=" + dir.configDir().resolve("log4j.properties").toUri());
        List<String> args = new ArrayList<>(List.of("--configDir", dir.configDir().toString()));
        args.addAll(launch.dynamicSettings());
        args.addAll(List.of(extraSettings));
        DetachedJvm.start(dir, name, flags, classpath, mainClass, args);
    }

    /** {@code odestream broker --create-topics} in its own JVM; its address from the line it prints when ready. */
    private String startBroker() throws InterruptedException {
        ProcessHandle broker = DetachedJvm.start(dir, BROKER, List.of("-Xmx256m"), System.getProperty("java.class.path"),
                "io.odestream.cli.Odestream", List.of("broker", "--create-topics"));
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            Matcher ready = BROKER_READY.matcher(read(dir.output(BROKER)));
            if (ready.find()) {
                return ready.group(1);
            }
            if (!broker.isAlive()) {
                throw new IllegalStateException("the Kafka broker exited while starting; its output ("
                        + dir.output(BROKER) + "):\n" + read(dir.output(BROKER)));
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the Kafka broker did not start in " + START_TIMEOUT_MILLIS / 1000 + " s; see "
                + dir.output(BROKER));
    }

    /** Until every TaskManager has registered and reported its slots (registering comes first). */
    private ClusterOverview awaitTaskManagers(String rest, int taskManagers, int slots) throws InterruptedException {
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            Optional<ClusterOverview> overview = ClusterOverview.of(rest);
            if (overview.isPresent() && overview.get().taskManagers() >= taskManagers && overview.get().slotsTotal() >= slots) {
                return overview.get();
            }
            for (String p : processes()) {
                if (!p.equals(BROKER) && dir.running(p).isEmpty()) {
                    throw new IllegalStateException("the " + p + " process exited while the cluster started; see "
                            + dir.log(p) + " and " + dir.output(p));
                }
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("the cluster at " + rest + " did not report " + taskManagers + " TaskManagers in "
                + START_TIMEOUT_MILLIS / 1000 + " s; see the logs in " + dir.root().resolve("logs"));
    }

    /** One line per process, then the REST endpoint and what it reports. */
    public List<String> status() {
        List<String> lines = new ArrayList<>();
        for (String p : processes()) {
            Optional<ProcessHandle> h = dir.running(p);
            lines.add(String.format("%-14s %s", p, h.map(x -> "running, pid " + x.pid() + ", log "
                    + (p.equals(BROKER) ? dir.output(p) : dir.log(p))).orElse("not running")));
        }
        dir.endpoint(ClusterDirectory.BOOTSTRAP).ifPresent(b -> lines.add("Kafka bootstrap servers: " + b));
        dir.endpoint(ClusterDirectory.REST).ifPresent(r -> lines.add("Flink REST: http://" + r + " — "
                + ClusterOverview.of(r).map(ClusterOverview::toString).orElse("not answering")));
        return lines;
    }

    /** SIGTERM to every process (TaskManagers, JobManager, broker), SIGKILL to one still there after 20 s. */
    public List<String> stop() throws InterruptedException {
        List<String> stopped = new ArrayList<>();
        for (String p : processes()) {
            Optional<ProcessHandle> h = dir.running(p);
            if (h.isPresent()) {
                h.get().destroy();
                try {
                    h.get().onExit().get(20, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                    h.get().destroyForcibly();
                }
                stopped.add(p);
            }
            dir.forget(p);
        }
        return stopped;
    }

    private static String read(java.nio.file.Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }
}
