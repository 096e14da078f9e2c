package io.odestream.kafka.broker;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node Kafka broker (KRaft, combined broker + controller) on 127.0.0.1 with free
 * ports and a temporary log directory, for tests, the demo and {@code odestream broker}.
 *
 * <p><b>Why a child JVM and not the in-JVM {@code KafkaClusterTestKit}:</b> the test kit is a
 * test artifact (not meant for the demo or the CLI) and puts the broker's threads, memory and
 * static state (metrics, log4j) into the caller's JVM, where they compete with the Flink
 * MiniCluster and survive a failed test. A child process has its own heap and logging, is
 * killed as a whole, and needs nothing but the Kafka jars already on the current classpath
 * ({@code java -cp <java.class.path> }{@link BrokerProcessMain}), so the same launcher works
 * from surefire/failsafe, from the shaded CLI jar and from the benchmark. The price is a JVM
 * start (~1 s on top of format + server start).
 *
 * <p>Lifecycle: {@link #start()} returns once the broker answers a metadata request (the Admin
 * client sees the node). That, not the log line "Kafka Server started", is the readiness signal:
 * the line only exists where an SLF4J binding is on the classpath, which the CLI's is not. Or it throws {@link BrokerStartException} with the tail of the broker's
 * log. {@link #close()} asks the broker to shut down cleanly, kills it after a grace period,
 * and deletes the log directory. A shutdown hook kills the child if the caller never closes it,
 * and the child itself exits when its parent's pipe closes (see {@link BrokerProcessMain}).
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(15);
    private static final int LOG_TAIL_LINES = 40;

    private final Process process;
    private final Path directory;
    private final Path logFile;
    private final String bootstrapServers;
    private final String secureBootstrapServers;
    private final Duration startupTime;
    private final Thread shutdownHook;
    private boolean closed;

    private EmbeddedKafkaBroker(Process process, Path directory, Path logFile, String bootstrapServers,
            String secureBootstrapServers, Duration startupTime, Thread shutdownHook) {
        this.process = process;
        this.directory = directory;
        this.logFile = logFile;
        this.bootstrapServers = bootstrapServers;
        this.secureBootstrapServers = secureBootstrapServers;
        this.startupTime = startupTime;
        this.shutdownHook = shutdownHook;
    }

    /** Starts a broker with the default settings; see {@link Builder}. */
    public static EmbeddedKafkaBroker start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code 127.0.0.1:<port>} of the PLAINTEXT listener. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * {@code 127.0.0.1:<port>} of the SASL_SSL listener that {@link Builder#saslScramOverTls}
     * adds; the PLAINTEXT listener of {@link #bootstrapServers()} is then the administrator's.
     */
    public String secureBootstrapServers() {
        if (secureBootstrapServers == null) {
            throw new IllegalStateException("this broker has no SASL_SSL listener: start it with saslScramOverTls(...)");
        }
        return secureBootstrapServers;
    }

    /** How long {@link #start()} took, from launching the child JVM to the broker answering. */
    public Duration startupTime() {
        return startupTime;
    }

    /** The temporary directory holding the log directory, server.properties and broker.log. */
    public Path directory() {
        return directory;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Blocks until the broker process ends (for {@code odestream broker}). */
    public int awaitTermination() throws InterruptedException {
        return process.waitFor();
    }

    /** The last {@code lines} lines of the broker's stdout/stderr. */
    public String logTail(int lines) {
        return tail(logFile, lines);
    }

    /** Clean shutdown (SIGTERM, then SIGKILL after a grace period); deletes the directory. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or will run; it kills the process
        }
        stop(process, SHUTDOWN_GRACE);
        deleteRecursively(directory);
    }

    private static void stop(Process process, Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Settings of the broker to start. Every method returns {@code this}. */
    public static final class Builder {
        private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;
        private final Map<String, String> overrides = new LinkedHashMap<>();
        private String classpath = System.getProperty("java.class.path");
        private String javaExecutable = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        private String maxHeap = "768m";
        private Path keystore;
        private String keystorePassword;

        private Builder() {}

        /**
         * Adds a SASL_SSL listener: TLS with the key pair in {@code keystore} (PKCS12, one
         * password for the store and the key), clients authenticated by SCRAM-SHA-512, and
         * every request authorized by ACLs ({@code StandardAuthorizer}; no ACL, no access).
         * Users and ACLs are created through the PLAINTEXT listener, which stays for the
         * broker's own traffic and the administrator: its principal, {@code User:ANONYMOUS},
         * is the super user. For tests of a secured deployment, not a production layout. The
         * password goes to the broker's {@code server.properties} (readable by its owner only),
         * never to a command line.
         */
        public Builder saslScramOverTls(Path keystore, String keystorePassword) {
            this.keystore = keystore.toAbsolutePath();
            this.keystorePassword = keystorePassword;
            return this;
        }

        public Builder startupTimeout(Duration timeout) {
            this.startupTimeout = timeout;
            return this;
        }

        /** Overrides or adds one server.properties entry (e.g. {@code auto.create.topics.enable}). */
        public Builder brokerProperty(String key, String value) {
            overrides.put(key, value);
            return this;
        }

        /**
         * Classpath of the child JVM; it must contain kafka_2.13 and its dependencies and this
         * module. Defaults to the current JVM's {@code java.class.path}, which is right for tests,
         * the CLI jar and plain {@code java -cp}; set it where the current JVM runs from a
         * launcher class path (e.g. Maven's {@code exec:java}).
         */
        public Builder classpath(String classpath) {
            this.classpath = classpath;
            return this;
        }

        public Builder javaExecutable(String javaExecutable) {
            this.javaExecutable = javaExecutable;
            return this;
        }

        /** -Xmx of the broker JVM, e.g. "768m". */
        public Builder maxHeap(String maxHeap) {
            this.maxHeap = maxHeap;
            return this;
        }

        public EmbeddedKafkaBroker start() {
            for (int attempt = 1; ; attempt++) {
                try {
                    return startOnce();
                } catch (BrokerStartException e) {
                    // The free ports are released before the broker binds them; another process on the
                    // machine can take one in between. That is worth another try with new ports.
                    boolean portTaken = e.getMessage() != null && e.getMessage().contains("Address already in use");
                    if (!portTaken || attempt == 3) {
                        throw e;
                    }
                }
            }
        }

        private EmbeddedKafkaBroker startOnce() {
            long started = System.nanoTime();
            Path directory;
            try {
                directory = Files.createTempDirectory("odestream-kafka-");
            } catch (IOException e) {
                throw new BrokerStartException("cannot create a temporary directory for the Kafka broker "
                        + "(java.io.tmpdir=" + System.getProperty("java.io.tmpdir") + "): " + e.getMessage()
                        + "; make the temporary directory writable or set -Djava.io.tmpdir", e);
            }
            int[] ports = freePorts(keystore == null ? 2 : 3); // held open together: no two listeners get one port
            int brokerPort = ports[0];
            int controllerPort = ports[1];
            Properties server = serverProperties(directory, brokerPort, controllerPort);
            if (keystore != null) {
                secure(server, brokerPort, controllerPort, ports[2]);
            }
            Path serverFile = directory.resolve("server.properties");
            Path log4jFile = directory.resolve("log4j2.properties");
            Path logFile = directory.resolve("broker.log");
            try {
                Files.createFile(serverFile);
                ownerOnly(serverFile); // it may hold the keystore password
                try (Writer out = Files.newBufferedWriter(serverFile, StandardCharsets.UTF_8)) {
                    server.store(out, "odestream embedded broker");
                }
                Files.writeString(log4jFile, BROKER_LOG4J2, StandardCharsets.UTF_8);
            } catch (IOException e) {
                deleteRecursively(directory);
                throw new UncheckedIOException("cannot write the broker configuration to " + directory, e);
            }

            List<String> command = new ArrayList<>(List.of(
                    javaExecutable, "-Xms128m", "-Xmx" + maxHeap, "-XX:+UseG1GC",
                    "-XX:TieredStopAtLevel=1", // C1 only: the broker starts faster and does little work
                    "-Djava.awt.headless=true",
                    "-Dlog4j2.configurationFile=" + log4jFile.toUri(),
                    "-cp", absolute(classpath),
                    BrokerProcessMain.class.getName(),
                    Uuid.randomUuid().toString(),
                    serverFile.toString()));
            Process process;
            try {
                process = new ProcessBuilder(command)
                        .directory(directory.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(logFile.toFile())
                        .start();
            } catch (IOException e) {
                deleteRecursively(directory);
                throw new BrokerStartException("cannot launch the broker JVM '" + javaExecutable + "': "
                        + e.getMessage(), e);
            }
            Thread hook = new Thread(() -> {
                process.destroyForcibly();
                deleteRecursively(directory);
            }, "odestream-kafka-broker-killer");
            Runtime.getRuntime().addShutdownHook(hook);

            String bootstrap = "127.0.0.1:" + brokerPort;
            try {
                awaitReady(process, bootstrap, logFile);
            } catch (RuntimeException e) {
                Runtime.getRuntime().removeShutdownHook(hook);
                process.destroyForcibly();
                deleteRecursively(directory);
                throw e;
            }
            return new EmbeddedKafkaBroker(process, directory, logFile, bootstrap,
                    keystore == null ? null : "127.0.0.1:" + ports[2], Duration.ofNanos(System.nanoTime() - started), hook);
        }

        private Properties serverProperties(Path directory, int brokerPort, int controllerPort) {
            Properties p = new Properties();
            p.setProperty("process.roles", "broker,controller");
            p.setProperty("node.id", "1");
            p.setProperty("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
            p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
            p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
            p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            p.setProperty("controller.listener.names", "CONTROLLER");
            p.setProperty("inter.broker.listener.name", "PLAINTEXT");
            p.setProperty("log.dirs", directory.resolve("data").toString());
            // One node: every internal topic must be satisfiable with a single replica.
            p.setProperty("offsets.topic.replication.factor", "1");
            p.setProperty("offsets.topic.num.partitions", "1");
            p.setProperty("transaction.state.log.replication.factor", "1");
            p.setProperty("transaction.state.log.min.isr", "1");
            p.setProperty("transaction.state.log.num.partitions", "1");
            p.setProperty("share.coordinator.state.topic.replication.factor", "1");
            p.setProperty("share.coordinator.state.topic.min.isr", "1");
            p.setProperty("min.insync.replicas", "1");
            p.setProperty("default.replication.factor", "1");
            // Consumers of tests and the demo should not wait 3 s for the first rebalance.
            p.setProperty("group.initial.rebalance.delay.ms", "0");
            // 15 min is Kafka's default; sinks must set transaction.timeout.ms below it.
            p.setProperty("transaction.max.timeout.ms", "900000");
            overrides.forEach(p::setProperty);
            return p;
        }

        private void secure(Properties p, int brokerPort, int controllerPort, int securePort) {
            p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort
                    + ",SECURE://127.0.0.1:" + securePort);
            p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",SECURE://127.0.0.1:" + securePort);
            p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SECURE:SASL_SSL");
            p.setProperty("sasl.enabled.mechanisms", "SCRAM-SHA-512");
            p.setProperty("listener.name.secure.scram-sha-512.sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
            p.setProperty("listener.name.secure.ssl.keystore.type", "PKCS12");
            p.setProperty("listener.name.secure.ssl.keystore.location", keystore.toString());
            p.setProperty("listener.name.secure.ssl.keystore.password", keystorePassword);
            p.setProperty("listener.name.secure.ssl.key.password", keystorePassword);
            p.setProperty("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
            p.setProperty("super.users", "User:ANONYMOUS");
            p.setProperty("allow.everyone.if.no.acl.found", "false");
            overrides.forEach(p::setProperty);
        }

        private void awaitReady(Process process, String bootstrap, Path logFile) {
            long deadline = System.nanoTime() + startupTimeout.toNanos();
            // First wait for the port to accept connections, so the Admin client does not log a
            // connection warning every 100 ms while the broker formats and starts.
            while (!accepts(brokerPort(bootstrap))) {
                checkAlive(process, logFile);
                checkDeadline(deadline, bootstrap, logFile);
                sleep(50);
            }
            Properties adminProps = new Properties();
            adminProps.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            adminProps.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "1000");
            adminProps.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "1000");
            adminProps.setProperty(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, "50");
            adminProps.setProperty(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "200");
            try (Admin admin = Admin.create(adminProps)) {
                while (true) {
                    checkAlive(process, logFile);
                    checkDeadline(deadline, bootstrap, logFile);
                    try {
                        if (!admin.describeCluster(new DescribeClusterOptions().timeoutMs(1000))
                                .nodes().get(1500, TimeUnit.MILLISECONDS).isEmpty()) {
                            return;
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new BrokerStartException("interrupted while waiting for the Kafka broker", e);
                    } catch (Exception notYet) {
                        // not listening yet; try again
                    }
                    sleep(100);
                }
            }
        }

        private void checkAlive(Process process, Path logFile) {
            if (!process.isAlive()) {
                throw new BrokerStartException("the Kafka broker process exited with code "
                        + process.exitValue() + " before it was ready; its log (" + logFile + "):\n"
                        + tail(logFile, LOG_TAIL_LINES));
            }
        }

        private void checkDeadline(long deadline, String bootstrap, Path logFile) {
            if (System.nanoTime() > deadline) {
                throw new BrokerStartException("the Kafka broker at " + bootstrap + " was not ready within "
                        + startupTimeout.toSeconds() + " s (raise it with startupTimeout(...) on a slow "
                        + "machine); the last lines of its log (" + logFile + "):\n" + tail(logFile, LOG_TAIL_LINES));
            }
        }
    }

    /** Readable by its owner only, where the file system has POSIX permissions (elsewhere the temp dir is the user's own). */
    private static void ownerOnly(Path file) throws IOException {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        }
    }

    /** The child runs in its own directory: relative classpath entries (java -cp x.jar) must become absolute. */
    private static String absolute(String classpath) {
        return Arrays.stream(classpath.split(File.pathSeparator))
                .filter(entry -> !entry.isEmpty())
                .map(entry -> entry.endsWith("*") ? entry : Path.of(entry).toAbsolutePath().toString())
                .collect(Collectors.joining(File.pathSeparator));
    }

    private static int brokerPort(String bootstrap) {
        return Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    /** Broker-side logging: warnings, plus the lines that say it started or stopped. */
    private static final String BROKER_LOG4J2 = String.join("\n",
            "status = warn",
            "appender.out.type = Console",
            "appender.out.name = out",
            "appender.out.layout.type = PatternLayout",
            "appender.out.layout.pattern = [%d] %p %m (%c)%n",
            "rootLogger.level = warn",
            "rootLogger.appenderRef.out.ref = out",
            "logger.server.name = kafka.server.KafkaRaftServer",
            "logger.server.level = info",
            "");

    private static int[] freePorts(int count) {
        List<ServerSocket> sockets = new ArrayList<>(count);
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(socket);
                socket.setReuseAddress(true);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new BrokerStartException("cannot find a free port on 127.0.0.1: " + e.getMessage(), e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // the port is released when the process exits at the latest
                }
            }
        }
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log " + file + " unreadable: " + e.getMessage() + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerStartException("interrupted while waiting for the Kafka broker", e);
        }
    }

    private static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a file still held open by a dying broker; the OS temp cleaner gets it
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // best effort, see above
        }
    }
}
