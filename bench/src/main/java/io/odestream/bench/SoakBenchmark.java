package io.odestream.bench;

import io.odestream.demo.DemoSetup;
import io.odestream.job.forecast.ForecastJob;
import io.odestream.job.forecast.ForecastJobConfig;
import io.odestream.job.forecast.UpdaterSettings;
import io.odestream.kafka.KafkaSettings;
import io.odestream.kafka.OdeTopic;
import io.odestream.kafka.RecordPublisher;
import io.odestream.kafka.broker.EmbeddedKafkaBroker;
import io.odestream.schema.Observation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.common.utils.Utils;

/**
 * Load and soak, bounded (issue 19, item 5): many series at a steady rate for a fixed number of
 * events, each series active for a while and then silent, so that the job must forget it after the
 * key TTL. Run by hand; prints one line per sample and a summary:
 * <ul>
 *   <li>the series the job holds: those sent minus those its expiry forgot ({@code expiredSeries}); each
 *   held series has one expiry timer and its event-time timers, so this bounds the timers too;</li>
 *   <li>state bytes: the size on disk of the newest completed checkpoint (the heap state backend
 *   writes every key's state into each checkpoint, timers included);</li>
 *   <li>heap: used bytes right after a full GC of the JVM that runs the MiniCluster;</li>
 *   <li>throughput: observations the updater applied per second, per sample window.</li>
 * </ul>
 * Series arrive in cohorts of {@code --cohort}: each series of a cohort sends {@code --events-per-series}
 * observations, spread over the cohort's time, then falls silent for good. Event time is the wall
 * clock at sending. The values are smooth 3-channel signals with noise, not the demo's physics: the
 * run measures resources, not detection.
 *
 * <pre>
 * mvn -B -q -pl bench -am package -DskipTests
 * java --add-modules jdk.incubator.vector -Xmx3g -cp bench/target/benchmarks.jar io.odestream.bench.SoakBenchmark \
 *     --series 100000 --events-per-series 4 --rate 2500 --ttl PT10S
 * </pre>
 */
public final class SoakBenchmark {
    /** Partitions of every topic: one per subtask at the default parallelism. */
    private static final int PARTITIONS = 2;

    private SoakBenchmark() {
    }

    /** What one run is asked to do. */
    record Options(int series, int eventsPerSeries, int rate, int cohort, Duration ttl, Duration sample, int parallelism,
                   String stateBackend) {
        static Options parse(String[] args) {
            Map<String, String> given = new HashMap<>();
            for (int i = 0; i + 1 < args.length; i += 2) {
                given.put(args[i], args[i + 1]);
            }
            return new Options(Integer.parseInt(given.getOrDefault("--series", "100000")),
                    Integer.parseInt(given.getOrDefault("--events-per-series", "4")),
                    Integer.parseInt(given.getOrDefault("--rate", "2500")),
                    Integer.parseInt(given.getOrDefault("--cohort", "5000")),
                    Duration.parse(given.getOrDefault("--ttl", "PT10S")),
                    Duration.parse(given.getOrDefault("--sample", "PT10S")),
                    Integer.parseInt(given.getOrDefault("--parallelism", "2")),
                    given.getOrDefault("--state-backend", "hashmap"));
        }

        long events() {
            return (long) series * eventsPerSeries;
        }
    }

