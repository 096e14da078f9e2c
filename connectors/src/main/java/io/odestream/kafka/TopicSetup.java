package io.odestream.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creates odestream's topics through the Admin client. Safe to run again: existing topics that
 * match their spec are left alone; one that differs (partition count, replication, or one of the
 * spec's configs) is reported, never altered, because changing partitions moves keys.
 */
public final class TopicSetup implements AutoCloseable {

    private static final Duration METADATA_PROPAGATION = Duration.ofSeconds(10);

    private final Admin admin;

    public TopicSetup(KafkaSettings settings) {
        this.admin = Admin.create(settings.clientProperties());
    }

    /** The default spec of every {@link OdeTopic}. */
    public static List<TopicSpec> defaultTopics(String prefix, int partitions, short replicationFactor) {
        return Arrays.stream(OdeTopic.values())
                .map(t -> TopicSpec.defaultFor(t, prefix, partitions, replicationFactor))
                .toList();
    }

    public TopicSetupReport ensure(Collection<TopicSpec> specs) throws InterruptedException {
        List<String> created = new ArrayList<>();
        List<String> present = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Set<String> existing = get(admin.listTopics().names(), "list topics");

        List<TopicSpec> toCreate = specs.stream().filter(s -> !existing.contains(s.name())).toList();
        Map<String, KafkaFuture<Void>> creations = admin.createTopics(toCreate.stream()
                .map(s -> new NewTopic(s.name(), s.partitions(), s.replicationFactor()).configs(s.configs()))
                .toList()).values();
        List<TopicSpec> toCheck = new ArrayList<>(specs.stream().filter(s -> existing.contains(s.name())).toList());
        for (TopicSpec spec : toCreate) {
            try {
                creations.get(spec.name()).get();
                created.add(spec.name());
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicExistsException) {
                    toCheck.add(spec); // created concurrently by someone else: check it like any existing one
                } else {
                    problems.add("topic " + spec.name() + " could not be created: " + e.getCause().getMessage()
                            + "; check the broker's permissions and limits (replication factor "
                            + spec.replicationFactor() + " needs that many brokers)");
                }
            }
        }
        if (!toCheck.isEmpty()) {
            check(toCheck, present, problems);
        }
        if (!created.isEmpty()) {
            awaitLeaders(created, problems);
        }
        return new TopicSetupReport(created, present, problems);
    }

    /**
     * Returns once every partition of the topics just created has a leader: a producer that writes
     * before that gets NotLeaderOrFollower, and an idempotent one can then be stuck retrying
     * OUT_OF_ORDER_SEQUENCE_NUMBER on that partition (seen on the embedded broker).
     */
    private void awaitLeaders(List<String> topics, List<String> problems) throws InterruptedException {
        long deadline = System.nanoTime() + METADATA_PROPAGATION.toNanos();
        while (true) {
            Map<String, TopicDescription> descriptions = getWhenKnown(
                    () -> admin.describeTopics(topics).allTopicNames(), "describe topics " + topics);
            List<String> leaderless = new ArrayList<>();
            descriptions.forEach((name, d) -> d.partitions().stream().filter(p -> p.leader() == null || p.leader().isEmpty())
                    .forEach(p -> leaderless.add(name + "-" + p.partition())));
            if (leaderless.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                problems.add("partitions " + leaderless + " have no leader " + METADATA_PROPAGATION
                        + " after they were created; check the brokers' health");
                return;
            }
            Thread.sleep(100);
        }
    }

    private void check(List<TopicSpec> specs, List<String> present, List<String> problems) throws InterruptedException {
        List<String> names = specs.stream().map(TopicSpec::name).toList();
        Map<String, TopicDescription> descriptions = getWhenKnown(
                () -> admin.describeTopics(names).allTopicNames(), "describe topics " + names);
        Map<ConfigResource, Config> configs = getWhenKnown(() -> admin.describeConfigs(specs.stream()
                .map(s -> new ConfigResource(ConfigResource.Type.TOPIC, s.name())).toList()).all(),
                "describe the configs of topics " + names);
        for (TopicSpec spec : specs) {
            List<String> differences = new ArrayList<>();
            TopicDescription d = descriptions.get(spec.name());
            int partitions = d.partitions().size();
            if (partitions != spec.partitions()) {
                differences.add(partitions + " partitions instead of " + spec.partitions());
            }
            int replication = d.partitions().get(0).replicas().size();
            if (replication != spec.replicationFactor()) {
                differences.add("replication factor " + replication + " instead of " + spec.replicationFactor());
            }
            Config actual = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, spec.name()));
            spec.configs().forEach((key, expected) -> {
                ConfigEntry entry = actual.get(key);
                String value = entry == null ? null : entry.value();
                if (!expected.equals(value)) {
                    differences.add(key + "=" + value + " instead of " + expected);
                }
            });
            if (differences.isEmpty()) {
                present.add(spec.name());
            } else {
                problems.add("topic " + spec.name() + " exists with " + String.join(", ", differences)
                        + "; it was left unchanged: alter it (kafka-topics/kafka-configs), or delete it if its data can go, "
                        + "or use another topic prefix");
            }
        }
    }

    /**
     * A topic just created (by us or concurrently) is known to the controller before every broker
     * has its metadata: "unknown topic" right after creation is retried for a few seconds.
     */
    private static <T> T getWhenKnown(Supplier<KafkaFuture<T>> request, String what) throws InterruptedException {
        long deadline = System.nanoTime() + METADATA_PROPAGATION.toNanos();
        while (true) {
            try {
                return request.get().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw new IllegalStateException("Kafka admin request failed (" + what + "): " + e.getCause().getMessage()
                            + "; check bootstrap.servers and the client's security settings", e.getCause());
                }
                Thread.sleep(100);
            }
        }
    }

    private static <T> T get(KafkaFuture<T> future, String what) throws InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("Kafka admin request failed (" + what + "): " + e.getCause().getMessage()
                    + "; check bootstrap.servers and the client's security settings", e.getCause());
        }
    }

    @Override
    public void close() {
        admin.close();
    }
}
