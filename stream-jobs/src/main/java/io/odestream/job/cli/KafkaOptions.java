package io.odestream.job.cli;

import io.odestream.kafka.KafkaClientConfigFile;
import io.odestream.kafka.KafkaSettings;
import io.odestream.kafka.OdeTopic;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * Where the Kafka cluster is; shared by every command that talks to it. The help texts name the
 * built-in defaults literally: picocli's default-value variable would print whatever the current
 * environment variable holds, as if it were the default.
 */
public final class KafkaOptions {
    /** Where a broker is when neither the option nor $ODESTREAM_BOOTSTRAP_SERVERS says. */
    public static final String DEFAULT_BOOTSTRAP_SERVERS = "127.0.0.1:9092";

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
            defaultValue = "${env:ODESTREAM_BOOTSTRAP_SERVERS:-" + DEFAULT_BOOTSTRAP_SERVERS + "}",
            description = "Kafka bootstrap servers (default: $ODESTREAM_BOOTSTRAP_SERVERS if set, else "
                    + DEFAULT_BOOTSTRAP_SERVERS + ").")
    String bootstrapServers;

    @Option(names = "--topic-prefix", paramLabel = "PREFIX", defaultValue = "${env:ODESTREAM_TOPIC_PREFIX:-}",
            description = "Prefix of every odestream topic name (default: $ODESTREAM_TOPIC_PREFIX if set, else none).")
    String topicPrefix;

    @Option(names = "--kafka-config", paramLabel = "FILE", defaultValue = "${env:ODESTREAM_KAFKA_CONFIG}",
            description = "Kafka client security settings (security.protocol, sasl.mechanism, sasl.jaas.config, ssl.*) "
                    + "as a properties file, so that credentials never appear on a command line "
                    + "(default: $ODESTREAM_KAFKA_CONFIG, else plaintext without authentication).")
    Path kafkaConfig;

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String topicPrefix() {
        return topicPrefix == null ? "" : topicPrefix;
    }

    public String topic(OdeTopic topic) {
        return topic.name(topicPrefix());
    }

    /** The security settings of --kafka-config, none without one. */
    public Properties securityProperties() {
        return kafkaConfig == null ? new Properties() : KafkaClientConfigFile.load(kafkaConfig);
    }

    /** The security settings as plain strings, for factories that connect inside a task (they serialise). */
    public Map<String, String> securityConfig() {
        Map<String, String> config = new HashMap<>();
        securityProperties().forEach((k, v) -> config.put((String) k, (String) v));
        return config;
    }

    public KafkaSettings settings() {
        return KafkaSettings.builder(bootstrapServers).topicPrefix(topicPrefix()).clientProperties(securityProperties()).build();
    }
}
