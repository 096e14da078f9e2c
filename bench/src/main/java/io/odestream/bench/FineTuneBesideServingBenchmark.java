package io.odestream.bench;

import io.odestream.demo.DemoSetup;
import io.odestream.job.deploy.ModelDeployment;
import io.odestream.job.deploy.RegistryDeployment;
import io.odestream.job.finetune.FineTuneJob;
import io.odestream.job.finetune.FineTuneSettings;
import io.odestream.job.forecast.ForecastJob;
import io.odestream.job.forecast.UpdaterSettings;
import io.odestream.kafka.KafkaSettings;
import io.odestream.kafka.OdeTopic;
import io.odestream.kafka.RecordPublisher;
import io.odestream.kafka.broker.EmbeddedKafkaBroker;
import io.odestream.registry.ArtifactSigner;
import io.odestream.registry.ArtifactVerifier;
import io.odestream.registry.ModelRegistry;
import io.odestream.registry.RegistryConfig;
import io.odestream.registry.SigningKeys;
import io.odestream.registry.TrustedKeys;
import io.odestream.schema.Observation;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Serving throughput while fine-tuning runs beside it (fine-tuning must not starve serving): one JVM, one embedded
 * Kafka broker (child JVM), Flink's local environments.
 * <ol>
 *   <li>A {@link BenchStream} of {@code --keys} series and about {@code --events} observations is produced
 *   to an observations topic, the signed bench model to the models topic beside it.</li>
 *   <li>Baseline: the bounded model job ({@link ForecastJob}, models from the topic) alone.</li>
 *   <li>The same bounded job (fresh consumer group) while a {@link FineTuneJob} in AUTO mode runs beside
 *   it in its own local environment, on the same observations topic. The fine-tuning job starts first;
 *   the model job starts once a round has trained, and the fine-tuning job is cancelled at the first round
 *   report after the measured run (so a round in progress at its end is counted).</li>
 *   <li>Baseline again; the faster baseline is the reference (warm-up bias then favours the baseline,
 *   which makes the ratio conservative).</li>
 * </ol>
 * The fine-tuning job's registry lives on its own pair of topics: its promotions never reach the
 * serving job's models topic, so the run measures the cost of training beside serving, not the cost
 * of re-encoding every series after a model swap. A bounded topic alone would starve the rounds
 * (each round that trained clears the window reservoir, and the topic's windows last a round or two),
 * so while the fine-tuning job runs a feeder appends {@code --feed-rate} observations/s of the same
 * series' continuation to the observations topic, as a live stream would; the model job reads the ones
 * sent before its start-up, the second baseline all of them, and every run is counted in events/s.
 * Throughput is counted from the first record through the pipeline to the end of the job, as
 * {@link PipelineBenchmark} counts it. Prints a Markdown table and the rounds' timeline (it shows
 * whether training really overlapped the measured run).
 *
 * <pre>
 * mvn -B -q -pl bench -am package -DskipTests
 * java -cp bench/target/benchmarks.jar io.odestream.bench.FineTuneBesideServingBenchmark
 * java -cp bench/target/benchmarks.jar io.odestream.bench.FineTuneBesideServingBenchmark --keys 200 --events 40000
 * java -cp bench/target/benchmarks.jar io.odestream.bench.FineTuneBesideServingBenchmark --round-interval-s 15
 * </pre>
 */
public final class FineTuneBesideServingBenchmark {
    /** Both jobs' topic prefix: the fine-tuning job reads the serving job's observations topic. */
    private static final String PREFIX = "tp-";
    private static final String KEY_NAME = "bench-fine-tune";
    /** The options of {@link PipelineOptions} that mean something here; its latency options do not. */
    private static final Set<String> SHARED_OPTIONS = Set.of("--keys", "--events", "--partitions", "--parallelism",
            "--anomaly-rate", "--out-of-orderness-ms", "--checkpoint-ms", "--state-backend", "--model", "--seed");
    private static final String[] DEFAULTS = {"--keys", "200", "--events", "40000", "--latency-modes", "none"};

