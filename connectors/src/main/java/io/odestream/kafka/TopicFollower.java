package io.odestream.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads one odestream topic from its beginning on a background thread and hands every decoded
 * record to a callback, read_committed: what the job's exactly-once sinks committed, once each.
 * Undecodable records are reported to the callback's error handler, never skipped silently.
 */
public final class TopicFollower<T extends SpecificRecord> implements AutoCloseable {
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long received;

    public TopicFollower(KafkaSettings settings, OdeTopic topic, Class<T> type, Consumer<T> onRecord,
                         Consumer<String> onProblem) {
        Properties p = settings.clientProperties();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "odestream-follower-" + UUID.randomUUID());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        String name = settings.topicName(topic);
        AvroSerde<T> serde = new AvroSerde<>(type);
        this.thread = new Thread(() -> {
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
                List<TopicPartition> partitions = new ArrayList<>();
                for (PartitionInfo info : consumer.partitionsFor(name, Duration.ofSeconds(30))) {
                    partitions.add(new TopicPartition(name, info.partition()));
                }
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                while (running) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        try {
                            onRecord.accept(serde.deserialize(r.value()));
                            received++;
                        } catch (UndecodableRecordException e) {
                            onProblem.accept(name + "-" + r.partition() + "@" + r.offset() + " is not a "
                                    + type.getSimpleName() + ": " + e.getMessage());
                        }
                    }
                }
            } catch (RuntimeException e) {
                if (running) {
                    onProblem.accept("following " + name + " stopped: " + e);
                }
            }
        }, "follow-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    public long received() {
        return received;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(10_000);
    }
}