    /** One sample of the run. */
    record Sample(double seconds, long sent, long applied, double appliedPerSecond, long seriesSent, long expired,
                  long checkpointBytes, long heapBytes) {
        long held() {
            return seriesSent - expired;
        }
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        BenchModel model = BenchModel.load(null);
        System.out.printf(Locale.ROOT, "soak: %,d series x %d events = %,d events at %,d events/s, cohorts of %,d, "
                        + "ttl %s, parallelism %d, %s state; %d cores, load %.2f; model: %s%n", o.series(),
                o.eventsPerSeries(), o.events(), o.rate(), o.cohort(), o.ttl(), o.parallelism(), o.stateBackend(),
                Runtime.getRuntime().availableProcessors(), PipelineBenchmark.load(), model.description());
        Path checkpoints = Files.createTempDirectory("odestream-soak-");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            run(o, model, broker.bootstrapServers(), checkpoints);
        } finally {
            PipelineBenchmark.deleteRecursively(checkpoints);
        }
    }

    private static void run(Options o, BenchModel model, String bootstrap, Path checkpoints) throws Exception {
        KafkaSettings kafka = KafkaSettings.builder(bootstrap).topicPrefix("soak-").transactionalIdPrefix("soak")
                .build();
        Topics.create(kafka, "soak-", PARTITIONS);
        UpdaterSettings updater = UpdaterSettings.defaults(model.modelId(), model.verifier())
                .withMonitor(DemoSetup.monitorSettings()).withKeyTtl(o.ttl());
        ForecastJobConfig config = ForecastJobConfig.defaults(kafka, updater)
                .withModelSource(ForecastJobConfig.ModelSource.TOPIC)
                .withEventTime(Duration.ofSeconds(2), PipelineBenchmark.IDLENESS)
                .withCheckpoints(Duration.ofSeconds(5), checkpoints)
                .withStateBackend(o.stateBackend());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(o.parallelism(),
                CapturedMetrics.install(config.flinkConfiguration()));
        ForecastJob.build(env, config);
        CapturedMetrics.reset();

        AtomicLong sent = new AtomicLong();
        AtomicLong seriesSent = new AtomicLong();
        try (RecordPublisher publisher = new RecordPublisher(kafka)) {
            publisher.sendNow(OdeTopic.MODELS, model.artifact());
            JobClient job = env.executeAsync("soak");
            Thread producer = new Thread(() -> produce(o, publisher, sent, seriesSent), "soak-producer");
            List<Sample> samples = new ArrayList<>();
            long start = System.nanoTime();
            producer.start();
            long lastApplied = 0;
            double lastSeconds = 0;
            // sample while sending, then until every series sent has had time to expire
            long quietUntil = Long.MAX_VALUE;
            while (System.nanoTime() < quietUntil) {
                Thread.sleep(o.sample().toMillis());
                double seconds = (System.nanoTime() - start) / 1e9;
                long applied = Math.max(0, CapturedMetrics.counter("observations"));
                Sample s = new Sample(seconds, sent.get(), applied, (applied - lastApplied) / (seconds - lastSeconds),
                        seriesSent.get(), Math.max(0, CapturedMetrics.counter("expiredSeries")),
                        newestCheckpointBytes(checkpoints), heapAfterGc());
                samples.add(s);
                print(s);
                lastApplied = applied;
                lastSeconds = seconds;
                if (!producer.isAlive() && quietUntil == Long.MAX_VALUE) {
                    quietUntil = System.nanoTime() + o.ttl().multipliedBy(3).plusSeconds(10).toNanos();
                }
            }
            job.cancel().get();
            summary(o, samples);
        }
    }

    /** Cohort after cohort: every series of the cohort sends its events in rounds, then never again. */
    private static void produce(Options o, RecordPublisher publisher, AtomicLong sent, AtomicLong seriesSent) {
        SplittableRandom random = new SplittableRandom(20261206L);
        long started = System.nanoTime();
        for (int first = 0; first < o.series(); first += o.cohort()) {
            int size = Math.min(o.cohort(), o.series() - first);
            for (int round = 0; round < o.eventsPerSeries(); round++) {
                for (int i = first; i < first + size; i++) {
                    long now = System.currentTimeMillis();
                    publisher.send(OdeTopic.OBSERVATIONS, observation(i, now, random));
                    long n = sent.incrementAndGet();
                    if (round == 0) {
                        seriesSent.incrementAndGet();
                    }
                    // paced to the rate: sleep whenever ahead of it
                    long aheadNanos = n * 1_000_000_000L / o.rate() - (System.nanoTime() - started);
                    if (aheadNanos > 2_000_000) {
                        sleep(aheadNanos / 1_000_000);
                    }
                }
            }
        }
        // The last records of each series wait for event time to pass them (the out-of-orderness bound),
        // and a series with waiting records is not forgotten; with the stream over, one observation per
        // partition an hour ahead lets event time pass, as the next traffic would.
        long later = System.currentTimeMillis() + 3_600_000;
        boolean[] covered = new boolean[PARTITIONS];
        for (int i = 0, left = PARTITIONS; left > 0; i++) {
            String id = "soak-end-" + i;
            int partition = Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
            if (!covered[partition]) {
                covered[partition] = true;
                left--;
                publisher.send(OdeTopic.OBSERVATIONS, Observation.newBuilder().setSeriesId(id)
                        .setEventTime(Instant.ofEpochMilli(later)).setValues(List.of(0.0, 0.0, 0.0)).build());
                seriesSent.incrementAndGet();
            }
        }
        publisher.flush();
    }

    private static Observation observation(int series, long millis, SplittableRandom random) {
        double phase = series * 0.7;
        List<Double> values = new ArrayList<>(3);
        for (int c = 0; c < 3; c++) {
            values.add(Math.sin(2 * Math.PI * millis / 60_000.0 + phase + c) + 0.1 * random.nextGaussian());
        }
        return Observation.newBuilder().setSeriesId("soak-" + series).setEventTime(Instant.ofEpochMilli(millis))
                .setValues(values).build();
    }

    /** Bytes of the newest completed checkpoint (the chk-N directory with the highest N holding _metadata). */
    private static long newestCheckpointBytes(Path checkpoints) {
        try (Stream<Path> all = Files.walk(checkpoints, 2)) {
            Path newest = all.filter(p -> p.getFileName().toString().startsWith("chk-"))
                    .filter(p -> Files.exists(p.resolve("_metadata")))
                    .max((a, b) -> Long.compare(number(a), number(b))).orElse(null);
            if (newest == null) {
                return 0;
            }
            try (Stream<Path> files = Files.walk(newest)) {
                return files.filter(Files::isRegularFile).mapToLong(SoakBenchmark::size).sum();
            }
        } catch (IOException | UncheckedIOException e) {
            return -1; // a checkpoint deleted while we walk it (the previous one, once the next completes)
        }
    }

    private static long number(Path chk) {
        return Long.parseLong(chk.getFileName().toString().substring(4));
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    private static long heapAfterGc() {
        System.gc();
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    private static void print(Sample s) {
        System.out.printf(Locale.ROOT, "t=%5.0f s  sent %,9d  applied %,9d (%,6.0f/s)  series sent %,7d  expired %,7d  "
                        + "held %,6d  checkpoint %,8.1f KiB  heap after GC %,6.0f MiB%n", s.seconds(), s.sent(),
                s.applied(), s.appliedPerSecond(), s.seriesSent(), s.expired(), s.held(), s.checkpointBytes() / 1024.0,
                s.heapBytes() / 1048576.0);
    }

    /** The steady part: samples after the first two cohorts' TTL, while the producer still sent. */
    private static void summary(Options o, List<Sample> samples) {
        double cohortSeconds = (double) o.cohort() * o.eventsPerSeries() / o.rate();
        double steadyFrom = 2 * cohortSeconds + o.ttl().toSeconds();
        long total = o.events();
        List<Sample> steady = samples.stream().filter(s -> s.seconds() >= steadyFrom && s.sent() < total).toList();
        if (steady.isEmpty()) {
            System.out.println("no steady samples: run longer (more series) or sample more often");
            return;
        }
        Sample last = samples.get(samples.size() - 1);
        System.out.printf(Locale.ROOT, "steady (t >= %.0f s, %d samples): applied/s min %,.0f mean %,.0f max %,.0f; "
                        + "held series max %,d; checkpoint max %,.1f KiB; heap after GC min %,.0f max %,.0f MiB%n",
                steadyFrom, steady.size(), steady.stream().mapToDouble(Sample::appliedPerSecond).min().orElse(0),
                steady.stream().mapToDouble(Sample::appliedPerSecond).average().orElse(0),
                steady.stream().mapToDouble(Sample::appliedPerSecond).max().orElse(0),
                steady.stream().mapToLong(Sample::held).max().orElse(0),
                steady.stream().mapToLong(Sample::checkpointBytes).max().orElse(0) / 1024.0,
                steady.stream().mapToLong(Sample::heapBytes).min().orElse(0) / 1048576.0,
                steady.stream().mapToLong(Sample::heapBytes).max().orElse(0) / 1048576.0);
        System.out.printf(Locale.ROOT, "end: %,d of %,d events applied, %,d of %,d series expired, %,d held (the %d "
                        + "end-of-stream markers wait for event time for ever), checkpoint %,.1f KiB, heap after GC "
                        + "%,.0f MiB; solver failures %d, late %d, alerts %d%n", last.applied(), total, last.expired(),
                last.seriesSent(), last.held(), PARTITIONS, last.checkpointBytes() / 1024.0,
                last.heapBytes() / 1048576.0, CapturedMetrics.counter("solverFailures"),
                CapturedMetrics.counter("lateObservations"), CapturedMetrics.counter("anomalyAlerts"));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
