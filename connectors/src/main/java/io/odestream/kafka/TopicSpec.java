package io.odestream.kafka;

import java.time.Duration;
import java.util.Map;

/** A topic as it should exist: name, partitions, replication and topic-level configs. */
public record TopicSpec(String name, int partitions, short replicationFactor, Map<String, String> configs) {

    public TopicSpec {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("topic name must not be empty");
        }
        if (partitions < 1 || replicationFactor < 1) {
            throw new IllegalArgumentException("topic " + name + ": partitions (" + partitions
                    + ") and replication factor (" + replicationFactor + ") must be >= 1");
        }
        configs = Map.copyOf(configs);
    }

    /**
     * The default layout of an odestream topic: models and serving pointers compacted and kept
     * forever (the registry is these topics), dead letters 30 days (time to inspect and replay), data topics 7 days.
     */
    public static TopicSpec defaultFor(OdeTopic topic, String prefix, int partitions, short replicationFactor) {
        Map<String, String> configs = switch (topic) {
            case MODELS, MODEL_SERVING -> Map.of("cleanup.policy", "compact", "retention.ms", "-1");
            case DEAD_LETTERS -> Map.of("cleanup.policy", "delete", "retention.ms", millis(Duration.ofDays(30)));
            default -> Map.of("cleanup.policy", "delete", "retention.ms", millis(Duration.ofDays(7)));
        };
        // one partition for models and pointers: the registry reads every version in order
        int p = topic == OdeTopic.MODELS || topic == OdeTopic.MODEL_SERVING ? 1 : partitions;
        return new TopicSpec(topic.name(prefix), p, replicationFactor, configs);
    }

    private static String millis(Duration d) {
        return Long.toString(d.toMillis());
    }
}
