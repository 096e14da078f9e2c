package io.odestream.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes odestream records to their topics from outside a Flink job (demo, tools, tests): Avro
 * value, the topic's key ({@link OdeTopic#keyOf}), idempotent producer with acks=all, so a record
 * the broker acknowledged is in the log once. A record the broker did not take (after the
 * producer's retries, e.g. a new topic whose leader never came up) is an error at the next
 * {@link #flush} or {@link #close}, never a silent loss. Not thread-safe (its encoders are reused).
 */
public final class RecordPublisher implements AutoCloseable {
    private final KafkaSettings settings;
    private final KafkaProducer<byte[], byte[]> producer;
    /** One encoder per record type, reused: building one per record would redo Avro's set-up each time. */
    private final Map<Class<?>, AvroSerde<?>> serdes = new HashMap<>();
    /** The first send that failed, kept by the producer's I/O thread; one callback for every send. */
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final Callback rememberFailure = (metadata, e) -> {
        if (e != null) {
            failure.compareAndSet(null, e);
        }
    };

    public RecordPublisher(KafkaSettings settings) {
        this.settings = settings;
        Properties p = settings.clientProperties();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        // One request in flight per connection: with more, a batch refused while a new partition's
        // leader settles let the next ones be refused as OUT_OF_ORDER_SEQUENCE_NUMBER, retried for as
        // long as the delivery timeout (seen on the embedded broker). Batches still carry many records.
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        this.producer = new KafkaProducer<>(p);
    }

    /** Sends asynchronously; {@link #flush} or {@link #close} waits for the acknowledgements. */
    @SuppressWarnings("unchecked")
    public <T extends SpecificRecord> void send(OdeTopic topic, T record) {
        if (!topic.recordType().isInstance(record)) {
            throw new IllegalArgumentException("topic " + topic + " carries " + topic.schemaFullName() + ", not "
                    + record.getSchema().getFullName());
        }
        AvroSerde<T> serde = (AvroSerde<T>) serdes.computeIfAbsent(record.getClass(),
                type -> new AvroSerde<>((Class<T>) type));
        producer.send(new ProducerRecord<>(settings.topicName(topic), topic.keyOf(record), serde.serialize(record)),
                rememberFailure);
    }

    /** Sends and waits for the broker's acknowledgement (throws when it does not come). */
    public <T extends SpecificRecord> void sendNow(OdeTopic topic, T record) {
        send(topic, record);
        flush();
    }

    /**
     * Waits until every record sent so far is acknowledged or has failed (the producer's delivery
     * timeout bounds the wait).
     *
     * @throws IllegalStateException when a record was not written
     */
    public void flush() {
        producer.flush();
        Exception e = failure.get();
        if (e != null) {
            throw new IllegalStateException("records could not be written to Kafka (" + e.getClass().getSimpleName()
                    + ": " + e.getMessage() + "); check that the broker is up and the topics exist", e);
        }
    }

    /**
     * Flushes (see {@link #flush}), then closes. A bounded close alone would drop what is still in
     * flight when its time runs out, silently.
     */
    @Override
    public void close() {
        try {
            flush();
        } finally {
            producer.close(Duration.ofSeconds(30));
        }
    }

}
