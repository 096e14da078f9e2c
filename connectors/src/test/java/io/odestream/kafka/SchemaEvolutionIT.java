package io.odestream.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.kafka.broker.testing.KafkaBrokerExtension;
import io.odestream.schema.DeadLetter;
import io.odestream.schema.DeadLetterReason;
import io.odestream.schema.Observation;
import io.odestream.schema.ReleasedSchemas;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two producers, one on this build's Observation schema and one a release ahead (a field added,
 * the optional {@code tags} dropped), write to one observations topic while the job runs: the
 * job reads both, each record resolved from its own writer schema to the job's. A writer schema
 * the job was never given and plain Avro without the header are dead letters that say why.
 */
class SchemaEvolutionIT {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final int PER_PRODUCER = 40;

    @Test
    void producersOfTwoSchemaVersionsShareATopicWhileTheJobRuns() throws Exception {
        KafkaSettings settings = KAFKA.topics("evo-", "evo-test");
        String observations = settings.topicName(OdeTopic.OBSERVATIONS);
        long t0 = System.currentTimeMillis() - 60_000;

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(200);
        KafkaSinks sinks = new KafkaSinks(settings);
        Decoded<Observation> decoded = new KafkaSources(settings).read(env, OdeTopic.OBSERVATIONS, "evolution",
                Observation.class, new ObservationValidator(Duration.ofDays(1), ExpectedChannels.exactly(2)));
        decoded.records().sinkTo(sinks.sink(OdeTopic.LATE_OBSERVATIONS, Observation.class)).name("decoded");
        decoded.deadLetters().sinkTo(sinks.sink(OdeTopic.DEAD_LETTERS, DeadLetter.class)).name("dead letters");
        JobClient job = env.executeAsync("schema evolution");
        try {
            awaitRunning(job);

            // what the job must output, whichever version wrote it: the newer writer's tags are gone
            List<String> expected = new ArrayList<>();
            Schema next = releasedNextObservation();
            CompletableFuture<Void> current = CompletableFuture.runAsync(() -> produceSlowly(observations,
                    i -> {
                        Observation o = observation("current-" + (i % 3), t0 + i, Map.of("site", "north"));
                        return new AvroSerde<>(Observation.class).serialize(o);
                    }));
            CompletableFuture<Void> ahead = CompletableFuture.runAsync(() -> produceSlowly(observations,
                    i -> nextVersion(next, "ahead-" + (i % 3), t0 + i)));
            for (int i = 0; i < PER_PRODUCER; i++) {
                expected.add(observation("current-" + (i % 3), t0 + i, Map.of("site", "north")).toString());
                expected.add(observation("ahead-" + (i % 3), t0 + i, null).toString());
            }
            current.get();
            ahead.get();

            Schema unreleased = withField(next, "firmware");
            byte[] unknownWriter = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), unreleased)
                    .encode(nextRecord(unreleased, "unknown-writer", t0)).array();
            byte[] headerless = plainAvro(observation("headerless", t0, null));
            TopicIO.produce(KAFKA.bootstrapServers(), List.of(
                    new ProducerRecord<>(observations, bytes("unknown-writer"), unknownWriter),
                    new ProducerRecord<>(observations, bytes("headerless"), headerless)));

            AvroSerde<Observation> serde = new AvroSerde<>(Observation.class);
            List<String> output = awaitAtLeast(settings.topicName(OdeTopic.LATE_OBSERVATIONS), expected.size()).stream()
                    .map(r -> deserialize(serde, r.value()).toString()).toList();
            assertEquals(expected.stream().sorted().toList(), output.stream().sorted().toList(),
                    "every record of both versions, once, as the job's schema");

