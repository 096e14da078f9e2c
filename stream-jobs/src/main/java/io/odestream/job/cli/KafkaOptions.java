package io.odestream.job.cli;

import io.odestream.kafka.KafkaSettings;
import io.odestream.kafka.OdeTopic;
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

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String topicPrefix() {
        return topicPrefix == null ? "" : topicPrefix;
    }

    public String topic(OdeTopic topic) {
        return topic.name(topicPrefix());
    }

    public KafkaSettings settings() {
        return KafkaSettings.builder(bootstrapServers).topicPrefix(topicPrefix()).build();
    }
}
