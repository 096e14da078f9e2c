package io.odestream.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.kafka.broker.testing.KafkaBrokerExtension;
import io.odestream.schema.DeadLetter;
import io.odestream.schema.DeadLetterReason;
import io.odestream.schema.Observation;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A stream of good and bad observations: every good one reaches the output, every bad one the
 * dead-letter topic with its reason, origin and exact bytes. Nothing is lost, nothing crashes.
 */
class DeadLetterIT {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setConfiguration(CollectingMetricReporter.enable(new Configuration()))
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @Test
    void everyBadRecordIsDeadLetteredWithItsReasonAndEveryGoodOnePassesThrough() throws Exception {
        String prefix = "dl-";
        KafkaSettings settings = KAFKA.topics(prefix, "dl-test");
        String observations = settings.topicName(OdeTopic.OBSERVATIONS);
        AvroSerde<Observation> serde = new AvroSerde<>(Observation.class);
        long now = System.currentTimeMillis();
        Random random = new Random(7);

        List<ProducerRecord<byte[], byte[]>> input = new ArrayList<>();
        List<String> good = new ArrayList<>();
        /** value bytes (as a string key for lookup) -> the reason it must be rejected with */
        Map<String, DeadLetterReason> bad = new HashMap<>();
        for (int i = 0; i < 60; i++) {
            byte[] key = ("s" + (i % 4)).getBytes(StandardCharsets.UTF_8);
            byte[] value;
            DeadLetterReason reason;
            switch (i % 10) {
                case 0 -> { // random bytes
                    value = new byte[5 + random.nextInt(40)];
                    random.nextBytes(value);
                    reason = DeadLetterReason.UNDECODABLE;
                }
                case 1 -> { // truncated Avro
                    byte[] full = serde.serialize(ExampleRecords.observation("s1", now - i, 1.0, 2.0, 3.0));
                    value = Arrays.copyOf(full, full.length - 1 - (i % 5));
                    reason = DeadLetterReason.UNDECODABLE;
                }
                case 2 -> {
                    value = serde.serialize(ExampleRecords.observation("s2", now - i, Double.NaN, Double.NaN, Double.NaN));
                    reason = DeadLetterReason.NOTHING_OBSERVED;
                }
                case 3 -> {
                    value = serde.serialize(ExampleRecords.observation("", now - i, 1.0, 2.0, 3.0));
                    reason = DeadLetterReason.EMPTY_SERIES_ID;
                }
                case 4 -> {
                    value = serde.serialize(ExampleRecords.observation("s3", now - i, 1.0, 2.0));
                    reason = DeadLetterReason.CHANNEL_COUNT_MISMATCH;
                }
                case 5 -> {
                    value = serde.serialize(ExampleRecords.observation("s3", 0, 1.0 + i, 2.0, 3.0));
                    reason = DeadLetterReason.INVALID_EVENT_TIME;
                }
                case 6 -> {
                    value = serde.serialize(ExampleRecords.observation("s3", now + Duration.ofDays(400).toMillis(), 1.0 + i, 2.0, 3.0));
                    reason = DeadLetterReason.EVENT_TIME_IN_FUTURE;
                }
                default -> { // good, partly observed and with a NaN channel: masked, not dead-lettered
                    Observation o = ExampleRecords.observation("s" + (i % 4), now - i, (double) i, null, Double.NaN);
                    value = serde.serialize(o);
                    good.add(o.toString());
                    reason = null;
                }
            }
            if (reason != null) {
                assertEquals(null, bad.put(Arrays.toString(value), reason), "test data: bad values are distinct");
            }
            input.add(new ProducerRecord<>(observations, key, value));
        }
        input.add(new ProducerRecord<>(observations, "tomb".getBytes(StandardCharsets.UTF_8), null));
        bad.put("null", DeadLetterReason.UNDECODABLE);
        TopicIO.produce(KAFKA.bootstrapServers(), input);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(200);
        KafkaSinks sinks = new KafkaSinks(settings);
        Decoded<Observation> decoded = KafkaSources.decode(env.fromSource(
                new KafkaSources(settings).builder(OdeTopic.OBSERVATIONS, "dl").setBounded(OffsetsInitializer.latest()).build(),
                WatermarkStrategy.noWatermarks(), "observations"), Observation.class,
                new ObservationValidator(Duration.ofDays(1), ExpectedChannels.exactly(3)));
        decoded.records().sinkTo(sinks.sink(OdeTopic.LATE_OBSERVATIONS, Observation.class)).name("good");
        decoded.deadLetters().sinkTo(sinks.sink(OdeTopic.DEAD_LETTERS, DeadLetter.class)).name("dead letters");
        env.execute("dead letters");

        List<String> passed = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicIO.readAll(KAFKA.bootstrapServers(),
                settings.topicName(OdeTopic.LATE_OBSERVATIONS), "read_committed")) {
            passed.add(serde.deserialize(r.value()).toString());
        }
        assertEquals(good.stream().sorted().toList(), passed.stream().sorted().toList(), "every good record, once");

        AvroSerde<DeadLetter> deadLetters = new AvroSerde<>(DeadLetter.class);
        Map<String, DeadLetterReason> seen = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicIO.readAll(KAFKA.bootstrapServers(),
                settings.topicName(OdeTopic.DEAD_LETTERS), "read_committed")) {
            DeadLetter d = deadLetters.deserialize(r.value());
            String value = d.getValue() == null ? "null" : Arrays.toString(bytes(d.getValue()));
            assertEquals(bad.get(value), d.getReason(), "reason of " + d.getDetail());
            assertEquals(observations, d.getSourceTopic());
            assertTrue(d.getOffset() >= 0 && d.getPartition() >= 0 && d.getTimestamp().toEpochMilli() > 0);
            assertNotNull(d.getKey(), "the original key is kept");
            assertArrayEquals(bytes(d.getKey()), r.key(), "the dead letter is keyed like the original");
            assertEquals(Observation.class.getName(), d.getExpectedType());
            assertTrue(!d.getDetail().isBlank());
            assertEquals(null, seen.put(value + "@" + d.getPartition() + "/" + d.getOffset(), d.getReason()), "once only");
        }
        assertEquals(bad.size(), seen.size(), "every bad record is dead-lettered");

        // and each one is counted under its reason
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            long expected = bad.values().stream().filter(reason::equals).count();
            assertEquals(expected, CollectingMetricReporter.sum("odestream.deadLetters." + reason),
                    "metric odestream.deadLetters." + reason);
        }
        assertEquals(good.size(), CollectingMetricReporter.sum("odestream.decoded"), "metric odestream.decoded");
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