            AvroSerde<DeadLetter> deadLetterSerde = new AvroSerde<>(DeadLetter.class);
            List<DeadLetter> deadLetters = awaitAtLeast(settings.topicName(OdeTopic.DEAD_LETTERS), 2).stream()
                    .map(r -> deserialize(deadLetterSerde, r.value())).toList();
            assertEquals(2, deadLetters.size(), "exactly the two unreadable records: " + deadLetters);
            for (DeadLetter d : deadLetters) {
                assertEquals(DeadLetterReason.UNDECODABLE, d.getReason());
                String key = StandardCharsets.UTF_8.decode(d.getKey().duplicate()).toString();
                String why = key.equals("headerless") ? "without the Avro single-object header"
                        : String.format("%016x, which is not a released version of Observation", ReleasedSchemas.fingerprint(unreleased));
                assertTrue(d.getDetail().contains(why), key + ": " + d.getDetail());
            }
        } finally {
            job.cancel().get();
        }
    }

    private interface Payload {
        byte[] of(int i);
    }

    /** One record every 25 ms, so both producers' records interleave with the job's checkpoints. */
    private static void produceSlowly(String topic, Payload payload) {
        try {
            for (int i = 0; i < PER_PRODUCER; i++) {
                byte[] value = payload.of(i);
                TopicIO.produce(KAFKA.bootstrapServers(), List.of(new ProducerRecord<>(topic, bytes("k" + i), value)));
                Thread.sleep(25);
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Observation observation(String series, long time, Map<String, String> tags) {
        return Observation.newBuilder().setSeriesId(series).setEventTime(Instant.ofEpochMilli(time))
                .setValues(Arrays.asList(1.0, null)).setChannels(List.of("temp", "pressure")).setTags(tags).build();
    }

    /** Written by a producer on the newer release, with its own copy of that schema and a generic record. */
    private static byte[] nextVersion(Schema next, String series, long time) {
        try {
            return new BinaryMessageEncoder<GenericRecord>(GenericData.get(), next).encode(nextRecord(next, series, time)).array();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static GenericRecord nextRecord(Schema schema, String series, long time) {
        GenericRecord r = new GenericData.Record(schema);
        r.put("seriesId", series);
        r.put("eventTime", time);
        r.put("values", Arrays.asList(1.0, null));
        r.put("channels", List.of("temp", "pressure"));
        r.put("unit", "kPa");
        if (schema.getField("firmware") != null) {
            r.put("firmware", "2.1");
        }
        return r;
    }

    private static Schema releasedNextObservation() {
        List<ReleasedSchemas.Release> versions = ReleasedSchemas.onClassPath().versionsOf(Observation.getClassSchema().getFullName());
        return versions.stream().filter(r -> r.schema().getField("unit") != null).findFirst()
                .orElseThrow(() -> new AssertionError("the test's newer Observation is not released: " + versions))
                .schema();
    }

    private static Schema withField(Schema schema, String name) {
        List<Schema.Field> fields = new ArrayList<>();
        schema.getFields().forEach(f -> fields.add(new Schema.Field(f, f.schema())));
        fields.add(new Schema.Field(name, Schema.create(Schema.Type.STRING), "not released", ""));
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
    }

    private static byte[] plainAvro(Observation o) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(Observation.class).write(o, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> T deserialize(AvroSerde<T> serde, byte[] bytes) {
        try {
            return serde.deserialize(bytes);
        } catch (UndecodableRecordException e) {
            throw new AssertionError(e);
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> awaitAtLeast(String topic, int count) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        List<ConsumerRecord<byte[], byte[]>> records = TopicIO.readAll(KAFKA.bootstrapServers(), topic, "read_committed");
        while (records.size() < count && System.currentTimeMillis() < deadline) {
            Thread.sleep(300);
            records = TopicIO.readAll(KAFKA.bootstrapServers(), topic, "read_committed");
        }
        Thread.sleep(1_000); // a checkpoint more: anything extra (a duplicate) would show now
        return TopicIO.readAll(KAFKA.bootstrapServers(), topic, "read_committed");
    }

    private static void awaitRunning(JobClient job) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (job.getJobStatus().get() != JobStatus.RUNNING) {
            assertTrue(System.currentTimeMillis() < deadline, "the job did not start");
            Thread.sleep(100);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
