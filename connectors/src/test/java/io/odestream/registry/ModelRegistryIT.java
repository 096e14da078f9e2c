package io.odestream.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.kafka.AvroSerde;
import io.odestream.kafka.OdeTopic;
import io.odestream.kafka.Rejection;
import io.odestream.kafka.broker.testing.KafkaBrokerExtension;
import io.odestream.registry.testing.TestRegistry;
import io.odestream.schema.ArtifactDigest;
import io.odestream.schema.ModelArtifact;
import io.odestream.schema.RegistryServing;
import io.odestream.schema.RegistryServingAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Against one real broker; every test uses its own pair of topics. */
class ModelRegistryIT {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    private static final AtomicInteger TOPICS = new AtomicInteger();

    private final TestRegistry signed = TestRegistry.on(KAFKA.bootstrapServers(), "models-" + TOPICS.incrementAndGet(),
            "serving-" + TOPICS.get());
    private final ArtifactSigner signer = signed.signer();
    private final ArtifactVerifier verifier = signed.verifier();
    private final RegistryConfig config = signed.config();

    @Test
    void publishListFetchPromoteAndRollBack() throws Exception {
        try (ModelRegistry registry = ModelRegistry.connect(config, verifier)) {
            registry.publish(signer.sign(TestArtifacts.unsigned("m", 1, null)));
            registry.publish(signer.sign(TestArtifacts.unsigned("m", 2, 1L)));
            registry.publish(signer.sign(TestArtifacts.unsigned("m", 3, 2L)));
            registry.publish(signer.sign(TestArtifacts.unsigned("other", 1, null)));

            RegistrySnapshot s = registry.snapshot();
            assertEquals(List.of("m", "other"), List.copyOf(s.modelIds()));
            assertEquals(List.of(1L, 2L, 3L), s.versions("m").stream().map(ModelArtifact::getVersion).toList());
            assertEquals(2L, s.version("m", 3).orElseThrow().getParentVersion(), "lineage");
            assertEquals(1.5 / 3, s.version("m", 3).orElseThrow().getMetrics().get("val_nll"), "metrics");
            assertEquals(3L, s.latest("m").orElseThrow().getVersion());
            assertTrue(s.serving("m").isEmpty(), "publishing does not promote");
            assertTrue(s.rejected().isEmpty(), s.rejected().toString());

            registry.promote("m", 1, "first");
            registry.promote("m", 2, "better val_nll");
            RegistryServing p3 = registry.promote("m", 3, "even better");
            assertEquals(3L, p3.getServingVersion());

            RegistryServing back = registry.rollback("m", null, "alerts went wild");
            assertEquals(2L, back.getServingVersion(), "default rollback = the previously promoted version");
            assertEquals(RegistryServingAction.ROLLED_BACK, back.getHistory().get(3).getAction());
            assertEquals(3L, back.getHistory().get(3).getFromVersion());
            assertEquals("alerts went wild", back.getHistory().get(3).getReason());
            assertEquals(1L, registry.rollback("m", null, "again").getServingVersion(),
                    "a second rollback skips the version already rolled back from");
            RegistryException nothingLeft = assertThrows(RegistryException.class, () -> registry.rollback("m", null, "x"));
            assertTrue(nothingLeft.getMessage().contains("--to"), nothingLeft.getMessage());
            assertEquals(3L, registry.rollback("m", 3L, "explicit").getServingVersion());

            RegistryException unknown = assertThrows(RegistryException.class, () -> registry.promote("m", 9, "x"));
            assertTrue(unknown.getMessage().contains("no verified version 9"), unknown.getMessage());
            assertThrows(RegistryException.class, () -> registry.rollback("other", null, "never promoted"));

            // promote and rollback republish the artifact, so the newest record on the models topic is the served one
            List<String> keys = modelsTopicKeys();
            assertEquals(List.of("m/1", "m/2", "m/3", "other/1", "m/1", "m/2", "m/3", "m/2", "m/1", "m/3"), keys);
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()))) {
            for (String topic : List.of(config.modelsTopic(), config.servingTopic())) {
                ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
                assertEquals(TopicConfig.CLEANUP_POLICY_COMPACT, admin.describeConfigs(List.of(r)).all().get().get(r)
                        .get(TopicConfig.CLEANUP_POLICY_CONFIG).value(), topic + " is compacted");
            }
        }
    }

    @Test
    void aNewRegistryOverTheSameTopicsSeesTheSameState() {
        try (ModelRegistry first = ModelRegistry.connect(config, verifier)) {
            first.publish(signer.sign(TestArtifacts.unsigned("m", 1, null)));
            first.publish(signer.sign(TestArtifacts.unsigned("m", 2, 1L)));
            first.promote("m", 2, "go");
            first.rollback("m", 1L, "back");
        }
        try (ModelRegistry second = ModelRegistry.connect(config, verifier)) {
            RegistrySnapshot s = second.snapshot();
            assertEquals(List.of(1L, 2L), s.versions("m").stream().map(ModelArtifact::getVersion).toList());
            RegistryServing pointer = s.serving("m").orElseThrow();
            assertEquals(1L, pointer.getServingVersion());
            assertEquals(List.of(2L, 1L), pointer.getHistory().stream().map(c -> c.getVersion()).toList());
            assertEquals(1L, s.served("m").orElseThrow().getVersion());
            assertEquals(signer.sign(TestArtifacts.unsigned("m", 2, 1L)).getChecksum(),
                    s.version("m", 2).orElseThrow().getChecksum());
        }
    }

    @Test
    void artifactsWrittenWithoutTheKeyAreRejectedWithTheReasonAndNeverServed() throws Exception {
        try (ModelRegistry registry = ModelRegistry.connect(config, verifier)) {
            registry.publish(signer.sign(TestArtifacts.unsigned("m", 1, null)));

            // the registry itself refuses to publish what it cannot verify
            ArtifactRejectedException unsigned = assertThrows(ArtifactRejectedException.class,
                    () -> registry.publish(TestArtifacts.unsigned("m", 2, 1L)));
            assertEquals(Rejection.Reason.UNSIGNED, unsigned.reason());

            // someone with write access but without the key writes straight to the topic
            ModelArtifact v1 = registry.snapshot().version("m", 1).orElseThrow();
            ModelArtifact tampered = ModelArtifact.newBuilder(v1).build();
            List<Double> p = new ArrayList<>(tampered.getParameters());
            p.set(0, 1e6);
            tampered.setParameters(p);
            tampered.setChecksum(ArtifactDigest.sha256Hex(tampered));
            writeRaw(tampered);                                                              // m/1, bad signature
            writeRaw(TestArtifacts.unsigned("m", 2, 1L));                                   // m/2, unsigned
            writeRaw(ArtifactSigner.of(SigningKeys.generate()).sign(TestArtifacts.unsigned("m", 3, 2L))); // m/3, unknown key
            try (KafkaProducer<byte[], byte[]> p2 = rawProducer()) {
                p2.send(new ProducerRecord<>(config.modelsTopic(), bytes("m/4"), bytes("not avro"))).get();
            }

            RegistrySnapshot s = registry.snapshot();
            assertEquals(List.of(1L), s.versions("m").stream().map(ModelArtifact::getVersion).toList(),
                    "only the verified version remains");
            assertEquals(v1.getParameters(), s.version("m", 1).orElseThrow().getParameters(),
                    "the tampered copy does not replace the signed one");
            assertEquals(4, s.rejected().size(), s.rejected().toString());
            assertEquals(Rejection.Reason.BAD_SIGNATURE, s.rejected().get(0).reason());
            assertEquals(Rejection.Reason.UNSIGNED, s.rejected().get(1).reason());
            assertEquals(Rejection.Reason.UNKNOWN_KEY, s.rejected().get(2).reason());
            assertEquals(Rejection.Reason.UNDECODABLE, s.rejected().get(3).reason());
            assertTrue(s.rejected().get(3).detail().contains("not a ModelArtifact"), s.rejected().get(3).detail());
            assertTrue(s.rejected().get(1).detail().contains("key 'm/2'"), s.rejected().get(1).detail());

            RegistryException e = assertThrows(RegistryException.class, () -> registry.promote("m", 2, "sneak"));
            assertTrue(e.getMessage().contains("UNSIGNED"), "the refusal reports why: " + e.getMessage());
            assertTrue(s.serving("m").isEmpty());
        }
    }

    @Test
    void versionsAreImmutableAndParentsMustExist() {
        try (ModelRegistry registry = ModelRegistry.connect(config, verifier)) {
            registry.publish(signer.sign(TestArtifacts.unsigned("m", 1, null)));
            registry.publish(signer.sign(TestArtifacts.unsigned("m", 1, null))); // identical: allowed, idempotent
            ModelArtifact changed = TestArtifacts.unsigned("m", 1, null);
            changed.setSpecJson("{\"specVersion\":1,\"dimension\":3}");
            RegistryException conflict = assertThrows(RegistryException.class, () -> registry.publish(signer.sign(changed)));
            assertTrue(conflict.getMessage().contains("publish it as version 2"), conflict.getMessage());
            RegistryException orphan = assertThrows(RegistryException.class,
                    () -> registry.publish(signer.sign(TestArtifacts.unsigned("m", 5, 4L))));
            assertTrue(orphan.getMessage().contains("parent version 4"), orphan.getMessage());
        }
    }

    @Test
    void aTransactionRefusedAsInAnInvalidStateIsTriedOnceMoreAndCommittedOnce() throws Exception {
        String topic = "written-" + TOPICS.incrementAndGet();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        try (ModelRegistry registry = ModelRegistry.connect(config, verifier)) {
            AtomicInteger attempts = new AtomicInteger();
            registry.inTransaction(p -> {
                int attempt = attempts.incrementAndGet();
                p.send(new ProducerRecord<>(topic, bytes("attempt-" + attempt), bytes("x")));
                if (attempt == 1) {
                    throw new InvalidTxnStateException("refused, as the broker does on a race");
                }
            });
            assertEquals(2, attempts.get());
            // the first attempt's record was aborted with its transaction: read_committed sees the second only
            assertEquals(List.of("attempt-2"), topicKeys(topic));

            RegistryException twice = assertThrows(RegistryException.class, () -> registry.inTransaction(p -> {
                attempts.incrementAndGet();
                throw new InvalidTxnStateException("refused again");
            }));
            assertEquals(4, attempts.get(), "one retry, not more");
            assertTrue(twice.getMessage().contains("nothing was written: refused again")
                    && twice.getCause().getSuppressed().length > 0, twice.getMessage());

            RegistryException other = assertThrows(RegistryException.class, () -> registry.inTransaction(p -> {
                attempts.incrementAndGet();
                throw new KafkaException("some other failure");
            }));
            assertEquals(5, attempts.get(), "only a refusal as in an invalid state is retried");
            assertTrue(other.getMessage().contains("some other failure"), other.getMessage());

            // and the registry writes as before afterwards
            registry.publish(signer.sign(TestArtifacts.unsigned("m", 1, null)));
            assertEquals(List.of(OdeTopic.modelKey("m", 1)), modelsTopicKeys());
        }
    }

    @Test
    void refusesAnExistingTopicThatIsNotCompacted() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(config.modelsTopic(), 1, (short) 1))).all().get();
        }
        RegistryException e = assertThrows(RegistryException.class, () -> ModelRegistry.connect(config, verifier));
        assertTrue(e.getMessage().contains(config.modelsTopic() + " at " + KAFKA.bootstrapServers()
                + " has cleanup.policy=delete"), e.getMessage());
    }

    private void writeRaw(ModelArtifact artifact) throws Exception {
        try (KafkaProducer<byte[], byte[]> p = rawProducer()) {
            p.send(new ProducerRecord<>(config.modelsTopic(), OdeTopic.MODELS.keyOf(artifact),
                    new AvroSerde<>(ModelArtifact.class).serialize(artifact))).get();
        }
    }

    private KafkaProducer<byte[], byte[]> rawProducer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
    }

    private List<String> modelsTopicKeys() {
        return topicKeys(config.modelsTopic());
    }

    /** The keys of the committed records of a one-partition topic, in order. */
    private List<String> topicKeys(String topic) {
        List<String> keys = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            TopicPartition tp = new TopicPartition(topic, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            while (c.position(tp) < end) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    keys.add(new String(r.key(), StandardCharsets.UTF_8));
                }
            }
        }
        return keys;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
