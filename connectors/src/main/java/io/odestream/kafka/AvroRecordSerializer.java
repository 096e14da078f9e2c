package io.odestream.kafka;

import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes {@code T} to its topic: value = Avro single-object encoding ({@link AvroSerde}), key = {@link OdeTopic#keyOf}, Kafka timestamp =
 * the time of writing (left to the producer), not the Flink record's event time. Event time is in
 * every record's payload; as the Kafka timestamp it made the broker's time-based retention delete
 * the outputs of a replay of old data within minutes of writing them (a segment whose newest
 * timestamp is older than {@code retention.ms} goes at the next retention check, and old timestamps
 * also roll a segment at every append).
 */
public final class AvroRecordSerializer<T extends SpecificRecord> implements KafkaRecordSerializationSchema<T> {
    private static final long serialVersionUID = 1L;

    private final OdeTopic topic;
    private final String topicName;
    private final Class<T> type;
    private transient AvroSerde<T> serde;

    public AvroRecordSerializer(OdeTopic topic, String topicName, Class<T> type) {
        if (!topic.recordType().equals(type)) {
            throw new IllegalArgumentException("topic " + topic + " carries " + topic.schemaFullName() + ", not " + type.getName());
        }
        this.topic = topic;
        this.topicName = topicName;
        this.type = type;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        serde = new AvroSerde<>(type);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
        if (serde == null) {
            serde = new AvroSerde<>(type);
        }
        return new ProducerRecord<>(topicName, null, null, topic.keyOf(element), serde.serialize(element));
    }
}
