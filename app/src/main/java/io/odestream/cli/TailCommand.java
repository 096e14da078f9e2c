package io.odestream.cli;

import io.odestream.job.cli.KafkaOptions;
import io.odestream.kafka.AvroSerde;
import io.odestream.kafka.UndecodableRecordException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.avro.Schema;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code odestream tail}: prints a topic's records as JSON lines. */
@Command(name = "tail", mixinStandardHelpOptions = true,
        description = {"Prints the records of a topic as JSON lines (Avro's JSON encoding), one per line on stdout.",
            "The record type follows from the topic name; records that cannot be decoded are reported on stderr.",
            "Reads all partitions without a consumer group, so it never moves anybody's offsets."})
final class TailCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Parameters(index = "0", paramLabel = "TOPIC", description = "The topic, e.g. observations, forecasts, alerts, models.")
    String topic;

    @Option(names = "--from-beginning", description = "Start at the oldest record (default: only records that arrive from now on).")
    boolean fromBeginning;

    @Option(names = "--max", paramLabel = "N", description = "Stop after N records (default: run until Ctrl-C).")
    Long max;

    @Option(names = "--idle-timeout", paramLabel = "DURATION",
            description = "Stop when no record arrived for this long, e.g. PT10S (default: never).")
    Duration idleTimeout;

    @Option(names = "--type", paramLabel = "RECORD",
            description = "Record type for a topic outside the naming convention, e.g. Observation.")
    String type;

    @Override
    public Integer call() throws Exception {
        if (max != null && max < 1) {
            throw new CommandFailedException("--max " + max + " must be at least 1");
        }
        Class<? extends SpecificRecord> recordType = type != null ? TopicRecordTypes.bySimpleName(type)
                : TopicRecordTypes.of(topic, kafka.topicPrefix());
        return tail(recordType);
    }

    private <T extends SpecificRecord> int tail(Class<T> recordType) throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        AvroSerde<T> serde = new AvroSerde<>(recordType);
        Schema schema = SpecificData.get().getSchema(recordType);
        SpecificDatumWriter<T> writer = new SpecificDatumWriter<>(schema, SpecificData.getForClass(recordType));
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        JsonEncoder encoder = EncoderFactory.get().jsonEncoder(schema, json);

        Properties props = kafka.settings().clientProperties();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        long printed = 0;
        long undecodable = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                throw new CommandFailedException("topic '" + topic + "' does not exist at " + kafka.bootstrapServers()
                        + "; create it with `odestream topics create` or check --bootstrap-servers/--topic-prefix");
            }
            List<TopicPartition> partitions = new ArrayList<>();
            infos.forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
            consumer.assign(partitions);
            if (fromBeginning) {
                consumer.seekToBeginning(partitions);
            } else {
                consumer.seekToEnd(partitions);
            }
            long lastRecord = System.nanoTime();
            while (max == null || printed < max) {
                boolean any = false;
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(250))) {
                    any = true;
                    try {
                        T record = serde.deserialize(r.value());
                        json.reset();
                        encoder.configure(json);
                        writer.write(record, encoder);
                        encoder.flush();
                        out.println(json.toString(StandardCharsets.UTF_8));
                        printed++;
                    } catch (UndecodableRecordException e) {
                        undecodable++;
                        err.println("skipped " + r.topic() + "-" + r.partition() + "@" + r.offset() + ": " + e.getMessage());
                    }
                    if (max != null && printed >= max) {
                        break;
                    }
                }
                out.flush();
                if (any) {
                    lastRecord = System.nanoTime();
                } else if (idleTimeout != null && System.nanoTime() - lastRecord > idleTimeout.toNanos()) {
                    break;
                }
            }
        }
        out.flush();
        if (undecodable > 0) {
            err.println(undecodable + " records of " + topic + " could not be decoded as "
                    + recordType.getSimpleName() + " (see above)");
            err.flush();
        }
        return 0;
    }
}
