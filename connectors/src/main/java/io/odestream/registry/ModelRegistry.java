package io.odestream.registry;

import io.odestream.kafka.AvroSerde;
import io.odestream.kafka.OdeTopic;
import io.odestream.kafka.Rejection;
import io.odestream.kafka.UndecodableRecordException;
import io.odestream.schema.ModelArtifact;
import io.odestream.schema.RegistryServing;
import io.odestream.schema.RegistryServingAction;
import io.odestream.schema.RegistryServingChange;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Model versions and serving pointers on two compacted Kafka topics.
 *
 * <ul>
 *   <li>models topic: {@link ModelArtifact}, key {@code modelId/version} ({@link OdeTopic#modelKey}).
 *       Compaction keeps the newest record per version, so every version stays readable.</li>
 *   <li>serving topic: {@link RegistryServing}, key {@code modelId}: the version served now plus
 *       the full promotion/rollback history (compaction keeps only the newest pointer).</li>
 * </ul>
 *
 * Promote and rollback write the pointer and republish the chosen artifact to the models topic in
 * one Kafka transaction, so a job that serves "the newest artifact read from the models topic"
 * swaps to it, and nobody sees the pointer without the artifact or the reverse. The serving topic
 * is separate so that the models topic carries only ModelArtifact records, as its schema says.
 *
 * <p>Every read ({@link #snapshot()}) replays both topics from the beginning up to their end
 * offsets (read_committed), verifying every artifact: a fresh registry over the same topics sees
 * the same state, and an artifact that is unsigned, modified or signed by an untrusted key never
 * enters a snapshot; it is listed in {@link RegistrySnapshot#rejected()} with the reason. Writes
 * verify too. The serving pointer itself is not signed: someone who can write to the serving topic
 * can point it at an older <em>signed</em> version, never at an unsigned one.
 *
 * <p>One instance holds one transactional producer; not thread-safe.
 */
public final class ModelRegistry implements AutoCloseable {
    private final RegistryConfig config;
    private final ArtifactVerifier verifier;
    private final Clock clock;
    private final AvroSerde<ModelArtifact> artifactSerde = new AvroSerde<>(ModelArtifact.class);
    private final AvroSerde<RegistryServing> servingSerde = new AvroSerde<>(RegistryServing.class);
    private KafkaProducer<byte[], byte[]> producer;
    /**
     * Unique per registry, so that two registry clients do not fence each other off; kept across its
     * producers, so that a retry's producer fences the failed one ({@link #inTransaction}).
     */
    private final String transactionalId = "odestream-registry-" + UUID.randomUUID();

    private ModelRegistry(RegistryConfig config, ArtifactVerifier verifier, Clock clock) {
        this.config = config;
        this.verifier = verifier;
        this.clock = clock;
    }

    /** Connects, creating both topics (compacted, one partition) when they do not exist. */
    public static ModelRegistry connect(RegistryConfig config, ArtifactVerifier verifier) {
        return connect(config, verifier, Clock.systemUTC());
    }

    /**
     * Connects from plain settings, as a job's operator does inside its task: the registry's two
     * topics on {@code bootstrapServers}, artifacts verified against the public keys (*.pub) in
     * {@code trustedKeysDir}.
     */
    public static ModelRegistry connect(String bootstrapServers, String modelsTopic, String servingTopic,
                                        Path trustedKeysDir) {
        RegistryConfig config = new RegistryConfig(bootstrapServers, modelsTopic, servingTopic,
                Duration.ofSeconds(30), Map.of());
        return connect(config, new ArtifactVerifier(TrustedKeys.fromDirectory(trustedKeysDir)));
    }

    public static ModelRegistry connect(RegistryConfig config, ArtifactVerifier verifier, Clock clock) {
        ModelRegistry registry = new ModelRegistry(config, verifier, clock);
        registry.createTopics();
        return registry;
    }

    public RegistryConfig config() {
        return config;
    }

    /** Replays both topics to their current end; see the class comment. */
    public RegistrySnapshot snapshot() {
        Map<String, NavigableMap<Long, ModelArtifact>> versions = new TreeMap<>();
        Map<String, RegistryServing> serving = new HashMap<>();
        List<Rejection> rejected = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : readAll(config.modelsTopic())) {
            readArtifact(r, versions, rejected);
        }
        for (ConsumerRecord<byte[], byte[]> r : readAll(config.servingTopic())) {
            readServing(r, serving, rejected);
        }
        return new RegistrySnapshot(versions, serving, rejected);
    }

    /**
     * Publishes a new version. It must pass verification, its parent (if any) must already be in
     * the registry, and an existing version may only be republished with identical content.
     * Publishing does not promote.
     */
    public ModelArtifact publish(ModelArtifact artifact) {
        verifier.verify(artifact);
        RegistrySnapshot now = snapshot();
        String what = "model '" + artifact.getModelId() + "' version " + artifact.getVersion();
        Optional<ModelArtifact> existing = now.version(artifact.getModelId(), artifact.getVersion());
        if (existing.isPresent() && !existing.get().getChecksum().equals(artifact.getChecksum())) {
            throw new RegistryException(what + " already exists with checksum " + existing.get().getChecksum()
                    + ", the new one has " + artifact.getChecksum() + "; versions are immutable, publish it as version "
                    + (now.latest(artifact.getModelId()).orElseThrow().getVersion() + 1));
        }
        Long parent = artifact.getParentVersion();
        if (parent != null && now.version(artifact.getModelId(), parent).isEmpty()) {
            throw new RegistryException(what + " names parent version " + parent + ", which is not in the registry "
                    + "(topic " + config.modelsTopic() + "); publish the parent first or fix parentVersion");
        }
        inTransaction(p -> p.send(artifactRecord(artifact)));
        awaitVisible(snapshot -> snapshot.version(artifact.getModelId(), artifact.getVersion()).isPresent(), what);
        return artifact;
    }

    /**
     * Waits until a read of the registry shows what was just committed. A Kafka transaction's commit
     * returns before its markers are written, so a read_committed read right after it (a promote right
     * after a publish) could miss the new record: callers get read-your-writes instead.
     */
    private void awaitVisible(java.util.function.Predicate<RegistrySnapshot> visible, String what) {
        long deadline = System.nanoTime() + config.timeout().toNanos();
        while (!visible.test(snapshot())) {
            if (System.nanoTime() > deadline) {
                throw new RegistryException(what + " was committed but is not readable after "
                        + config.timeout().toSeconds() + " s from " + config.bootstrapServers()
                        + "; check the broker's health, then `odestream models list`");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RegistryException("interrupted while waiting for " + what + " to become readable", e);
            }
        }
    }

    /** An operator's promote: {@link #promote(String, long, ServingActor, String)} by the current user. */
    public RegistryServing promote(String modelId, long version, String reason) {
        return promote(modelId, version, ServingActor.currentUser(), reason);
    }

    /**
     * Points serving at {@code version} (which must be in the registry) and republishes that artifact.
     * An automated actor is refused while the history forbids it ({@link ServingControl}); an
     * operator's promote always goes through and lifts a pin.
     *
     * @throws PromotionRefusedException for an automated promote that a pin, hold or rollback forbids
     */
    public RegistryServing promote(String modelId, long version, ServingActor by, String reason) {
        RegistrySnapshot now = snapshot();
        ModelArtifact artifact = require(now, modelId, version);
        RegistryServing current = now.serving(modelId).orElse(null);
        if (by.automated()) {
            Optional<String> refusal = ServingControl.of(current).refusalOfAutomatedPromotion(version,
                    v -> now.version(modelId, v).map(ModelArtifact::getParentVersion).orElse(null));
            if (refusal.isPresent()) {
                throw new PromotionRefusedException(by.name() + " may not promote model '" + modelId + "' version "
                        + version + ": " + refusal.get());
            }
        }
        Long from = current == null ? null : current.getServingVersion();
        return changeServing(now, artifact, RegistryServingAction.PROMOTED, from, by, reason, true);
    }

    /**
     * Points serving back: to {@code toVersion} when given, otherwise to the version promoted
     * before the current one (skipping versions already rolled back from), and republishes that
     * artifact so consumers of the models topic swap back.
     */
    public RegistryServing rollback(String modelId, Long toVersion, String reason) {
        return rollback(modelId, toVersion, ServingActor.currentUser(), reason);
    }

    /**
     * {@link #rollback(String, Long, String)} by {@code by}. The version rolled back to stays pinned
     * until {@link #release} or an operator's promote, and the version rolled back from (with its
     * descendants) is not promoted by automation again ({@link ServingControl}).
     */
    public RegistryServing rollback(String modelId, Long toVersion, ServingActor by, String reason) {
        RegistrySnapshot now = snapshot();
        RegistryServing current = now.serving(modelId).orElseThrow(() -> new RegistryException("model '" + modelId
                + "' has never been promoted, so there is nothing to roll back; promote a version first"));
        long target;
        if (toVersion != null) {
            target = toVersion;
        } else {
            Deque<Long> stack = servingStack(current);
            if (stack.size() < 2) {
                throw new RegistryException("model '" + modelId + "' serves version " + current.getServingVersion()
                        + " and no earlier promoted version is left to roll back to; name one with --to VERSION");
            }
            stack.pop();
            target = stack.peek();
        }
        if (target == current.getServingVersion()) {
            throw new RegistryException("model '" + modelId + "' already serves version " + target
                    + "; name another version to roll back to");
        }
        return changeServing(now, require(now, modelId, target), RegistryServingAction.ROLLED_BACK,
                current.getServingVersion(), by, reason, true);
    }

    /**
     * Pins the version served now (a maintenance window): automation promotes nothing until
     * {@link #release} or an operator's promote. Serving does not change, so the artifact is not
     * republished.
     */
    public RegistryServing hold(String modelId, ServingActor by, String reason) {
        RegistrySnapshot now = snapshot();
        RegistryServing current = now.serving(modelId).orElseThrow(() -> new RegistryException("model '" + modelId
                + "' has never been promoted, so there is nothing to hold; promote a version first"));
        return changeServing(now, require(now, modelId, current.getServingVersion()), RegistryServingAction.HELD,
                current.getServingVersion(), by, reason, false);
    }

    /** Lifts the pin of a rollback or a hold, so automation may promote again; serving does not change. */
    public RegistryServing release(String modelId, ServingActor by, String reason) {
        RegistrySnapshot now = snapshot();
        RegistryServing current = now.serving(modelId).orElseThrow(() -> new RegistryException("model '" + modelId
                + "' has never been promoted, so there is nothing to release"));
        if (ServingControl.of(current).pin().isEmpty()) {
            throw new RegistryException("model '" + modelId + "' serves version " + current.getServingVersion()
                    + " without a pin or hold, so there is nothing to release");
        }
        return changeServing(now, require(now, modelId, current.getServingVersion()), RegistryServingAction.RELEASED,
                current.getServingVersion(), by, reason, false);
    }

    /**
     * The versions that promotions put in service, newest on top, with rolled-back ones removed:
     * a promotion pushes; a rollback to v pops down to v (or pushes v if it is not on the stack).
     */
    static Deque<Long> servingStack(RegistryServing pointer) {
        Deque<Long> stack = new ArrayDeque<>();
        for (RegistryServingChange c : pointer.getHistory()) {
            if (c.getAction() == RegistryServingAction.ROLLED_BACK && stack.contains(c.getVersion())) {
                while (!stack.peek().equals(c.getVersion())) {
                    stack.pop();
                }
            } else if (stack.isEmpty() || !stack.peek().equals(c.getVersion())) {
                stack.push(c.getVersion());
            }
        }
        return stack;
    }

    /** Appends one change to the history; {@code republish}: also resend the artifact (serving moves). */
    private RegistryServing changeServing(RegistrySnapshot now, ModelArtifact artifact, RegistryServingAction action,
            Long from, ServingActor by, String reason, boolean republish) {
        String modelId = artifact.getModelId();
        List<RegistryServingChange> history = new ArrayList<>(
                now.serving(modelId).map(RegistryServing::getHistory).orElse(List.of()));
        history.add(RegistryServingChange.newBuilder()
                .setVersion(artifact.getVersion())
                .setAction(action)
                .setFromVersion(from)
                .setReason(reason == null || reason.isBlank() ? "(no reason given)" : reason)
                .setChangedAt(clock.instant())
                .setChangedBy(by.name())
                .setAutomated(by.automated())
                .build());
        RegistryServing pointer = RegistryServing.newBuilder()
                .setModelId(modelId)
                .setServingVersion(artifact.getVersion())
                .setHistory(history)
                .build();
        inTransaction(p -> {
            if (republish) {
                p.send(artifactRecord(artifact));
            }
            p.send(new ProducerRecord<>(config.servingTopic(), utf8(modelId), servingSerde.serialize(pointer)));
        });
        awaitVisible(snapshot -> snapshot.serving(modelId).map(s -> s.getHistory().size() == history.size())
                .orElse(false), "the serving change of model '" + modelId + "' to version " + artifact.getVersion());
        return pointer;
    }

    private static ModelArtifact require(RegistrySnapshot now, String modelId, long version) {
        return now.version(modelId, version).orElseThrow(() -> new RegistryException("model '" + modelId
                + "' has no verified version " + version + " in the registry (verified versions: "
                + now.versions(modelId).stream().map(ModelArtifact::getVersion).toList()
                + (now.rejected().isEmpty() ? "" : "; rejected records: " + now.rejected())
                + "); list them with `odestream models list`"));
    }

    private void readArtifact(ConsumerRecord<byte[], byte[]> r, Map<String, NavigableMap<Long, ModelArtifact>> versions,
            List<Rejection> rejected) {
        String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
        if (r.value() == null) {
            return; // a tombstone: compaction removes the version; nothing to serve from it
        }
        ModelArtifact artifact;
        try {
            artifact = artifactSerde.deserialize(r.value());
        } catch (UndecodableRecordException e) {
            rejected.add(new Rejection(Rejection.Reason.UNDECODABLE, where(r, key) + "not a ModelArtifact: "
                    + e.getMessage()));
            return;
        }
        String expectedKey = OdeTopic.modelKey(artifact.getModelId(), artifact.getVersion());
        if (!expectedKey.equals(key)) {
            rejected.add(new Rejection(Rejection.Reason.WRONG_KEY, where(r, key) + "model '" + artifact.getModelId()
                    + "' version " + artifact.getVersion() + " sits under key '" + key + "' instead of '"
                    + expectedKey + "'; it is ignored so it cannot shadow another version"));
            return;
        }
        Optional<Rejection> rejection = verifier.check(artifact);
        if (rejection.isPresent()) {
            // an earlier, verified record of the same version stays in the snapshot
            rejected.add(new Rejection(rejection.get().reason(), where(r, key) + rejection.get().detail()));
            return;
        }
        versions.computeIfAbsent(artifact.getModelId(), id -> new TreeMap<>()).put(artifact.getVersion(), artifact);
    }

    private void readServing(ConsumerRecord<byte[], byte[]> r, Map<String, RegistryServing> serving,
            List<Rejection> rejected) {
        String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
        if (r.value() == null) {
            serving.remove(key);
            return;
        }
        try {
            RegistryServing pointer = servingSerde.deserialize(r.value());
            if (!pointer.getModelId().equals(key)) {
                rejected.add(new Rejection(Rejection.Reason.WRONG_KEY, where(r, key) + "serving pointer of model '"
                        + pointer.getModelId() + "' under key '" + key + "'; ignored"));
                return;
            }
            serving.put(key, pointer);
        } catch (UndecodableRecordException e) {
            rejected.add(new Rejection(Rejection.Reason.UNDECODABLE, where(r, key) + "not a RegistryServing: "
                    + e.getMessage()));
        }
    }

    /** Where a rejected record sits, as the start of its rejection's detail: {@code topic-partition@offset key 'k': }. */
    private static String where(ConsumerRecord<byte[], byte[]> r, String key) {
        return r.topic() + "-" + r.partition() + "@" + r.offset() + " key '" + key + "': ";
    }

    private ProducerRecord<byte[], byte[]> artifactRecord(ModelArtifact artifact) {
        return new ProducerRecord<>(config.modelsTopic(),
                utf8(OdeTopic.modelKey(artifact.getModelId(), artifact.getVersion())), artifactSerde.serialize(artifact));
    }

    /** All committed records of {@code topic} up to the end offsets taken at the start of the read. */
    private List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        Properties props = clientProperties();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo p : consumer.partitionsFor(topic, config.timeout())) {
                partitions.add(new TopicPartition(topic, p.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, config.timeout());
            long deadline = System.nanoTime() + config.timeout().toNanos();
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new RegistryException("could not read topic " + topic + " up to its end offsets " + end
                            + " within " + config.timeout().toSeconds() + " s from " + config.bootstrapServers()
                            + "; check that the broker is reachable");
                }
                consumer.poll(Duration.ofMillis(200)).records(topic).forEach(out::add);
            }
        } catch (KafkaException e) {
            throw new RegistryException("cannot read topic " + topic + " from " + config.bootstrapServers() + ": "
                    + e.getMessage() + "; check the address and that the broker runs", e);
        }
        return out;
    }

    private static boolean reached(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** What one transaction sends; run again, whole, when the transaction is retried. */
    interface Sends {
        void to(KafkaProducer<byte[], byte[]> producer);
    }

    /**
     * Sends in one transaction. A transaction the broker refuses as in an invalid state (seen once on a
     * fresh test broker, on a registry's first write) leaves the producer in a fatal state although
     * nothing was written: it is tried once more on a new producer with the same transactional id,
     * whose start fences the failed one and aborts whatever it had open. Any other failure, or a
     * second one, is reported.
     */
    void inTransaction(Sends sends) {
        try {
            attempt(sends);
        } catch (KafkaException first) {
            if (!refusedAsInvalidState(first)) {
                throw failed(first);
            }
            try {
                attempt(sends);
            } catch (KafkaException second) {
                second.addSuppressed(first);
                throw failed(second);
            }
        }
    }

    private void attempt(Sends sends) {
        KafkaProducer<byte[], byte[]> p = producer();
        try {
            p.beginTransaction();
            sends.to(p);
            p.commitTransaction();
        } catch (KafkaException e) {
            try {
                p.abortTransaction();
            } catch (KafkaException abortFailed) {
                e.addSuppressed(abortFailed);
            }
            closeProducer();
            throw e;
        }
    }

    private static boolean refusedAsInvalidState(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InvalidTxnStateException) {
                return true;
            }
        }
        return false;
    }

    private RegistryException failed(KafkaException e) {
        return new RegistryException("writing to the registry topics " + config.modelsTopic() + "/"
                + config.servingTopic() + " at " + config.bootstrapServers() + " failed, nothing was written: "
                + e.getMessage() + "; retry when the broker is healthy", e);
    }

    private KafkaProducer<byte[], byte[]> producer() {
        if (producer == null) {
            Properties props = clientProperties();
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
            props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(config.timeout().toMillis()));
            props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(props);
            try {
                p.initTransactions();
            } catch (KafkaException e) {
                p.close(Duration.ZERO);
                throw new RegistryException("cannot start a transactional producer at " + config.bootstrapServers()
                        + ": " + e.getMessage() + "; check that the broker runs and allows transactions", e);
            }
            producer = p;
        }
        return producer;
    }

    /**
     * Creates both topics when absent, with the configs {@link io.odestream.kafka.TopicSpec} gives the
     * models topic (compacted, retention.ms=-1, one partition, the broker's default replication), so
     * `odestream topics create` finds them as specified; refuses to work on an existing topic that is
     * not compacted, where old versions would silently expire.
     */
    private void createTopics() {
        Properties props = clientProperties();
        try (Admin admin = Admin.create(props)) {
            Map<String, String> configs = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                    TopicConfig.RETENTION_MS_CONFIG, "-1");
            for (String topic : List.of(config.modelsTopic(), config.servingTopic())) {
                // one partition: a total order of versions and pointers per topic
                NewTopic newTopic = new NewTopic(topic, Optional.of(1), Optional.empty()).configs(configs);
                try {
                    admin.createTopics(List.of(newTopic)).all().get(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new RegistryException("cannot create the compacted registry topic " + topic + " at "
                                + config.bootstrapServers() + ": " + e.getCause().getMessage()
                                + "; create it with cleanup.policy=compact or check the broker", e.getCause());
                    }
                    requireCompacted(admin, topic);
                }
            }
        } catch (TimeoutException e) {
            throw new RegistryException("no answer from the Kafka broker at " + config.bootstrapServers()
                    + " within " + config.timeout().toSeconds() + " s; is it running?", e);
        } catch (ExecutionException e) {
            throw new RegistryException("cannot read the configuration of the registry topics at "
                    + config.bootstrapServers() + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException("interrupted while creating the registry topics", e);
        }
    }

    private void requireCompacted(Admin admin, String topic)
            throws InterruptedException, ExecutionException, TimeoutException {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        ConfigEntry policy = admin.describeConfigs(List.of(resource)).all()
                .get(config.timeout().toMillis(), TimeUnit.MILLISECONDS).get(resource)
                .get(TopicConfig.CLEANUP_POLICY_CONFIG);
        String value = policy == null ? "delete" : policy.value();
        if (!List.of(value.split(",")).contains(TopicConfig.CLEANUP_POLICY_COMPACT) || value.contains("delete")) {
            throw new RegistryException("topic " + topic + " at " + config.bootstrapServers() + " has cleanup.policy="
                    + value + ", so registry records would expire; set cleanup.policy=compact on it "
                    + "(kafka-configs --alter --add-config cleanup.policy=compact) or use other registry topics");
        }
    }

    private Properties clientProperties() {
        Properties props = new Properties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(config.timeout().toMillis()));
        props.putAll(config.clientProperties());
        return props;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void closeProducer() {
        if (producer != null) {
            producer.close(config.timeout());
            producer = null;
        }
    }

    @Override
    public void close() {
        closeProducer();
    }
}
