package io.odestream.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.odestream.kafka.broker.testing.KafkaBrokerExtension;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every record type goes producer → Kafka → KafkaSource → decode → exactly-once KafkaSink →
 * Kafka → read_committed consumer, through a real broker and a Flink MiniCluster, and arrives
 * unchanged with the right key.
 */
class KafkaRoundTripIT {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void everyRecordTypeCrossesKafkaAndFlinkUnchanged() throws Exception {
        KafkaSettings in = KafkaSettings.builder(KAFKA.bootstrapServers()).topicPrefix("in-").build();
        KafkaSettings out = KafkaSettings.builder(KAFKA.bootstrapServers()).topicPrefix("out-")
                .transactionalIdPrefix("round-trip").build();
        try (TopicSetup setup = new TopicSetup(in)) {
            List<TopicSpec> specs = new ArrayList<>(TopicSetup.defaultTopics("in-", 2, (short) 1));
            specs.addAll(TopicSetup.defaultTopics("out-", 2, (short) 1));
            assertEquals(List.of(), setup.ensure(specs).problems());
        }
        int perTopic = 6;
        List<ProducerRecord<byte[], byte[]>> input = new ArrayList<>();
        for (OdeTopic topic : OdeTopic.values()) {
            AvroSerde serde = new AvroSerde(topic.recordType());
            for (SpecificRecordBase r : ExampleRecords.of(topic, perTopic)) {
                input.add(new ProducerRecord<>(in.topicName(topic), topic.keyOf(r), serde.serialize(r)));
            }
        }
        TopicIO.produce(KAFKA.bootstrapServers(), input);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.enableCheckpointing(200);
        KafkaSources sources = new KafkaSources(in);
        KafkaSinks sinks = new KafkaSinks(out);
        for (OdeTopic topic : OdeTopic.values()) {
            Class type = topic.recordType();
            Decoded decoded = KafkaSources.decode(env.fromSource(
                    sources.builder(topic, "round-trip").setBounded(OffsetsInitializer.latest()).build(),
                    WatermarkStrategy.noWatermarks(), "in " + topic), type, RecordValidator.acceptAll());
            decoded.records().sinkTo(sinks.sink(topic, type)).name("out " + topic);
        }
        env.execute("round trip");

        for (OdeTopic topic : OdeTopic.values()) {
            AvroSerde serde = new AvroSerde(topic.recordType());
            List<String> expected = ExampleRecords.of(topic, perTopic).stream().map(Object::toString).sorted().toList();
            List<ConsumerRecord<byte[], byte[]>> read = TopicIO.readAll(KAFKA.bootstrapServers(), out.topicName(topic),
                    "read_committed");
            List<String> actual = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : read) {
                SpecificRecordBase record = (SpecificRecordBase) serde.deserialize(r.value());
                actual.add(record.toString());
                assertEquals(Arrays.toString(topic.keyOf(record)), Arrays.toString(r.key()), "key on " + topic);
            }
            assertEquals(expected, actual.stream().sorted().toList(), "records on " + out.topicName(topic));
        }
    }
}
