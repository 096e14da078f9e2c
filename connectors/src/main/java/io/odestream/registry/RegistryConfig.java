package io.odestream.registry;

import io.odestream.kafka.OdeTopic;
import java.time.Duration;
import java.util.Map;

/**
 * Where the registry lives: the compacted models topic (ModelArtifact, key modelId/version), the
 * compacted serving topic (RegistryServing, key modelId), and how long one Kafka call may take.
 * {@code clientProperties} are added to every producer, consumer and admin client (security
 * settings of a real cluster, for instance).
 */
public record RegistryConfig(String bootstrapServers, String modelsTopic, String servingTopic,
        Duration timeout, Map<String, String> clientProperties) {

    public static final String DEFAULT_SERVING_TOPIC = OdeTopic.MODEL_SERVING.defaultName();

    public RegistryConfig {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("the registry needs bootstrap servers (host:port of a Kafka broker)");
        }
        if (modelsTopic.equals(servingTopic)) {
            throw new IllegalArgumentException("the models topic and the serving topic must differ, both are " + modelsTopic);
        }
        clientProperties = Map.copyOf(clientProperties);
    }

    /** Topics {@code models} and {@code model-serving}, 30 s per Kafka call. */
    public static RegistryConfig defaults(String bootstrapServers) {
        return new RegistryConfig(bootstrapServers, OdeTopic.MODELS.defaultName(), DEFAULT_SERVING_TOPIC,
                Duration.ofSeconds(30), Map.of());
    }

    public RegistryConfig withTopics(String modelsTopic, String servingTopic) {
        return new RegistryConfig(bootstrapServers, modelsTopic, servingTopic, timeout, clientProperties);
    }

    /** With these client properties (security settings) on every producer, consumer and admin client. */
    public RegistryConfig withClientProperties(Map<String, String> clientProperties) {
        return new RegistryConfig(bootstrapServers, modelsTopic, servingTopic, timeout, clientProperties);
    }
}
