package io.odestream.bench;

import io.odestream.kafka.KafkaSettings;
import io.odestream.kafka.TopicSetup;
import io.odestream.kafka.TopicSetupReport;

/** Creates the benchmark's topics on the embedded broker (replication 1). */
final class Topics {
    private Topics() {
    }

    /** Every odestream topic under {@code prefix}, {@code partitions} each. */
    static void create(KafkaSettings kafka, String prefix, int partitions) throws InterruptedException {
        try (TopicSetup setup = new TopicSetup(kafka)) {
            TopicSetupReport report = setup.ensure(TopicSetup.defaultTopics(prefix, partitions, (short) 1));
            if (!report.ok()) {
                throw new IllegalStateException("topics under prefix '" + prefix + "' could not be created: " + report);
            }
        }
    }
}
