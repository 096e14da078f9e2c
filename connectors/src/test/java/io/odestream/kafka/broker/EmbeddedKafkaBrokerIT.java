package io.odestream.kafka.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaBrokerIT {

    @Test
    void startsARealBrokerThatTakesTransactionsAndCleansUpOnClose() throws Exception {
        Path directory;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            directory = broker.directory();
            assertTrue(broker.bootstrapServers().startsWith("127.0.0.1:"));
            assertTrue(broker.isAlive());

            // transactions need the transaction-state topic with one replica: proves those settings
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG, "broker-it",
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("broker-it", "k", "hello"));
                producer.commitTransaction();
            }
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, "broker-it",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class))) {
                consumer.subscribe(List.of("broker-it"));
                List<String> values = new ArrayList<>();
                long deadline = System.currentTimeMillis() + 20_000;
                while (values.isEmpty() && System.currentTimeMillis() < deadline) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                        values.add(r.value());
                    }
                }
                assertEquals(List.of("hello"), values);
            }
        }
        assertFalse(Files.exists(directory), "close() deletes the broker's directory " + directory);
    }

    @Test
    void theBrokerProcessExitsWhenItsParentGoesAway() throws Exception {
        // The parent's end of the child's stdin closes when the parent dies, even on kill -9.
        Path dir = Files.createTempDirectory("odestream-orphan-test");
        Path props = dir.resolve("server.properties");
        int broker = freePort();
        int controller = freePort();
        Files.writeString(props, String.join("\n",
                "process.roles=broker,controller", "node.id=1", "log.dirs=" + dir.resolve("data"),
                "controller.quorum.bootstrap.servers=127.0.0.1:" + controller,
                "listeners=PLAINTEXT://127.0.0.1:" + broker + ",CONTROLLER://127.0.0.1:" + controller,
                "controller.listener.names=CONTROLLER", "inter.broker.listener.name=PLAINTEXT",
                "offsets.topic.replication.factor=1", "transaction.state.log.replication.factor=1", ""));
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), BrokerProcessMain.class.getName(),
                "AAAAAAAAAAAAAAAAAAAAAA", props.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile()).start();
        try {
            // Wait until it serves (a fixed sleep was too short on a loaded machine: closing stdin during
            // start-up makes the child exit with a start-up failure instead of a clean shutdown).
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (!accepts(broker)) {
                assertTrue(child.isAlive(), "the child died during start-up: " + Files.readString(dir.resolve("out.log")));
                assertTrue(System.nanoTime() < deadline, "the child did not start serving within 90 s");
                Thread.sleep(200);
            }
            Thread.sleep(500);
            assertTrue(child.isAlive(), "the child keeps running while its parent is there");
            child.getOutputStream().close();
            assertTrue(child.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "the child exits once its parent is gone");
            assertEquals(0, child.exitValue(), "a clean exit, not a start-up failure: " + Files.readString(dir.resolve("out.log")));
        } finally {
            child.destroyForcibly();
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static boolean accepts(int port) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void aBrokerThatCannotStartFailsWithItsLogInTheMessage() {
        BrokerStartException e = assertThrows(BrokerStartException.class, () -> EmbeddedKafkaBroker.builder()
                .brokerProperty("node.id", "not-a-number")
                .startupTimeout(Duration.ofSeconds(30))
                .start());
        assertTrue(e.getMessage().contains("exited with code"), e.getMessage());
        assertTrue(e.getMessage().contains("not-a-number"), "the log tail names the bad value: " + e.getMessage());
    }
}
