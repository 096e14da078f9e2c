package io.odestream.bench;

import io.odestream.kafka.AvroSerde;
import io.odestream.kafka.UndecodableRecordException;
import io.odestream.kafka.broker.EmbeddedKafkaBroker;
import io.odestream.schema.Observation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Produce → consume round trip of Avro {@link Observation}s through the embedded real broker
 * (not JMH: one broker, whole-pipeline figures).
 *
 * <p>Baseline, in the same process and broker: the same records as pre-encoded bytes, so the
 * ratio shows what Avro encoding on the producer and decoding on the consumer cost on top of
 * Kafka itself. Runs alternate baseline/Avro; the median of the measured runs is reported.
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar io.odestream.bench.KafkaRoundTripBenchmark [records] [runs]}
 * (defaults 200000, 3), after {@code mvn -pl bench -am package -DskipTests}.
 */
public final class KafkaRoundTripBenchmark {

    private static final int CHANNELS = 4;
    private static final int SERIES = 1000;

    private KafkaRoundTripBenchmark() {}

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        System.out.printf("Kafka round trip: %d Observations (%d channels) per run, %d measured runs each%n",
                records, CHANNELS, runs);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            System.out.printf("embedded broker started in %.2f s at %s%n",
                    broker.startupTime().toNanos() / 1e9, broker.bootstrapServers());
            List<Observation> observations = observations(records);
            AvroSerde<Observation> serde = new AvroSerde<>(Observation.class);
            List<byte[]> encoded = new ArrayList<>(records);
            for (Observation o : observations) {
                encoded.add(serde.serialize(o));
            }
            System.out.printf("record size: %d bytes of Avro%n", encoded.get(0).length);

            // warm-up: JIT, broker segment files, consumer metadata
            run(broker, "warmup-raw", observations.subList(0, records / 5), encoded.subList(0, records / 5), false);
            run(broker, "warmup-avro", observations.subList(0, records / 5), encoded.subList(0, records / 5), true);

            double[] raw = new double[runs];
            double[] avro = new double[runs];
            for (int r = 0; r < runs; r++) {
                raw[r] = run(broker, "raw-" + r, observations, encoded, false);
                avro[r] = run(broker, "avro-" + r, observations, encoded, true);
                System.out.printf("run %d: baseline (pre-encoded bytes) %,.0f records/s, Avro encode+decode %,.0f records/s%n",
                        r + 1, raw[r], avro[r]);
            }
            double rawMedian = median(raw);
            double avroMedian = median(avro);
            System.out.printf("median: baseline %,.0f records/s, Avro %,.0f records/s, ratio Avro/baseline %.2f%n",
                    rawMedian, avroMedian, avroMedian / rawMedian);
        }
    }

    /** One round trip on a fresh topic; returns records/s from the first send to the last record consumed. */
    private static double run(EmbeddedKafkaBroker broker, String name, List<Observation> observations,
            List<byte[]> encoded, boolean avro) throws Exception {
        String topic = "bench-" + name;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        int n = observations.size();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps(broker));
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(broker))) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            consumer.poll(Duration.ZERO); // connect before the clock starts

            long start = System.nanoTime();
            CompletableFuture<Long> consumed = CompletableFuture.supplyAsync(() -> consume(consumer, n, avro));
            AvroSerde<Observation> serde = new AvroSerde<>(Observation.class);
            for (int i = 0; i < n; i++) {
                Observation o = observations.get(i);
                byte[] value = avro ? serde.serialize(o) : encoded.get(i);
                producer.send(new ProducerRecord<>(topic, o.getSeriesId().getBytes(java.nio.charset.StandardCharsets.UTF_8), value));
            }
            producer.flush();
            long checksum = consumed.get();
            double seconds = (System.nanoTime() - start) / 1e9;
            if (checksum != n) {
                throw new IllegalStateException("consumed " + checksum + " of " + n + " records on " + topic);
            }
            return n / seconds;
        }
    }

    private static long consume(KafkaConsumer<byte[], byte[]> consumer, int n, boolean avro) {
        AvroSerde<Observation> serde = new AvroSerde<>(Observation.class);
        long count = 0;
        long channels = 0;
        while (count < n) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                if (avro) {
                    try {
                        channels += serde.deserialize(r.value()).getValues().size();
                    } catch (UndecodableRecordException e) {
                        throw new IllegalStateException(e);
                    }
                } else {
                    channels += r.value().length > 0 ? CHANNELS : 0;
                }
                count++;
            }
        }
        if (channels != (long) n * CHANNELS) {
            throw new IllegalStateException("decoded " + channels + " channel values, expected " + (long) n * CHANNELS);
        }
        return count;
    }

    private static Properties producerProps(EmbeddedKafkaBroker broker) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return p;
    }

    private static Properties consumerProps(EmbeddedKafkaBroker broker) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return p;
    }

    private static List<Observation> observations(int n) {
        List<Observation> out = new ArrayList<>(n);
        long t0 = 1_700_000_000_000L;
        for (int i = 0; i < n; i++) {
            List<Double> values = new ArrayList<>(CHANNELS);
            for (int c = 0; c < CHANNELS; c++) {
                values.add(c == 3 && i % 3 == 0 ? null : Math.sin(i * 0.01 + c));
            }
            out.add(Observation.newBuilder().setSeriesId("series-" + (i % SERIES))
                    .setEventTime(Instant.ofEpochMilli(t0 + i)).setValues(values).build());
        }
        return out;
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
