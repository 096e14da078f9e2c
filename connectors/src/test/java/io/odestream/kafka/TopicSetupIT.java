package io.odestream.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.kafka.broker.testing.KafkaBrokerExtension;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TopicSetupIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @Test
    void createsEveryTopicOnceAndAcceptsThemOnTheNextRun() throws Exception {
        KafkaSettings settings = KafkaSettings.builder(KAFKA.bootstrapServers()).topicPrefix("idem-").build();
        List<TopicSpec> specs = TopicSetup.defaultTopics("idem-", 3, (short) 1);
        List<String> names = specs.stream().map(TopicSpec::name).sorted().toList();
        try (TopicSetup setup = new TopicSetup(settings)) {
            TopicSetupReport first = setup.ensure(specs);
            assertEquals(names, first.created().stream().sorted().toList());
            assertTrue(first.ok(), first.problems().toString());

            TopicSetupReport second = setup.ensure(specs);
            assertEquals(List.of(), second.created());
            assertEquals(names, second.alreadyPresent().stream().sorted().toList());
            assertTrue(second.ok(), second.problems().toString());
        }
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", KAFKA.bootstrapServers()))) {
            ConfigResource models = new ConfigResource(ConfigResource.Type.TOPIC, "idem-models");
            ConfigEntry policy = admin.describeConfigs(List.of(models)).all().get().get(models).get("cleanup.policy");
            assertEquals("compact", policy.value());
            assertEquals(3, admin.describeTopics(List.of("idem-observations")).allTopicNames().get()
                    .get("idem-observations").partitions().size());
        }
    }

    @Test
    void reportsATopicThatExistsWithADifferentLayoutAndLeavesItAlone() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", KAFKA.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("odd-observations", 1, (short) 1),
                    new NewTopic("odd-models", 1, (short) 1))).all().get();
        }
        KafkaSettings settings = KafkaSettings.builder(KAFKA.bootstrapServers()).topicPrefix("odd-").build();
        try (TopicSetup setup = new TopicSetup(settings)) {
            TopicSetupReport report = setup.ensure(TopicSetup.defaultTopics("odd-", 4, (short) 1));
            assertEquals(2, report.problems().size(), report.problems().toString());
            String partitions = report.problems().stream().filter(p -> p.contains("odd-observations")).findFirst().orElseThrow();
            assertTrue(partitions.contains("1 partitions instead of 4"), partitions);
            String compaction = report.problems().stream().filter(p -> p.contains("odd-models")).findFirst().orElseThrow();
            assertTrue(compaction.contains("cleanup.policy=delete instead of compact"), compaction);
            assertEquals(Arrays.stream(OdeTopic.values()).count() - 2, report.created().size());
        }
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", KAFKA.bootstrapServers()))) {
            assertEquals(1, admin.describeTopics(List.of("odd-observations")).allTopicNames().get()
                    .get("odd-observations").partitions().size(), "left unchanged");
        }
    }
}
