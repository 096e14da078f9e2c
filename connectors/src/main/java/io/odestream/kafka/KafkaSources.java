package io.odestream.kafka;

import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Reads odestream topics. The source itself emits {@link RawKafkaRecord}s (bytes + origin);
 * {@link #decode} turns them into records and dead letters. Decoding is a separate operator,
 * chained to the source, because a Kafka deserializer can only emit one type: it could not
 * route an undecodable record anywhere but into an exception or the void.
 */
public final class KafkaSources {

    private final KafkaSettings settings;

    public KafkaSources(KafkaSettings settings) {
        this.settings = settings;
    }

    /** Where a source starts when it has no checkpoint to restore its offsets from. */
    public enum Start {
        /** A stream (observations, requests): where the consumer group left off, else the earliest. */
        COMMITTED_ELSE_EARLIEST,
        /**
         * A compacted state topic (the models, the registry's serving pointer): always the earliest,
         * whatever the group committed. Its state is the whole topic, not what came after the last
         * commit: from the committed offsets, a job restarted without a checkpoint would never see
         * the model it must serve.
         */
        EARLIEST
    }

    /**
     * A source builder for {@code topic}, ready to build: consumer group {@code groupId},
     * read_committed (only committed output of exactly-once producers), starts from the group's
     * committed offsets or else the earliest. Callers may adjust it (e.g. {@code setBounded}).
     */
    public KafkaSourceBuilder<RawKafkaRecord> builder(OdeTopic topic, String groupId) {
        return builder(topic, groupId, Start.COMMITTED_ELSE_EARLIEST);
    }

    /** As {@link #builder(OdeTopic, String)}, starting at {@code start}. */
    @SuppressWarnings("deprecation") // the connector's committedOffsets still takes Kafka's OffsetResetStrategy
    public KafkaSourceBuilder<RawKafkaRecord> builder(OdeTopic topic, String groupId, Start start) {
        return KafkaSource.<RawKafkaRecord>builder()
                .setProperties(settings.clientProperties())
                .setBootstrapServers(settings.bootstrapServers())
                .setTopics(settings.topicName(topic))
                .setGroupId(groupId)
                .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
                .setStartingOffsets(start == Start.EARLIEST ? OffsetsInitializer.earliest()
                        : OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new RawKafkaRecordDeserializer());
    }

    public KafkaSource<RawKafkaRecord> source(OdeTopic topic, String groupId) {
        return builder(topic, groupId).build();
    }

    /** Reads {@code topic} from the environment and decodes it with {@code validator}. */
    public <T extends SpecificRecordBase> Decoded<T> read(StreamExecutionEnvironment env, OdeTopic topic, String groupId,
            Class<T> type, RecordValidator<T> validator) {
        return read(env, topic, groupId, type, validator, false);
    }

    /**
     * As {@link #read(StreamExecutionEnvironment, OdeTopic, String, Class, RecordValidator)}; with
     * {@code bounded} the source stops at the topic's end offsets taken at start-up (replays, tests).
     */
    public <T extends SpecificRecordBase> Decoded<T> read(StreamExecutionEnvironment env, OdeTopic topic, String groupId,
            Class<T> type, RecordValidator<T> validator, boolean bounded) {
        return read(env, topic, groupId, type, validator, bounded, Start.COMMITTED_ELSE_EARLIEST);
    }

    /**
     * Reads a compacted state topic ({@link Start#EARLIEST}): from its beginning on every start
     * without a checkpoint, whatever offsets {@code groupId} committed.
     */
    public <T extends SpecificRecordBase> Decoded<T> readState(StreamExecutionEnvironment env, OdeTopic topic,
            String groupId, Class<T> type, RecordValidator<T> validator, boolean bounded) {
        return read(env, topic, groupId, type, validator, bounded, Start.EARLIEST);
    }

    private <T extends SpecificRecordBase> Decoded<T> read(StreamExecutionEnvironment env, OdeTopic topic,
            String groupId, Class<T> type, RecordValidator<T> validator, boolean bounded, Start start) {
        KafkaSourceBuilder<RawKafkaRecord> builder = builder(topic, groupId, start);
        if (bounded) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        String name = "kafka:" + settings.topicName(topic);
        DataStream<RawKafkaRecord> raw = env.fromSource(builder.build(), WatermarkStrategy.noWatermarks(), name)
                .uid(name); // the source's state (offsets) must map back after an upgrade
        return decode(raw, type, validator);
    }

    /**
     * Decodes and validates raw records. Assign event-time watermarks on {@link Decoded#records()}
     * (e.g. from Observation.eventTime), not on the raw stream.
     */
    public static <T extends SpecificRecordBase> Decoded<T> decode(DataStream<RawKafkaRecord> raw, Class<T> type,
            RecordValidator<T> validator) {
        SingleOutputStreamOperator<T> records = raw
                .process(new DecodeOrDeadLetter<>(type, validator), new AvroTypeInfo<>(type))
                .name("decode " + type.getSimpleName());
        // no uid: the decoder holds no state, and one job may decode the same type twice
        return new Decoded<>(records, records.getSideOutput(DecodeOrDeadLetter.DEAD_LETTERS));
    }
}
