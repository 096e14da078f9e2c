package io.odestream.job.forecast;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;

/**
 * A single-node Kafka broker (KRaft, combined broker and controller) in a child JVM that a test can
 * stop and start again on the same ports and log directory, as an operator restarts a broker. The
 * project's {@code EmbeddedKafkaBroker} formats a fresh directory on every start and deletes it on
 * close; this one formats once (here, in the test's JVM) and then runs {@code kafka.Kafka} on it
 * as often as asked. Same settings as the embedded broker: one replica for everything.
 */
final class RestartableBroker implements AutoCloseable {
    private final Path directory;
    private final Path properties;
    private final int port;
    private Process process;
    private Thread killer;

    private RestartableBroker(Path directory, Path properties, int port) {
        this.directory = directory;
        this.properties = properties;
        this.port = port;
    }

    /** Formats a log directory under {@code directory} and starts the broker on it. */
    static RestartableBroker start(Path directory) throws IOException, InterruptedException {
        int[] ports = freePorts();
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.bootstrap.servers", "127.0.0.1:" + ports[1]);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + ports[0] + ",CONTROLLER://127.0.0.1:" + ports[1]);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + ports[0]);
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("log.dirs", directory.resolve("data").toString());
        for (String oneReplica : List.of("offsets.topic.replication.factor", "transaction.state.log.replication.factor",
                "transaction.state.log.min.isr", "share.coordinator.state.topic.replication.factor",
                "share.coordinator.state.topic.min.isr", "min.insync.replicas", "default.replication.factor",
                "offsets.topic.num.partitions", "transaction.state.log.num.partitions")) {
            p.setProperty(oneReplica, "1");
        }
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        Path file = directory.resolve("server.properties");
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(out, "restartable test broker");
        }
        int formatted = kafka.tools.StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(),
                "-c", file.toString(), "--standalone"}, new PrintStream(PrintStream.nullOutputStream()));
        if (formatted != 0) {
            throw new IllegalStateException("formatting " + directory + " failed: exit " + formatted);
        }
        RestartableBroker broker = new RestartableBroker(directory, file, ports[0]);
        broker.startAgain();
        return broker;
    }

    String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Starts the broker on its ports and log directory and waits until it answers. */
    void startAgain() throws IOException, InterruptedException {
        process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "kafka.Kafka",
                properties.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(directory.resolve("broker.log").toFile()))
                .start();
        Process started = process;
        killer = new Thread(started::destroyForcibly, "restartable-broker-killer");
        Runtime.getRuntime().addShutdownHook(killer);
        awaitReady(Duration.ofSeconds(60));
    }

    /** A clean shutdown (SIGTERM: Kafka's controlled shutdown), as an operator stops a broker. */
    void stop() throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        Runtime.getRuntime().removeShutdownHook(killer);
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private void awaitReady(Duration timeout) throws InterruptedException {
        Properties p = new Properties();
        p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "1000");
        p.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "1000");
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(p)) {
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the broker exited: see " + directory.resolve("broker.log"));
                }
                try {
                    if (!admin.describeCluster(new DescribeClusterOptions().timeoutMs(1000)).nodes()
                            .get(1500, TimeUnit.MILLISECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception notYet) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the broker was not ready in " + timeout, notYet);
                    }
                }
                Thread.sleep(100);
            }
        }
    }

    private static int[] freePorts() throws IOException {
        try (ServerSocket a = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             ServerSocket b = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new int[] {a.getLocalPort(), b.getLocalPort()};
        }
    }
}
