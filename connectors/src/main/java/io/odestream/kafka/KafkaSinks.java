package io.odestream.kafka;

import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Writes odestream topics. With {@link DeliveryGuarantee#EXACTLY_ONCE} (the default) records
 * become visible to read_committed consumers when the checkpoint that covers them completes,
 * so the job must checkpoint, and {@code transaction.timeout.ms} (default 10 min) must stay
 * below the broker's {@code transaction.max.timeout.ms} (default 15 min) or the sink fails
 * "transaction timeout is larger than the maximum value allowed by the broker" in a loop.
 */
public final class KafkaSinks {

    private final KafkaSettings settings;

    public KafkaSinks(KafkaSettings settings) {
        this.settings = settings;
    }

    /**
     * A sink builder for {@code topic}. The transactional id prefix is
     * {@code <transactional.id.prefix>-<topic name>}: unique per sink as long as the settings'
     * prefix is unique per job.
     */
    public <T extends SpecificRecord> KafkaSinkBuilder<T> builder(OdeTopic topic, Class<T> type) {
        String topicName = settings.topicName(topic);
        return builder(topicName, new AvroRecordSerializer<>(topic, topicName, type));
    }

    public <T extends SpecificRecord> KafkaSink<T> sink(OdeTopic topic, Class<T> type) {
        return builder(topic, type).build();
    }

    /**
     * A sink for an optional output whose topic the job is told by name (not one of {@link OdeTopic}):
     * the same delivery guarantee and transactions as every other sink, {@code serializer} for the records.
     */
    public <T> KafkaSink<T> sink(String topicName, KafkaRecordSerializationSchema<T> serializer) {
        return builder(topicName, serializer).build();
    }

    private <T> KafkaSinkBuilder<T> builder(String topicName, KafkaRecordSerializationSchema<T> serializer) {
        return KafkaSink.<T>builder()
                .setKafkaProducerConfig(settings.clientProperties())
                .setBootstrapServers(settings.bootstrapServers())
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(settings.deliveryGuarantee())
                .setTransactionalIdPrefix(settings.transactionalIdPrefix() + "-" + topicName)
                .setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                        Long.toString(settings.transactionTimeout().toMillis()));
    }
}
