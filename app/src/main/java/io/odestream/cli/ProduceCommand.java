package io.odestream.cli;

import io.odestream.cli.csv.CsvLayout;
import io.odestream.cli.csv.EventTimeOrder;
import io.odestream.cli.csv.ObservationCsvReader;
import io.odestream.job.cli.KafkaOptions;
import io.odestream.job.cli.RunCommand;
import io.odestream.kafka.AvroSerde;
import io.odestream.kafka.OdeTopic;
import io.odestream.schema.Observation;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code odestream produce}: replays a CSV file of observations into Kafka. */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = {"Replays a CSV file as Observation records (key = series id, Kafka timestamp = event time).",
            "Layouts: long 'series_id,timestamp,channel,value' (rows of one series and timestamp form one",
            "observation) or wide 'series_id,timestamp,<channel>...' (empty cell = not observed).",
            "Timestamps: epoch milliseconds or ISO-8601 (without a zone = UTC).",
            "Rows that cannot be used are reported with their line number and skipped; they do not fail the run.",
            "Rows earlier than one sent before them are counted and reported at the end (a job sends those further",
            "back than its --out-of-orderness to its late topic)."})
final class ProduceCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--topic", paramLabel = "TOPIC",
            description = "Topic to write to (default: the observations topic, with --topic-prefix).")
    String topic;

    @Option(names = "--csv", paramLabel = "FILE", required = true, description = "The CSV file to replay.")
    Path csv;

    @Option(names = "--format", paramLabel = "long|wide", description = "CSV layout (default: detected from the header).")
    CsvLayout format;

    @Option(names = "--channels", paramLabel = "a,b,c", split = ",",
            description = "Channels and their order in every observation (default: long = per series in order of "
                    + "first appearance, wide = the header's columns).")
    List<String> channels;

    @Option(names = "--speedup", paramLabel = "N|max", defaultValue = "max",
            description = "Replay at N times the pace of the event times (sleep Δt/N between rows); 0 or max = as "
                    + "fast as possible (default ${DEFAULT-VALUE}).")
    String speedup;

    @Option(names = "--no-progress", description = "No progress bar (for logs and scripts).")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String topicName = topic != null ? topic : kafka.topic(OdeTopic.OBSERVATIONS);
        Pacer pacer = new Pacer(Pacer.parseSpeedup(speedup));
        ObservationCsvReader reader = new ObservationCsvReader(csv, format, channels);
        ObservationCsvReader.Plan plan = reader.plan();

        AvroSerde<Observation> serde = new AvroSerde<>(Observation.class);
        AtomicReference<Exception> sendFailure = new AtomicReference<>();
        AtomicLong acknowledged = new AtomicLong();
        EventTimeOrder order = new EventTimeOrder(Duration.parse(RunCommand.DEFAULT_OUT_OF_ORDERNESS));
        ObservationCsvReader.Summary summary;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties());
                ProgressBar progress = progressBar(plan.dataRows(), err)) {
            summary = reader.read((observation, line) -> {
                if (sendFailure.get() != null) {
                    throw new CommandFailedException("sending to topic " + topicName + " at " + kafka.bootstrapServers()
                            + " failed before line " + line + " of " + csv + ": " + sendFailure.get().getMessage()
                            + "; check that the broker runs and the topic exists, then replay the file",
                            sendFailure.get());
                }
                long eventTime = observation.getEventTime().toEpochMilli();
                order.accept(eventTime);
                try {
                    pacer.await(eventTime);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CommandFailedException("interrupted at line " + line + " of " + csv);
                }
                producer.send(new ProducerRecord<>(topicName, null, eventTime,
                        OdeTopic.OBSERVATIONS.keyOf(observation), serde.serialize(observation)), (metadata, e) -> {
                            if (e != null) {
                                sendFailure.compareAndSet(null, e);
                            } else {
                                acknowledged.incrementAndGet();
                            }
                        });
                if (progress != null) {
                    progress.stepTo(line - 1);
                }
            }, problem -> {
                err.println("skipped " + problem);
            });
            producer.flush();
            if (progress != null) {
                progress.stepTo(plan.dataRows());
            }
        }
        if (sendFailure.get() != null) {
            throw new CommandFailedException("sending to topic " + topicName + " at " + kafka.bootstrapServers()
                    + " failed: " + sendFailure.get().getMessage() + "; " + acknowledged.get() + " of "
                    + summary.observations() + " observations were written; check the broker and replay the file",
                    sendFailure.get());
        }
        out.println("sent " + acknowledged.get() + " observations from " + summary.rows() + " rows of " + csv
                + " (" + summary.layout().name().toLowerCase(Locale.ROOT) + " layout) to topic " + topicName
                + (summary.problems() == 0 ? "" : "; " + summary.problems() + " rows skipped, see the messages above"));
        out.flush();
        order.warning().ifPresent(warning -> err.println("warning: " + warning));
        err.flush();
        return 0;
    }

    private Properties producerProperties() {
        Properties props = kafka.settings().clientProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(Duration.ofSeconds(30).toMillis()));
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(Duration.ofSeconds(60).toMillis()));
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return props;
    }

    private ProgressBar progressBar(long rows, PrintWriter err) {
        if (noProgress) {
            return null;
        }
        return new ProgressBarBuilder()
                .setTaskName("produce " + csv.getFileName())
                .setInitialMax(rows)
                .setUnit(" rows", 1)
                .setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .showSpeed()
                .build();
    }
}
