package io.odestream.kafka;

/**
 * A Kafka record as read, before decoding: its origin and raw bytes. Sources emit these so a
 * record that does not decode can still be dead-lettered with everything needed to replay it.
 * A Flink POJO (public fields, no-arg constructor) so it is serialised without Kryo.
 */
public final class RawKafkaRecord {
    public String topic;
    public int partition;
    public long offset;
    /** Kafka record timestamp, epoch ms (-1 when the record has none). */
    public long timestamp;
    public byte[] key;
    public byte[] value;

    public RawKafkaRecord() {}

    public RawKafkaRecord(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.timestamp = timestamp;
        this.key = key;
        this.value = value;
    }

    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset;
    }
}
