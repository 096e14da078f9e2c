package io.odestream.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.kafka.broker.testing.KafkaBrokerExtension;
import io.odestream.schema.Observation;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A job that fails once mid-stream, after a checkpoint, recovers from that checkpoint and still
 * writes every record exactly once for read_committed readers; the aborted attempt's records
 * are really in the log (read_uncommitted sees more), so the test proves the transactions matter.
 */
class ExactlyOnceIT {

    private static final int RECORDS = 400;
    /** Failures injected in this JVM (the MiniCluster runs in it). */
    static final AtomicInteger FAILURES = new AtomicInteger();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @Test
    void aJobThatFailsOnceAndRecoversWritesEveryRecordExactlyOnce() throws Exception {
        KafkaSettings in = KafkaSettings.builder(KAFKA.bootstrapServers()).topicPrefix("eos-in-").build();
        KafkaSettings out = KafkaSettings.builder(KAFKA.bootstrapServers()).topicPrefix("eos-out-")
                .transactionalIdPrefix("eos-test").build();
        try (TopicSetup setup = new TopicSetup(in)) {
            assertTrue(setup.ensure(List.of(
                    TopicSpec.defaultFor(OdeTopic.OBSERVATIONS, "eos-in-", 2, (short) 1),
                    TopicSpec.defaultFor(OdeTopic.OBSERVATIONS, "eos-out-", 2, (short) 1))).ok());
        }
        AvroSerde<Observation> serde = new AvroSerde<>(Observation.class);
        List<ProducerRecord<byte[], byte[]>> input = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            Observation o = ExampleRecords.observation("s" + (i % 7), ExampleRecords.T0 + i, (double) i, null);
            input.add(new ProducerRecord<>(in.topicName(OdeTopic.OBSERVATIONS), OdeTopic.OBSERVATIONS.keyOf(o), serde.serialize(o)));
            expected.add(o.toString());
        }
        TopicIO.produce(KAFKA.bootstrapServers(), input);

        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, java.time.Duration.ofMillis(100));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(150);
        Decoded<Observation> decoded = KafkaSources.decode(env.fromSource(
                new KafkaSources(in).builder(OdeTopic.OBSERVATIONS, "eos").setBounded(OffsetsInitializer.latest()).build(),
                WatermarkStrategy.noWatermarks(), "observations"), Observation.class, ObservationValidator.withDefaults());
        decoded.records()
                .map(new FailOnceAfterACheckpoint(RECORDS / 4), new AvroTypeInfo<>(Observation.class))
                .sinkTo(new KafkaSinks(out).sink(OdeTopic.OBSERVATIONS, Observation.class));
        env.execute("exactly once");

        assertTrue(FAILURES.get() >= 1, "the job must have failed and recovered at least once");
        AvroSerde<Observation> reader = new AvroSerde<>(Observation.class);
        List<String> committed = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicIO.readAll(KAFKA.bootstrapServers(), out.topicName(OdeTopic.OBSERVATIONS), "read_committed")) {
            committed.add(reader.deserialize(r.value()).toString());
        }
        assertEquals(RECORDS, committed.size(), "exactly as many records as went in");
        assertEquals(expected.stream().sorted().toList(), committed.stream().sorted().toList(), "each exactly once");

        int everything = TopicIO.readAll(KAFKA.bootstrapServers(), out.topicName(OdeTopic.OBSERVATIONS), "read_uncommitted").size();
        assertTrue(everything > RECORDS, "the failed attempt wrote records that were aborted: " + everything);
    }

    /**
     * Passes records through slowly; on the first attempt of each subtask it throws once it has
     * seen a completed checkpoint and {@code failAfter} records, so recovery starts from a real checkpoint
     * with an open transaction behind it.
     */
    static final class FailOnceAfterACheckpoint extends RichMapFunction<Observation, Observation> implements CheckpointListener {
        private final int failAfter;
        private transient int seen;
        private transient int seenSinceCheckpoint;
        private transient boolean checkpointCompleted;

        FailOnceAfterACheckpoint(int failAfter) {
            this.failAfter = failAfter;
        }

        @Override
        public void open(OpenContext context) {
            seen = 0;
            seenSinceCheckpoint = 0;
            checkpointCompleted = false;
        }

        @Override
        public Observation map(Observation o) throws Exception {
            Thread.sleep(2); // so checkpoints complete while data still flows
            seen++;
            seenSinceCheckpoint++;
            if (getRuntimeContext().getTaskInfo().getAttemptNumber() == 0 && checkpointCompleted
                    && seen >= failAfter && seenSinceCheckpoint >= 20) {
                // Give the sink's producer time to send the open transaction's 20+ records, so the
                // aborted attempt really leaves records in the log that read_committed must skip.
                Thread.sleep(500);
                FAILURES.incrementAndGet();
                throw new IllegalStateException("injected failure after " + seen + " records (test)");
            }
            return o;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            checkpointCompleted = true;
            seenSinceCheckpoint = 0;
        }
    }
}
