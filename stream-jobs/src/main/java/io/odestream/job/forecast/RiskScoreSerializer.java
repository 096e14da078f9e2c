package io.odestream.job.forecast;

import io.odestream.kafka.AvroSerde;
import io.odestream.schema.RiskScore;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Risk scores to the topic the job was given ({@code run --risk-topic}): key = seriesId (UTF-8), so a
 * series' scores stay in order on one partition; value = Avro single-object encoding, as on every
 * odestream topic; the Kafka timestamp is left to the producer, as {@code AvroRecordSerializer} does.
 */
final class RiskScoreSerializer implements KafkaRecordSerializationSchema<RiskScore> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private transient AvroSerde<RiskScore> serde;

    RiskScoreSerializer(String topic) {
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("the risk output needs a topic name");
        }
        this.topic = topic;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        serde = new AvroSerde<>(RiskScore.class);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(RiskScore score, KafkaSinkContext context, Long timestamp) {
        if (serde == null) {
            serde = new AvroSerde<>(RiskScore.class);
        }
        return new ProducerRecord<>(topic, null, null, score.getSeriesId().getBytes(StandardCharsets.UTF_8),
                serde.serialize(score));
    }
}
