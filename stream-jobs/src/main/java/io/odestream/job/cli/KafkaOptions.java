package io.odestream.job.cli;

import io.odestream.kafka.KafkaClientConfigFile;
import io.odestream.kafka.KafkaSettings;
import io.odestream.kafka.OdeTopic;
import java.nio.file.Path;
import java.util.Properties;
import picocli.CommandLine.Option;

/** Where the Kafka cluster is; shared by every command that talks to it. */
public final class KafkaOptions {
    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
            defaultValue = "${env:ODESTREAM_BOOTSTRAP_SERVERS:-127.0.0.1:9092}",
            description = "Kafka bootstrap servers (default: $ODESTREAM_BOOTSTRAP_SERVERS or ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--topic-prefix", paramLabel = "PREFIX", defaultValue = "${env:ODESTREAM_TOPIC_PREFIX:-}",
            description = "Prefix of every odestream topic name (default: $ODESTREAM_TOPIC_PREFIX or none).")
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

    public KafkaSettings settings() {
        return KafkaSettings.builder(bootstrapServers).topicPrefix(topicPrefix()).clientProperties(securityProperties()).build();
    }
}
