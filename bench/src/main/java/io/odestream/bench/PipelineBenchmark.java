package io.odestream.bench;

import io.odestream.demo.DemoSetup;
import io.odestream.job.forecast.ForecastJob;
import io.odestream.job.forecast.ForecastJobConfig;
import io.odestream.job.forecast.MicroBatching;
import io.odestream.job.forecast.PosteriorUpdater;
import io.odestream.job.forecast.UpdaterSettings;
import io.odestream.kafka.KafkaSettings;
import io.odestream.kafka.OdeTopic;
import io.odestream.kafka.RecordPublisher;
import io.odestream.kafka.TopicFollower;
import io.odestream.kafka.broker.EmbeddedKafkaBroker;
import io.odestream.schema.AlertKind;
import io.odestream.schema.AnomalyAlert;
import io.odestream.schema.Observation;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The forecasting job end to end, against a pass-through keyed job measured in the same run, so the
 * ratio says what the model costs on top of Flink and Kafka: one JVM, one embedded Kafka broker (child JVM), Flink's local environment.
 * <ol>
 *   <li>A stream of {@code --keys} series and about {@code --events} observations ({@link BenchStream}: the
 *   demo's three-channel sensor physics, irregular times, missing channels, injected jumps) is produced
 *   to an observations topic.</li>
 *   <li>Pass-through ({@link PassThroughJob}): the same source, decode, watermarks, keyBy and an
 *   exactly-once sink around a keyed function that only counts; bounded, so it reads the topic and
 *   ends. Run before and after the model job (the first run also warms the JVM up); the faster run is
 *   the baseline, which makes the ratio conservative.</li>
 *   <li>The model job ({@link ForecastJob}, bounded) over the same topic with its own consumer group:
 *   every observation scored (the job's default: the posterior's sigma points), checked against the alert policy and
 *   absorbed by the latent-ODE filter ({@link DemoSetup#updaterSettings}).</li>
 *   <li>Latency ({@link LatencyRun}): the unbounded job fed at a fixed share of its measured throughput
 *   with event time = wall-clock time, event→alert latency per delivery guarantee.</li>
 * </ol>
 * Throughput is counted from the first record through the pipeline to the end of the job (its final
 * checkpoint and commit included, the start-up not). Prints a Markdown table.
 *
 * <pre>
 * mvn -B -q -pl bench -am package -DskipTests
 * java -cp bench/target/benchmarks.jar io.odestream.bench.PipelineBenchmark --keys 10000 --events 200000
 * java -cp bench/target/benchmarks.jar io.odestream.bench.PipelineBenchmark --keys 200 --events 5000 --latency-seconds 10
 * </pre>
 */
public final class PipelineBenchmark {
    /** A source split silent this long stops holding the watermark back (both jobs, the paced runs). */
    static final Duration IDLENESS = Duration.ofSeconds(1);
    /**
     * The same for the bounded throughput runs: the job's default ({@code run --idleness}), so that they
     * measure the job as it is run. With 1 s, runs on a machine loaded by other JVMs sent most of a model
     * job's observations to the late topic (187 434 of 199 776 in one run), never scored. The likely
     * path: a subtask stalled for a second is marked idle, the other's watermark moves the job's event
     * time on, and each series the stalled one then starts is further behind it than a new series may
     * be. Not reproduced on demand (CPU burners at load 8–9 gave no late observation either way).
     */
    static final Duration THROUGHPUT_IDLENESS = Duration.ofSeconds(10);
    /** Event time of the throughput stream: the demo's 2024-01-01. */
    static final long STREAM_START = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();

    /**
     * One bounded run over the throughput topic.
     *
     * @param seconds    first record through the pipeline → end of the job
     * @param jobSeconds {@code execute} → end of the job (start-up included)
     * @param cpu        where the machine's CPU went from the first record to the end; null where unknown
     */
    record Throughput(String name, long events, double seconds, double jobSeconds, CpuSplit.Result cpu) {
        Throughput(String name, long events, double seconds, double jobSeconds) {
            this(name, events, seconds, jobSeconds, null);
        }

        double perSecond() {
            return events / seconds;
        }
    }

    /** What the model job's operator reported through its metrics, and the alerts it committed. */
    record ModelFigures(long late, long beforeModel, long solverFailures, long alerts,
                        int alertsAtInjected, int injected, double[] updateMicros, double[] evaluations) {
    }

    private PipelineBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (Arrays.asList(args).contains("--help")) {
            System.out.println(PipelineOptions.usage());
            return;
        }
        PipelineOptions o;
        try {
            o = PipelineOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(PipelineOptions.usage());
            System.exit(2);
            return;
        }
        BenchModel model = BenchModel.load(o.modelFile());
        System.out.printf(Locale.ROOT, "pipeline benchmark: %,d keys, ~%,d events, %d partitions, parallelism %d, "
                        + "%s state, out-of-orderness %d ms, checkpoints every %d ms; %d cores, load %.2f%n",
                o.keys(), o.events(), o.partitions(), o.parallelism(), o.stateBackend(), o.outOfOrderness().toMillis(),
                o.checkpointInterval().toMillis(), Runtime.getRuntime().availableProcessors(), load());
        System.out.println("model: " + model.description() + "; score mode " + o.scoreMode().optionName()
                + (o.pooledWarmUpEvents() == 0 ? ""
                : "; alert warm-up rule: pooled once " + o.pooledWarmUpEvents() + " events are pooled"));
        Path checkpoints = Files.createTempDirectory("odestream-pipeline-bench-");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            System.out.printf(Locale.ROOT, "embedded broker up in %.1f s at %s%n", broker.startupTime().toMillis() / 1e3,
                    broker.bootstrapServers());
            run(o, model, broker.bootstrapServers(), checkpoints);
        } finally {
            deleteRecursively(checkpoints);
        }
    }

    private static void run(PipelineOptions o, BenchModel model, String bootstrap, Path checkpoints) throws Exception {
        Duration span = Duration.ofMillis(Math.round(1000.0 * o.events() / o.keys()));
        long generating = System.nanoTime();
        BenchStream stream = BenchStream.generate(o.keys(), STREAM_START, span, Duration.ofSeconds(1), o.anomalyRate(),
                o.seed());
        System.out.printf(Locale.ROOT, "stream: %,d observations of %,d series over %s of event time, %d injected "
                        + "jumps (generated in %.1f s)%n", stream.size(), o.keys(), span, stream.anomalies().size(),
                (System.nanoTime() - generating) / 1e9);

        String prefix = "tp-";
        KafkaSettings data = KafkaSettings.builder(bootstrap).topicPrefix(prefix).transactionalIdPrefix("bench-model")
                .build();
        Topics.create(data, prefix, o.partitions());
        long producing = System.nanoTime();
        try (RecordPublisher publisher = new RecordPublisher(data)) {
            publisher.send(OdeTopic.MODELS, model.artifact());
            for (Observation obs : stream.observations()) {
                publisher.send(OdeTopic.OBSERVATIONS, obs);
            }
        }
        System.out.printf(Locale.ROOT, "produced in %.1f s%n", (System.nanoTime() - producing) / 1e9);

        Throughput passBefore = null;
        Throughput passAfter = null;
        List<ModelVariant> variants = new ArrayList<>();
        OfflineFilterCost offline = null;
        if (!o.skipThroughput()) {
            passBefore = passThrough(o, data, checkpoints, stream.size(), 1);
            print(passBefore);
            // also compiles the model code, so the model job does not pay for it
            UpdaterSettings settings = UpdaterSettings.defaults(model.modelId(), model.verifier()).withMonitor(o.monitor());
            offline = OfflineFilterCost.measure(model.artifact(), stream.observations(),
                    settings.monitor().scoreMode(), settings.scoreSamples(),
                    settings.alertPolicy(), 2000, 3000);
            System.out.printf(Locale.ROOT, "model alone, one thread, no Flink: %.0f µs/event over %,d events%n",
                    offline.micros(), offline.events());
            for (String variant : o.batching()) {
                Throughput t = modelJob(o, data, model, checkpoints, stream.size(), variant, variants.size());
                print(t);
                variants.add(new ModelVariant(variant, t, modelFigures(data, stream, variants)));
            }
            passAfter = passThrough(o, data, checkpoints, stream.size(), 2);
            print(passAfter);
        }

        List<LatencyRun.Result> latencies = new ArrayList<>();
        double rate = o.latencyRate() > 0 ? o.latencyRate() : o.latencyLoad() * sustainable(variants, o.latencyBatching());
        for (int i = 0; i < o.latencyModes().size(); i++) {
            DeliveryGuarantee mode = o.latencyModes().get(i);
            System.out.printf(Locale.ROOT, "paced run, %s: %.0f events/s for %d + %d s ...%n", label(mode), rate,
                    o.latencyWarmupSeconds(), o.latencySeconds());
            LatencyRun.Result r = LatencyRun.run(bootstrap, o, model, rate, mode, checkpoints.resolve("lat" + i), i);
            System.out.printf(Locale.ROOT, "  %d keys, %,d events in the window (%.0f/s sent, worst send lag %d ms), "
                            + "%d sent, %d applied; %d alerts matched (%d of %d injected jumps); latency p50 %.0f ms, "
                            + "p99 %.0f ms%n", r.keys(), r.windowEvents(), r.sentRate(), r.maxSendLagMillis(), r.sent(),
                    r.applied(), r.alerts(), r.atInjected(), r.injected(), r.quantile(0.5), r.quantile(0.99));
            latencies.add(r);
        }
        Report.print(o, model, stream, passBefore, passAfter, variants, offline, latencies, load());
    }

    private static Throughput passThrough(PipelineOptions o, KafkaSettings data, Path checkpoints, int events, int run)
            throws Exception {
        String prefix = "tp-pass" + run + "-";
        KafkaSettings out = KafkaSettings.builder(data.bootstrapServers()).topicPrefix(prefix)
                .transactionalIdPrefix("bench-pass" + run).build();
        Topics.create(out, prefix, o.partitions());
        StreamExecutionEnvironment env = environment(o, checkpoints.resolve("pass" + run));
        PassThroughJob.build(env, data, "bench-pass-" + run, out, o.checkpointInterval(), o.outOfOrderness(), THROUGHPUT_IDLENESS,
                o.emitEvery());
        overrideLatencySettings(o, env);
        FirstRecordClock.reset();
        Optional<CpuSplit> cpu = CpuSplit.start();
        long start = System.nanoTime();
        JobExecutionResult result;
        try {
            result = env.execute("pass-through " + run);
        } finally {
            cpu.ifPresent(CpuSplit::close);
        }
        long end = System.nanoTime();
        long seen = result.<Long>getAccumulatorResult(PassThroughJob.EVENTS);
        if (seen != events) {
            throw new IllegalStateException("the pass-through job counted " + seen + " of the " + events
                    + " observations produced; the run is not comparable");
        }
        return new Throughput("pass-through keyed job, run " + run, seen, (end - FirstRecordClock.firstNanos()) / 1e9,
                (end - start) / 1e9, cpu.map(c -> c.finish(FirstRecordClock.firstNanos())).orElse(null));
    }

    /** The throughput of the model job variant the paced runs use (the unbatched one if it was not run). */
    private static double sustainable(List<ModelVariant> variants, String latencyVariant) {
        for (ModelVariant v : variants) {
            if (v.variant().equals(latencyVariant)) {
                return v.throughput().perSecond();
            }
        }
        return variants.get(0).throughput().perSecond();
    }

    private static Throughput modelJob(PipelineOptions o, KafkaSettings data, BenchModel model, Path checkpoints,
                                       int events, String variant, int index) throws Exception {
        // a group and checkpoints of its own: a variant may run twice (--batching none,java,none)
        ModelJobRun run = runModelJob(o, data, model, checkpoints.resolve("model-" + index), "bench-model-" + index,
                "forecast job, bounded, batching " + variant, o.microBatching(variant));
        if (run.events() != events) {
            throw new IllegalStateException("the model job applied, sent late or rejected " + run.events() + " of the "
                    + events + " observations produced; the run is not comparable");
        }
        return new Throughput("model job, batching " + variant, events, run.secondsFromFirstRecord(),
                run.secondsWithStartUp(), run.cpu());
    }

    /**
     * One bounded run of the forecasting job over the throughput topic, clocked from the first record
     * through the pipeline ({@link FirstRecordClock}).
     *
     * @param events observations the updater applied, sent late or rejected (its own counters)
     * @param cpu    where the machine's CPU went from the first record to the end; null where unknown
     */
    record ModelJobRun(long events, long startNanos, long firstRecordNanos, long endNanos, CpuSplit.Result cpu) {
        double secondsFromFirstRecord() {
            return (endNanos - firstRecordNanos) / 1e9;
        }

        double secondsWithStartUp() {
            return (endNanos - startNanos) / 1e9;
        }
    }

    static ModelJobRun runModelJob(PipelineOptions o, KafkaSettings data, BenchModel model, Path checkpoints,
                                   String groupId, String jobName) throws Exception {
        return runModelJob(o, data, model, checkpoints, groupId, jobName, null);
    }

    /** As above, with {@code batching} (null: none). */
    static ModelJobRun runModelJob(PipelineOptions o, KafkaSettings data, BenchModel model, Path checkpoints,
                                   String groupId, String jobName, MicroBatching batching) throws Exception {
        ForecastJobConfig config = ForecastJobConfig.defaults(data,
                        UpdaterSettings.defaults(model.modelId(), model.verifier()).withMonitor(o.monitor()))
                .withGroupId(groupId).withBounded(true)
                .withModelSource(ForecastJobConfig.ModelSource.TOPIC)
                .withEventTime(o.outOfOrderness(), THROUGHPUT_IDLENESS)
                .withCheckpoints(o.checkpointInterval(), checkpoints)
                .withStateBackend(o.stateBackend())
                .withMicroBatching(batching);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(o.parallelism(),
                CapturedMetrics.install(config.flinkConfiguration()));
        ForecastJob.build(env, config, in -> in.map(new FirstRecordClock<>()).returns(PosteriorUpdater.INPUT_TYPE)
                .name("first-record clock"));
        overrideLatencySettings(o, env);
        CapturedMetrics.reset();
        FirstRecordClock.reset();
        Optional<CpuSplit> cpu = CpuSplit.start();
        long start = System.nanoTime();
        try {
            env.execute(jobName);
        } finally {
            cpu.ifPresent(CpuSplit::close);
        }
        long end = System.nanoTime();
        long applied = CapturedMetrics.counter("observations");
        if (applied < 0) {
            throw new IllegalStateException("the updater's metrics were not captured (is META-INF/services of "
                    + CapturedMetrics.Factory.class.getName() + " on the classpath?)");
        }
        long events = applied + CapturedMetrics.counter("lateObservations")
                + CapturedMetrics.counter("rejectedObservations");
        long first = FirstRecordClock.firstNanos();
        return new ModelJobRun(events, start, first, end, cpu.map(c -> c.finish(first)).orElse(null));
    }

    /** A model job variant's run: {@code variant} is {@code none} or the batch backend's name. */
    record ModelVariant(String variant, Throughput throughput, ModelFigures figures) {
    }

    /**
     * The options' network buffer timeout and watermark interval in place of the job's own
     * ({@link ForecastJob#lowLatency}), when given; after the job is built, which sets its own.
     */
    static void overrideLatencySettings(PipelineOptions o, StreamExecutionEnvironment env) {
        if (o.bufferTimeoutMillis() >= 0) {
            env.setBufferTimeout(o.bufferTimeoutMillis());
        }
        if (o.watermarkIntervalMillis() >= 0) {
            env.getConfig().setAutoWatermarkInterval(o.watermarkIntervalMillis());
        }
    }

    /**
     * The updater's counters and histograms of the finished model job, and its committed alerts. The
     * variants write to one alerts topic, one after the other: what the earlier ones committed
     * ({@code earlier}) is read again and taken off.
     */
    private static ModelFigures modelFigures(KafkaSettings data, BenchStream stream, List<ModelVariant> earlier)
            throws InterruptedException {
        long alertsBefore = earlier.stream().mapToLong(v -> v.figures().alerts()).sum();
        int atInjectedBefore = earlier.stream().mapToInt(v -> v.figures().alertsAtInjected()).sum();
        long alerts = CapturedMetrics.counter("anomalyAlerts");
        ConcurrentLinkedQueue<AnomalyAlert> committed = new ConcurrentLinkedQueue<>();
        try (TopicFollower<AnomalyAlert> follower = new TopicFollower<>(data, OdeTopic.ALERTS, AnomalyAlert.class,
                committed::add, problem -> System.err.println("alerts follower: " + problem))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (committed.stream().filter(a -> a.getKind() == AlertKind.ANOMALY).count() < alertsBefore + alerts
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
        }
        int atInjected = 0;
        for (AnomalyAlert a : committed) {
            if (a.getKind() == AlertKind.ANOMALY
                    && stream.anomalies().contains(BenchStream.key(a.getSeriesId(), a.getEventTime().toEpochMilli()))) {
                atInjected++;
            }
        }
        return new ModelFigures(CapturedMetrics.counter("lateObservations"),
                CapturedMetrics.counter("observationsBeforeAnyModel"), CapturedMetrics.counter("solverFailures"),
                alerts, atInjected - atInjectedBefore, stream.anomalies().size(), sorted(CapturedMetrics.histogramValues("updateLatencyMicros")),
                sorted(CapturedMetrics.histogramValues("functionEvaluationsPerUpdate")));
    }

    /** The local environment of both throughput jobs: same state backend and checkpoint storage. */
    private static StreamExecutionEnvironment environment(PipelineOptions o, Path checkpointDir) {
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, o.stateBackend());
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointDir.toUri().toString());
        return StreamExecutionEnvironment.createLocalEnvironment(o.parallelism(), conf);
    }

    private static void print(Throughput t) {
        System.out.printf(Locale.ROOT, "%s: %,d events in %.2f s from the first record = %,.0f events/s "
                + "(%.2f s with start-up)%n", t.name, t.events, t.seconds, t.perSecond(), t.jobSeconds);
    }

    static String label(DeliveryGuarantee mode) {
        return mode == DeliveryGuarantee.EXACTLY_ONCE ? "exactly-once" : "at-least-once";
    }

    private static double[] sorted(long[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        Arrays.sort(out);
        return out;
    }

    static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