    /**
     * @param pipeline     stream and job settings, as {@link PipelineBenchmark} takes them
     * @param feedRate     observations/s appended to the topic while the fine-tuning job runs
     * @param readyTimeout how long the fine-tuning job may take to finish its first training round
     * @param fineTuning   rounds every {@code --round-interval-s} (default 3 s) of at most 40 iterations within
     *                     20 s, as soon as 64 training and 16 held-out windows exist
     */
    record Options(PipelineOptions pipeline, double feedRate, Duration readyTimeout, FineTuneSettings fineTuning) {
        Options {
            if (!(feedRate > 0 && feedRate <= 100_000)) {
                throw new IllegalArgumentException("--feed-rate must be in (0, 100000] observations/s, got "
                        + feedRate);
            }
            if (readyTimeout.toSeconds() < 10) {
                throw new IllegalArgumentException("--ready-timeout-s must be >= 10 s (the job starts and waits one "
                        + "round interval before its first round), got " + readyTimeout.toSeconds());
            }
        }
    }

    /** A bounded run of the model job and the window it was measured over (System.nanoTime()). */
    private record Measured(PipelineBenchmark.Throughput throughput, long fromNanos, long toNanos) {
    }

    private FineTuneBesideServingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (Arrays.asList(args).contains("--help")) {
            System.out.println(usage());
            return;
        }
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(usage());
            System.exit(2);
            return;
        }
        PipelineOptions p = o.pipeline();
        BenchModel model = BenchModel.load(p.modelFile());
        System.out.printf(Locale.ROOT, "fine-tuning beside serving: %,d keys, ~%,d events, %d partitions, model job "
                        + "parallelism %d, %s state, checkpoints every %d ms, fine-tune rounds every %.1f s, feed %.0f "
                        + "observations/s; %d cores, load %.2f%n", p.keys(), p.events(), p.partitions(), p.parallelism(),
                p.stateBackend(), p.checkpointInterval().toMillis(), o.fineTuning().roundInterval().toMillis() / 1e3,
                o.feedRate(), Runtime.getRuntime().availableProcessors(), PipelineBenchmark.load());
        System.out.println("model: " + model.description());
        Path work = Files.createTempDirectory("odestream-fine-tune-bench-");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            System.out.printf(Locale.ROOT, "embedded broker up in %.1f s at %s%n", broker.startupTime().toMillis() / 1e3,
                    broker.bootstrapServers());
            run(o, model, broker.bootstrapServers(), work);
        } finally {
            PipelineBenchmark.deleteRecursively(work);
        }
    }

    private static void run(Options o, BenchModel model, String bootstrap, Path work) throws Exception {
        PipelineOptions p = o.pipeline();
        Duration span = Duration.ofMillis(Math.round(1000.0 * p.events() / p.keys()));
        BenchStream stream = BenchStream.generate(p.keys(), PipelineBenchmark.STREAM_START, span, Duration.ofSeconds(1), p.anomalyRate(),
                p.seed());
        System.out.printf(Locale.ROOT, "stream: %,d observations of %,d series over %s of event time%n", stream.size(),
                p.keys(), span);
        KafkaSettings data = KafkaSettings.builder(bootstrap).topicPrefix(PREFIX).transactionalIdPrefix("bench-model")
                .build();
        Topics.create(data, PREFIX, p.partitions());
        try (RecordPublisher publisher = new RecordPublisher(data)) {
            publisher.send(OdeTopic.MODELS, model.artifact());
            for (Observation obs : stream.observations()) {
                publisher.send(OdeTopic.OBSERVATIONS, obs);
            }
        }
        // compiles the model code before the first run, so run 1 does not pay for it alone
        UpdaterSettings updater = UpdaterSettings.defaults(model.modelId(), model.verifier()).withMonitor(DemoSetup.monitorSettings());
        OfflineFilterCost offline = OfflineFilterCost.measure(model.artifact(), stream.observations(),
                updater.monitor().scoreMode(), updater.scoreSamples(), updater.alertPolicy(), 2000, 3000);
        System.out.printf(Locale.ROOT, "model alone, one thread, no Flink: %.0f µs/event over %,d events%n",
                offline.micros(), offline.events());
        RegistryConfig registry = registry(bootstrap, model, work.resolve("keys"));
        FineTuneRoundLog rounds = FineTuneRoundLog.install();

        Measured first = modelJob(p, data, model, work.resolve("cp1"), 1, stream.size(), stream::size);
        print("model job alone, run 1", first);

        KafkaSettings fineTuneKafka = KafkaSettings.builder(bootstrap).topicPrefix(PREFIX)
                .transactionalIdPrefix("bench-fine-tune").build();
        ModelDeployment.Factory deployment = RegistryDeployment.factory(bootstrap, registry.modelsTopic(),
                registry.servingTopic(), work.resolve("keys").toString(), KEY_NAME, work.resolve("keys").toString(),
                model.modelId(), RegistryDeployment.Mode.AUTO);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, new Configuration());
        FineTuneJob.build(env, new FineTuneJob.Config(fineTuneKafka, "bench-fine-tune", o.fineTuning(), deployment,
                p.checkpointInterval()));
        long fineTuneStart = System.nanoTime();
        JobClient fineTune = env.executeAsync("fine-tune job");
        Measured beside;
        long fed;
        // the feed runs from the fine-tuning job's start, so that windows are waiting when the rounds
        // around the measured run fire (the topic's own windows are used up by the first round or two)
        double trainerCpuSeconds;
        try (Feeder feeder = Feeder.start(data, p, PipelineBenchmark.STREAM_START + span.toMillis(), o.feedRate());
             TrainerCpu trainerCpu = TrainerCpu.start()) {
            try {
                if (!rounds.awaitTrained(1, o.readyTimeout().toMillis())) {
                    throw new IllegalStateException("the fine-tuning job trained no round within " + o.readyTimeout()
                            + " (" + rounds.reported() + " rounds reported); see its 'fine-tune round' lines above");
                }
                System.out.printf(Locale.ROOT, "fine-tuning job trained its first round %.1f s after it started; "
                        + "model job starts beside it%n", (System.nanoTime() - fineTuneStart) / 1e9);
                beside = modelJob(p, data, model, work.resolve("cp2"), 2, stream.size(),
                        () -> stream.size() + feeder.sent());
                print("model job beside the fine-tuning job", beside);
                trainerCpuSeconds = trainerCpu.cpuSecondsBetween(beside.fromNanos(), beside.toNanos());
                // a round in progress at the end of the run reports when it ends: wait for the next report,
                // so its training time is counted
                long wait = o.fineTuning().roundBudget().plus(o.fineTuning().roundInterval()).toMillis() + 15_000;
                if (!rounds.awaitReported(rounds.reported() + 1, wait)) {
                    System.out.println("no fine-tune round reported within " + wait + " ms after the run");
                }
            } finally {
                fineTune.cancel().get();
            }
            feeder.close();
            fed = feeder.sent();
        }

        long inTopic = stream.size() + fed; // the feeder is closed: everything it sent is in the topic
        Measured third = modelJob(p, data, model, work.resolve("cp3"), 3, inTopic, () -> inTopic);
        print("model job alone, run 3", third);
        report(o, stream, first, beside, third, rounds, fed, trainerCpuSeconds);
    }

    /** The fine-tuning job's registry, on its own topics, serving the bench model signed by the run's key. */
    private static RegistryConfig registry(String bootstrap, BenchModel model, Path keys) throws IOException {
        Files.createDirectories(keys);
        KeyPair pair = SigningKeys.generate();
        SigningKeys.write(pair, keys, KEY_NAME);
        RegistryConfig config = RegistryConfig.defaults(bootstrap).withTopics(PREFIX + "fine-tune-registry-models",
                PREFIX + "fine-tune-registry-serving");
        try (ModelRegistry registry = ModelRegistry.connect(config, new ArtifactVerifier(TrustedKeys.of(
                pair.getPublic())))) {
            // the same model (id, version, weights) the serving job reads from its models topic: the
            // fine-tuning job trains from the lineage that is served
            registry.publish(ArtifactSigner.of(pair).sign(model.artifact()));
            registry.promote(model.modelId(), model.artifact().getVersion(), "the model the benchmark serves");
        }
        return config;
    }

    /**
     * One bounded run of the model job with its own consumer group; it must have read at least
     * {@code minEvents} and at most {@code maxEvents} (read after the run) observations.
     */
    private static Measured modelJob(PipelineOptions p, KafkaSettings data, BenchModel model, Path checkpoints, int run,
                                     long minEvents, LongSupplier maxEvents) throws Exception {
        PipelineBenchmark.ModelJobRun r = PipelineBenchmark.runModelJob(p, data, model, checkpoints,
                "bench-model-" + run, "forecast job, bounded, run " + run);
        long max = maxEvents.getAsLong();
        if (r.events() < minEvents || r.events() > max) {
            throw new IllegalStateException("model job run " + run + " applied, sent late or rejected " + r.events()
                    + " observations; between " + minEvents + " and " + max + " were in the topic at its start-up: "
                    + "the run is not comparable");
        }
        return new Measured(new PipelineBenchmark.Throughput("model job, run " + run, r.events(),
                r.secondsFromFirstRecord(), r.secondsWithStartUp()), r.firstRecordNanos(), r.endNanos());
    }

    private static void print(String what, Measured m) {
        PipelineBenchmark.Throughput t = m.throughput();
        System.out.printf(Locale.ROOT, "%s: %,d events in %.2f s from the first record = %,.0f events/s "
                + "(%.2f s with start-up)%n", what, t.events(), t.seconds(), t.perSecond(), t.jobSeconds());
    }

    private static void report(Options o, BenchStream stream, Measured first, Measured beside, Measured third,
                               FineTuneRoundLog log, long fed, double trainerCpuSeconds) {
        PipelineOptions p = o.pipeline();
        FineTuneSettings f = o.fineTuning();
        double reference = Math.max(first.throughput().perSecond(), third.throughput().perSecond());
        List<FineTuneRoundLog.Round> before = new ArrayList<>();
        List<FineTuneRoundLog.Round> during = new ArrayList<>();
        int untrainedDuring = 0;
        double overlapSeconds = 0;
        StringBuilder timeline = new StringBuilder();
        for (FineTuneRoundLog.Round r : log.rounds()) {
            double within = r.trainingSecondsWithin(beside.fromNanos(), beside.toNanos());
            overlapSeconds += within; // one trainer subtask: rounds never overlap each other
            if (r.trained() && within > 0) {
                during.add(r);
            } else if (r.trained() && r.arrivedNanos() < beside.fromNanos()) {
                before.add(r);
            } else if (!r.trained() && r.arrivedNanos() >= beside.fromNanos() && r.arrivedNanos() <= beside.toNanos()) {
                untrainedDuring++;
            }
            timeline.append(String.format(Locale.ROOT, "%s%d %s %+.1f", timeline.isEmpty() ? "" : ", ", r.number(),
                    r.trained() ? r.decision() + String.format(Locale.ROOT, " (%.1f s training)", r.trainingSeconds())
                            : r.decision(), (r.arrivedNanos() - beside.fromNanos()) / 1e9));
        }
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.println();
        System.out.printf(Locale.ROOT, "### %s: fine-tuning beside serving, %,d keys, %,d events, %d partitions, model "
                        + "job parallelism %d, %s state, %d cores, load %.2f at the end%n%n", LocalDate.now(), p.keys(),
                stream.size(), p.partitions(), p.parallelism(), p.stateBackend(), cores, PipelineBenchmark.load());
        System.out.println("| run | events | seconds | events/s | ratio to baseline |");
        System.out.println("|---|---|---|---|---|");
        row("model job alone (baseline, run 1)", first, reference);
        row("model job + fine-tuning job beside it", beside, reference);
        row("model job alone (baseline, run 3)", third, reference);
        System.out.println();
        System.out.printf(Locale.ROOT, "- baseline: the faster of runs 1 and 3, %,.0f events/s; seconds from the "
                + "first record through the pipeline to the end of the bounded job (final checkpoint and commit "
                + "included, start-up not)%n", reference);
        System.out.printf(Locale.ROOT, "- fine-tuning during the measured run: %d rounds trained (%d published, %d "
                        + "rejected), training %.1f s of the run's %.1f s (%.0f %%, approximate: a round's training is "
                        + "taken as ending when its line is printed, after its held-out check, which is not counted); "
                        + "%d rounds without training reported during the run; %d rounds trained before the run%n",
                during.size(), during.stream().filter(FineTuneRoundLog.Round::published).count(),
                during.stream().filter(r -> !r.published()).count(), overlapSeconds, beside.throughput().seconds(),
                100 * overlapSeconds / beside.throughput().seconds(), untrainedDuring, before.size());
        System.out.printf(Locale.ROOT, "- CPU of the fine-tuning job's trainer thread (training, held-out check, "
                + "registry reads) during the measured run: %.1f s of the run's %.1f s (%.0f %% of one core, of %d)%n",
                trainerCpuSeconds, beside.throughput().seconds(),
                100 * trainerCpuSeconds / beside.throughput().seconds(), cores);
        System.out.printf(Locale.ROOT, "- rounds (number, decision, report time in s from the measured run's first "
                + "record; it ended at %+.1f): %s%n", beside.throughput().seconds(), timeline);
        System.out.printf(Locale.ROOT, "- training speed: %s windows/s in the rounds before the run (fine-tuning "
                + "alone), %s windows/s in the rounds overlapping it (rounds of at most %d iterations of %d windows "
                + "within %d s, every %.1f s, from %d training and %d held-out windows)%n", windowsPerSecond(before),
                windowsPerSecond(during), f.iterations(), f.batchSize(), f.roundBudget().toSeconds(),
                f.roundInterval().toMillis() / 1e3, f.minTrainingWindows(), f.minHeldOutWindows());
        System.out.println("- the fine-tuning job (AUTO mode, one trainer subtask, its own local environment) "
                + "deploys to a registry on its own pair of topics: its promotions do not swap the serving job's "
                + "model mid-run, which isolates the cost of training from the cost of re-encoding after a swap");
        System.out.printf(Locale.ROOT, "- a feeder appended %,d observations (%.0f/s) to the observations topic from "
                + "the fine-tuning job's start to its cancellation, so that rounds had new windows (the bounded "
                + "topic's windows last a round or two: each round that trained clears the reservoir); run 2 read "
                + "those sent before its start-up, run 3 all of them%n", fed, o.feedRate());
        System.out.printf(Locale.ROOT, "- %d cores (Runtime.availableProcessors()): on 2 cores the two jobs compete "
                + "for the same cores, so the ratio is the cost of training on this machine, not on a deployment "
                + "that gives the fine-tuning job cores of its own%n", cores);
    }

    private static void row(String name, Measured m, double reference) {
        PipelineBenchmark.Throughput t = m.throughput();
        System.out.printf(Locale.ROOT, "| %s | %,d | %.2f | %,.0f | %.2f |%n", name, t.events(), t.seconds(),
                t.perSecond(), t.perSecond() / reference);
    }

    private static String windowsPerSecond(List<FineTuneRoundLog.Round> rounds) {
        if (rounds.isEmpty()) {
            return "—";
        }
        return String.format(Locale.ROOT, "%.0f (mean of %d)",
                rounds.stream().mapToDouble(FineTuneRoundLog.Round::windowsPerSecond).average().orElseThrow(),
                rounds.size());
    }

    /** Parses the options of {@link PipelineOptions} that apply here (over this benchmark's defaults) and its own. */
    static Options parse(String[] args) {
        List<String> shared = new ArrayList<>(Arrays.asList(DEFAULTS));
        double feedRate = 500;
        Duration readyTimeout = Duration.ofSeconds(120);
        Duration roundInterval = Duration.ofSeconds(3);
        for (int i = 0; i < args.length; i += 2) {
            String name = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(name + " needs a value, see --help");
            }
            String value = args[i + 1];
            if (name.equals("--feed-rate")) {
                feedRate = number(name, value);
            } else if (name.equals("--ready-timeout-s")) {
                readyTimeout = Duration.ofSeconds((long) number(name, value));
            } else if (name.equals("--round-interval-s")) {
                double seconds = number(name, value);
                if (!(seconds >= 1 && seconds <= 600)) {
                    throw new IllegalArgumentException("--round-interval-s must be in [1, 600] s, got " + value);
                }
                roundInterval = Duration.ofMillis(Math.round(seconds * 1000));
            } else if (SHARED_OPTIONS.contains(name)) {
                shared.add(name);
                shared.add(value);
            } else {
                throw new IllegalArgumentException("unknown option '" + name + "', see --help");
            }
        }
        FineTuneSettings fineTuning = FineTuneSettings.defaults()
                .withRounds(roundInterval, Duration.ofSeconds(20), 40).withMinimumWindows(64, 16);
        return new Options(PipelineOptions.parse(shared.toArray(String[]::new)), feedRate, readyTimeout, fineTuning);
    }

    private static double number(String name, String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, got '" + value + "'", e);
        }
    }

    static String usage() {
        return String.join("\n",
                "usage: java -cp bench/target/benchmarks.jar io.odestream.bench.FineTuneBesideServingBenchmark [options]",
                "  --keys N                   series in the stream (default 200)",
                "  --events N                 observations of the stream, about (default 40000)",
                "  --feed-rate R              observations/s appended while the fine-tuning job runs (default 500)",
                "  --ready-timeout-s S        wait at most this long for the first fine-tuning round (default 120)",
                "  --round-interval-s S       processing time between fine-tuning rounds (default 3; a round longer",
                "                             than this makes the next ones fire at once, which starves the trainer's",
                "                             input on 2 cores: 15 gives rounds that train)",
                "  --partitions, --parallelism, --anomaly-rate, --out-of-orderness-ms, --checkpoint-ms,",
                "  --state-backend, --model, --seed: as PipelineBenchmark (see its --help)",
                "  --help                     this text");
    }

    /**
     * CPU time of the fine-tuning job's trainer thread (its Flink task: training is single-threaded),
     * sampled every 100 ms so that the share inside the measured run can be read after it; the round
     * reports say only when a round ended, not when its training started.
     */
    private static final class TrainerCpu implements AutoCloseable {
        private static final String TASK_NAME = "fine-tune trainer";
        private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        /** {System.nanoTime(), summed CPU nanoseconds of the trainer's threads}, in time order. */
        private final List<long[]> samples = new ArrayList<>();
        private final Thread thread;
        private volatile boolean stop;

        private TrainerCpu() {
            thread = new Thread(this::sample, "trainer cpu sampler");
            thread.setDaemon(true);
        }

        static TrainerCpu start() {
            TrainerCpu t = new TrainerCpu();
            t.thread.start();
            return t;
        }

        private void sample() {
            while (!stop) {
                long cpu = 0;
                for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
                    if (info != null && info.getThreadName().contains(TASK_NAME)) {
                        cpu += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
                    }
                }
                synchronized (samples) {
                    samples.add(new long[] {System.nanoTime(), cpu});
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /** CPU seconds of the trainer between two instants; NaN when no trainer thread was seen around them. */
        double cpuSecondsBetween(long fromNanos, long toNanos) {
            long[] from = at(fromNanos);
            long[] to = at(toNanos);
            return from == null || to == null || to[1] == 0 ? Double.NaN : (to[1] - from[1]) / 1e9;
        }

        /** The last sample at or before {@code nanos} (100 ms resolution). */
        private long[] at(long nanos) {
            synchronized (samples) {
                long[] last = null;
                for (long[] s : samples) {
                    if (s[0] > nanos) {
                        break;
                    }
                    last = s;
                }
                return last;
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.interrupt();
            thread.join();
        }
    }

    /**
     * Appends the stream's continuation (the same series, later event times) to the observations
     * topic at a fixed rate on its own thread, as a live stream would keep arriving: without it the
     * fine-tuning job runs out of new windows a round or two after it read the bounded topic.
     */
    private static final class Feeder implements AutoCloseable {
        /** Observations generated at a time, in seconds of feed; the first batch before the feed starts. */
        private static final double BATCH_SECONDS = 30;

        private final KafkaSettings data;
        private final PipelineOptions p;
        private final double rate;
        private final long batchSpanMillis;
        private final long startMillis;
        private final AtomicLong sent = new AtomicLong();
        private final Thread thread;
        private volatile boolean stop;
        private volatile RuntimeException failure;

        private Feeder(KafkaSettings data, PipelineOptions p, long startMillis, double rate) {
            this.data = data;
            this.p = p;
            this.rate = rate;
            this.startMillis = startMillis;
            // BenchStream draws one event per series and second of event time, on average
            this.batchSpanMillis = Math.max(1000, Math.round(1000.0 * rate * BATCH_SECONDS / p.keys()));
            List<Observation> firstBatch = batch(0);
            this.thread = new Thread(() -> feed(firstBatch), "observations feeder");
            thread.setDaemon(true);
        }

        static Feeder start(KafkaSettings data, PipelineOptions p, long startMillis, double rate) {
            Feeder f = new Feeder(data, p, startMillis, rate);
            f.thread.start();
            return f;
        }

        long sent() {
            return sent.get();
        }

        private List<Observation> batch(int n) {
            return BenchStream.generate(p.keys(), startMillis + n * batchSpanMillis, Duration.ofMillis(batchSpanMillis),
                    Duration.ofSeconds(1), p.anomalyRate(), p.seed() + 1 + n).observations();
        }

        private void feed(List<Observation> firstBatch) {
            try (RecordPublisher publisher = new RecordPublisher(data)) {
                long begin = System.nanoTime();
                List<Observation> next = firstBatch;
                for (int n = 1; !stop; n++) {
                    for (Observation obs : next) {
                        // the k-th observation is due k / rate seconds after the start
                        long due = begin + (long) (sent.get() * 1e9 / rate);
                        long early;
                        while (!stop && (early = due - System.nanoTime()) > 0) {
                            Thread.sleep(Math.max(1, early / 1_000_000));
                        }
                        if (stop) {
                            break;
                        }
                        publisher.send(OdeTopic.OBSERVATIONS, obs);
                        sent.incrementAndGet();
                    }
                    if (!stop) {
                        next = batch(n);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                failure = e;
            }
        }

        /** Stops the feed and waits until everything sent is acknowledged; idempotent. */
        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join();
            if (failure != null) {
                throw new IllegalStateException("the observations feeder failed: " + failure.getMessage(), failure);
            }
        }
    }
}
