package io.odestream.kafka;

import io.odestream.schema.DeadLetter;
import io.odestream.schema.DeadLetterReason;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes raw Kafka records into {@code T} and validates them. Never throws for bad input:
 * a record that does not decode or fails validation goes to the {@link #DEAD_LETTERS} side
 * output with its origin and raw bytes, and the counter {@code odestream.deadLetters.<REASON>}
 * counts it. {@code odestream.decoded} counts the good ones.
 */
public final class DecodeOrDeadLetter<T extends SpecificRecordBase> extends ProcessFunction<RawKafkaRecord, T> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", new AvroTypeInfo<>(DeadLetter.class));

    private final Class<T> type;
    private final RecordValidator<T> validator;

    private transient AvroSerde<T> serde;
    private transient Map<DeadLetterReason, Counter> deadLetterCounters;
    private transient Counter decoded;

    public DecodeOrDeadLetter(Class<T> type, RecordValidator<T> validator) {
        this.type = type;
        this.validator = validator;
    }

    @Override
    public void open(OpenContext context) {
        serde = new AvroSerde<>(type);
        MetricGroup group = getRuntimeContext().getMetricGroup().addGroup("odestream");
        decoded = group.counter("decoded");
        MetricGroup deadLetters = group.addGroup("deadLetters");
        deadLetterCounters = new EnumMap<>(DeadLetterReason.class);
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            deadLetterCounters.put(reason, deadLetters.counter(reason.name()));
        }
    }

    @Override
    public void processElement(RawKafkaRecord raw, Context ctx, Collector<T> out) {
        T record;
        try {
            record = serde.deserialize(raw.value);
        } catch (UndecodableRecordException e) {
            deadLetter(raw, Rejection.Reason.UNDECODABLE, e.getMessage() + "; the topic " + raw.topic
                    + " carries " + type.getName() + " in Avro single-object encoding", ctx);
            return;
        }
        Optional<Rejection> rejection;
        try {
            rejection = validator.validate(record);
        } catch (RuntimeException e) {
            // a validator bug must not take the job down either
            rejection = Optional.of(new Rejection(Rejection.Reason.INVALID_RECORD, "validation of " + raw + " failed: " + e));
        }
        if (rejection.isPresent()) {
            deadLetter(raw, rejection.get().reason(), rejection.get().detail(), ctx);
            return;
        }
        decoded.inc();
        out.collect(record);
    }

    private void deadLetter(RawKafkaRecord raw, Rejection.Reason reason, String detail, Context ctx) {
        DeadLetterReason code = reason.deadLetterReason();
        deadLetterCounters.get(code).inc();
        ctx.output(DEAD_LETTERS, toDeadLetter(raw, code, detail, type.getName()));
    }

    static DeadLetter toDeadLetter(RawKafkaRecord raw, DeadLetterReason reason, String detail, String expectedType) {
        return DeadLetter.newBuilder()
                .setSourceTopic(raw.topic)
                .setPartition(raw.partition)
                .setOffset(raw.offset)
                .setTimestamp(Instant.ofEpochMilli(Math.max(0, raw.timestamp)))
                .setReason(reason)
                .setDetail(detail)
                .setKey(raw.key == null ? null : ByteBuffer.wrap(raw.key))
                .setValue(raw.value == null ? null : ByteBuffer.wrap(raw.value))
                .setExpectedType(expectedType)
                .setDeadLetteredAt(Instant.now())
                .build();
    }
}
