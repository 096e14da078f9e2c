package io.odestream.bench;

import io.odestream.alert.PooledWarmUp;
import io.odestream.demo.DemoSetup;
import io.odestream.job.forecast.ForecastJob;
import io.odestream.latent.MonitorSettings;
import io.odestream.latent.ScoreMode;
import io.odestream.job.forecast.MicroBatching;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * The command line of {@link PipelineBenchmark}: sizes, the job's event-time and checkpoint
 * settings, and the paced latency phase. Every option has a default; {@link #usage()} lists them.
 *
 * @param keys                 series (Flink keys) in the stream
 * @param events               observations in the throughput stream (about; the generator draws Poisson gaps)
 * @param partitions           partitions of every topic
 * @param parallelism          of the local Flink environment
 * @param anomalyRate          share of events (after each series' third) given a 6–10 σ jump on one channel
 * @param outOfOrderness       the watermark's out-of-orderness bound (events wait this long for the watermark)
 * @param checkpointInterval   of the throughput runs (exactly-once sinks commit at checkpoints)
 * @param stateBackend         "hashmap" or "rocksdb", for both jobs
 * @param emitEvery            the pass-through job writes one record per series every this many events
 * @param latencySeconds       measured window of each paced latency run
 * @param latencyWarmupSeconds paced events before the window (not measured: JIT, first fetches)
 * @param latencyLoad          paced rate as a share of the model job's measured throughput
 * @param latencyRate          paced rate in events/s; 0 = {@code latencyLoad} × the measured throughput
 * @param latencyCheckpoint    checkpoint interval of the paced runs (bounds exactly-once output latency)
 * @param latencyModes         delivery guarantees of the paced runs, in order; empty = no latency phase
 * @param latencyAnomalyRate   {@code anomalyRate} of the paced streams: higher, because each alert is a latency
 *                             sample and a paced series has only a few events
 * @param modelFile            a model artifact to serve instead of the bundled demo model; null = bundled
 * @param seed                 everything random in the generated streams
 * @param skipThroughput       run the latency phase only (then {@code latencyRate} must be given)
 * @param batching             the model job's variants, each run on the throughput topic in this order:
 *                             {@code none} (each record applied as it falls due) or a batch backend's name
 *                             ({@code java}, {@code djl}: micro-batches across series); a variant may be named
 *                             twice, e.g. {@code none,java,none}, to see what the order of the runs does
 * @param batchRows            a micro-batch runs when it holds this many records ...
 * @param batchDelay           ... or when its oldest has waited this long
 * @param latencyBatching      the variant of the paced latency runs ({@code none} or a backend's name)
 * @param bufferTimeoutMillis  the network buffer timeout of every job, in place of the job's own ({@code
 *                             ForecastJob.BUFFER_TIMEOUT}; -1: the job's own): how long a partly filled buffer
 *                             waits before it is sent downstream (Flink's default: 100 ms)
 * @param latencyKeys          at most this many series in the paced runs (0: {@code keys}); fewer series get more
 *                             events each, past the alert policy's warm-up, so more injected jumps are alerted and
 *                             timed
 * @param latencyJumpScale     the paced runs' injected jumps are this many times 6–10 σ: each alert is a latency
 *                             sample, and the bundled model alerts few 6–10 σ jumps (bench/README.md, cold start)
 * @param watermarkIntervalMillis the sources' watermark interval, in place of the job's own ({@code
 *                             ForecastJob.WATERMARK_INTERVAL}; -1: the job's own; Flink's default: 200 ms)
 * @param pooledWarmUpEvents   the pooled warm-up rule of the alert policy (issue 17; {@code run
 *                             --alert-pooled-warmup-events}) once this many events are pooled; 0 = off, the default
 * @param scoreMode            how the model jobs' scores integrate the posterior ({@code run --score-mode}; default
 *                             the job's, sigma points)
 */
record PipelineOptions(int keys, int events, int partitions, int parallelism, double anomalyRate,
                       Duration outOfOrderness, Duration checkpointInterval, String stateBackend, int emitEvery,
                       int latencySeconds, int latencyWarmupSeconds, double latencyLoad, double latencyRate,
                       Duration latencyCheckpoint, List<DeliveryGuarantee> latencyModes, double latencyAnomalyRate,
                       Path modelFile, long seed, boolean skipThroughput, List<String> batching, int batchRows,
                       Duration batchDelay, String latencyBatching, long bufferTimeoutMillis,
                       long watermarkIntervalMillis, int latencyKeys, double latencyJumpScale,
                       int pooledWarmUpEvents, ScoreMode scoreMode) {
    /** The model job variant without micro-batching. */
    static final String UNBATCHED = "none";

    PipelineOptions {
        require(keys >= 1, "--keys must be >= 1, got " + keys);
        require(events >= 2L * keys, "--events must be at least 2 x --keys (" + 2L * keys + ") so that every series "
                + "has a few events, got " + events);
        require(partitions >= 1, "--partitions must be >= 1, got " + partitions);
        require(parallelism >= 1, "--parallelism must be >= 1, got " + parallelism);
        require(anomalyRate >= 0 && anomalyRate < 0.5, "--anomaly-rate must be in [0, 0.5), got " + anomalyRate);
        require(!outOfOrderness.isNegative(), "--out-of-orderness-ms must be >= 0");
        require(checkpointInterval.toMillis() >= 100, "--checkpoint-ms must be >= 100");
        require("hashmap".equals(stateBackend) || "rocksdb".equals(stateBackend),
                "--state-backend must be hashmap or rocksdb, got '" + stateBackend + "'");
        require(emitEvery >= 1, "--emit-every must be >= 1, got " + emitEvery);
        require(latencySeconds >= 1, "--latency-seconds must be >= 1, got " + latencySeconds);
        require(latencyWarmupSeconds >= 0, "--latency-warmup-seconds must be >= 0, got " + latencyWarmupSeconds);
        require(latencyLoad > 0 && latencyLoad <= 2, "--latency-load must be in (0, 2], got " + latencyLoad);
        require(latencyRate >= 0, "--latency-rate must be >= 0 (0 = from --latency-load), got " + latencyRate);
        require(latencyCheckpoint.toMillis() >= 100, "--latency-checkpoint-ms must be >= 100");
        latencyModes = List.copyOf(latencyModes);
        require(latencyAnomalyRate >= 0 && latencyAnomalyRate < 0.5,
                "--latency-anomaly-rate must be in [0, 0.5), got " + latencyAnomalyRate);
        require(!skipThroughput || (latencyRate > 0 && !latencyModes.isEmpty()),
                "--skip-throughput measures latency only: give --latency-rate (events/s) and not --latency-modes none");
        batching = List.copyOf(batching);
        require(!batching.isEmpty(), "--batching needs at least one variant: none, java or djl");
        require(batchRows >= 1, "--batch-rows must be >= 1, got " + batchRows);
        require(batchDelay.toMillis() >= 1, "--batch-delay-ms must be >= 1");
        require(bufferTimeoutMillis >= -1, "--buffer-timeout-ms must be >= 0, or -1 for the job's own");
        require(watermarkIntervalMillis >= -1 && watermarkIntervalMillis != 0,
                "--watermark-interval-ms must be > 0, or -1 for the job's own");
        require(latencyKeys >= 0, "--latency-keys must be >= 0 (0: --keys), got " + latencyKeys);
        require(latencyJumpScale >= 1, "--latency-jump-scale must be >= 1, got " + latencyJumpScale);
        require(pooledWarmUpEvents >= 0, "--alert-pooled-warmup-events must be >= 0 (0 = off), got "
                + pooledWarmUpEvents);
        require(scoreMode != null, "--score-mode is required");
    }

    /** The demo's alert settings the job runs with, the pooled warm-up rule on when asked for, in the score mode asked for. */
    MonitorSettings monitor() {
        MonitorSettings demo = DemoSetup.monitorSettings().withScoreMode(scoreMode);
        return pooledWarmUpEvents == 0 ? demo
                : demo.withPooledWarmUp(PooledWarmUp.DEFAULT.withMinEvents(pooledWarmUpEvents));
    }

    /** The series of the paced runs, at most. */
    int pacedKeys() {
        return latencyKeys == 0 ? keys : latencyKeys;
    }

    /** The micro-batching of a model job variant; null for {@link #UNBATCHED}. */
    MicroBatching microBatching(String variant) {
        return UNBATCHED.equals(variant) ? null : new MicroBatching(variant, "cpu", batchRows, batchDelay);
    }

    static PipelineOptions defaults() {
        return new PipelineOptions(10_000, 200_000, 4, 2, 0.005, Duration.ofSeconds(1), Duration.ofSeconds(10),
                "hashmap", 10, 30, 5, 0.5, 0, Duration.ofSeconds(1),
                List.of(DeliveryGuarantee.AT_LEAST_ONCE, DeliveryGuarantee.EXACTLY_ONCE), 0.02, null, 20261201L, false,
                List.of(UNBATCHED, "java"), 1024, Duration.ofMillis(20), UNBATCHED, -1, -1, 0, 1, 0,
                DemoSetup.monitorSettings().scoreMode());
    }

    static String usage() {
        PipelineOptions d = defaults();
        return String.join("\n",
                "usage: java -cp bench/target/benchmarks.jar io.odestream.bench.PipelineBenchmark [options]",
                "  --keys N                   series in the stream (default " + d.keys + ")",
                "  --events N                 observations of the throughput runs, about (default " + d.events + ")",
                "  --partitions N             partitions of every topic (default " + d.partitions + ")",
                "  --parallelism N            of the local Flink environment (default " + d.parallelism + ")",
                "  --anomaly-rate X           share of events with an injected jump (default " + d.anomalyRate + ")",
                "  --out-of-orderness-ms MS   watermark bound; events wait this long (default "
                        + d.outOfOrderness.toMillis() + ")",
                "  --checkpoint-ms MS         checkpoint interval of the throughput runs (default "
                        + d.checkpointInterval.toMillis() + ")",
                "  --state-backend B          hashmap | rocksdb (default " + d.stateBackend + ")",
                "  --emit-every N             pass-through: one output record per series every N events (default "
                        + d.emitEvery + ")",
                "  --latency-seconds S        measured window of each paced run (default " + d.latencySeconds + ")",
                "  --latency-warmup-seconds S paced but not measured, before the window (default "
                        + d.latencyWarmupSeconds + ")",
                "  --latency-load X           paced rate = X * the model job's throughput (default "
                        + d.latencyLoad + ")",
                "  --latency-rate R           paced rate in events/s, overrides --latency-load",
                "  --latency-checkpoint-ms MS checkpoint interval of the paced runs (default "
                        + d.latencyCheckpoint.toMillis() + ")",
                "  --latency-modes LIST       at-least-once,exactly-once | none (default at-least-once,exactly-once)",
                "  --latency-anomaly-rate X   share of paced events with a jump (default " + d.latencyAnomalyRate + ")",
                "  --model FILE               serve this artifact (3 channels) instead of the bundled demo model",
                "  --seed N                   of the generated streams (default " + d.seed + ")",
                "  --skip-throughput          latency runs only (needs --latency-rate)",
                "  --batching LIST            model job variants, in order: none (unbatched) and/or a batch backend,",
                "                             java or djl (default " + String.join(",", d.batching) + ")",
                "  --batch-rows N             a micro-batch runs at this many records (default " + d.batchRows + ")",
                "  --batch-delay-ms MS        ... or when its oldest waited this long (default "
                        + d.batchDelay.toMillis() + ")",
                "  --latency-batching V       variant of the paced runs: none or a backend (default "
                        + d.latencyBatching + ")",
                "  --buffer-timeout-ms MS     network buffer timeout of every job (default: the job's own, "
                        + ForecastJob.BUFFER_TIMEOUT.toMillis() + "; Flink's: 100)",
                "  --latency-keys N           at most N series in the paced runs (default: --keys)",
                "  --latency-jump-scale X     paced runs' jumps are X times 6-10 sigma (default 1)",
                "  --watermark-interval-ms MS the sources' watermark interval (default: the job's own, "
                        + ForecastJob.WATERMARK_INTERVAL.toMillis() + "; Flink's: 200)",
                "  --alert-pooled-warmup-events N  the alert policy's pooled warm-up rule once N events are",
                "                             pooled (as run's option; default 0 = off: the model's shipped",
                "                             warm-up moments judge, if it ships them)",
                "  --score-mode M             monte-carlo, sigma-points or mean-path (as run's option; default "
                        + d.scoreMode.optionName() + ")",
                "  --help                     this text");
    }

    /** Parses {@code args} over the defaults. */
    static PipelineOptions parse(String[] args) {
        PipelineOptions o = defaults();
        int keys = o.keys;
        int events = o.events;
        int partitions = o.partitions;
        int parallelism = o.parallelism;
        double anomalyRate = o.anomalyRate;
        Duration outOfOrderness = o.outOfOrderness;
        Duration checkpoint = o.checkpointInterval;
        String backend = o.stateBackend;
        int emitEvery = o.emitEvery;
        int latencySeconds = o.latencySeconds;
        int latencyWarmup = o.latencyWarmupSeconds;
        double latencyLoad = o.latencyLoad;
        double latencyRate = o.latencyRate;
        Duration latencyCheckpoint = o.latencyCheckpoint;
        List<DeliveryGuarantee> modes = o.latencyModes;
        double latencyAnomalyRate = o.latencyAnomalyRate;
        Path model = o.modelFile;
        long seed = o.seed;
        boolean skipThroughput = o.skipThroughput;
        List<String> batching = o.batching;
        int batchRows = o.batchRows;
        Duration batchDelay = o.batchDelay;
        String latencyBatching = o.latencyBatching;
        long bufferTimeout = o.bufferTimeoutMillis;
        long watermarkInterval = o.watermarkIntervalMillis;
        int latencyKeys = o.latencyKeys;
        double latencyJumpScale = o.latencyJumpScale;
        int pooledWarmUpEvents = o.pooledWarmUpEvents;
        ScoreMode scoreMode = o.scoreMode;
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (name.equals("--skip-throughput")) {
                skipThroughput = true;
                continue;
            }
            if (!name.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + name + "'; options start with --, see --help");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(name + " needs a value, see --help");
            }
            String value = args[++i];
            switch (name) {
                case "--keys" -> keys = integer(name, value);
                case "--events" -> events = integer(name, value);
                case "--partitions" -> partitions = integer(name, value);
                case "--parallelism" -> parallelism = integer(name, value);
                case "--anomaly-rate" -> anomalyRate = number(name, value);
                case "--out-of-orderness-ms" -> outOfOrderness = Duration.ofMillis(integer(name, value));
                case "--checkpoint-ms" -> checkpoint = Duration.ofMillis(integer(name, value));
                case "--state-backend" -> backend = value;
                case "--emit-every" -> emitEvery = integer(name, value);
                case "--latency-seconds" -> latencySeconds = integer(name, value);
                case "--latency-warmup-seconds" -> latencyWarmup = integer(name, value);
                case "--latency-load" -> latencyLoad = number(name, value);
                case "--latency-rate" -> latencyRate = number(name, value);
                case "--latency-checkpoint-ms" -> latencyCheckpoint = Duration.ofMillis(integer(name, value));
                case "--latency-modes" -> modes = modes(value);
                case "--latency-anomaly-rate" -> latencyAnomalyRate = number(name, value);
                case "--model" -> model = Path.of(value);
                case "--seed" -> seed = (long) number(name, value);
                case "--batching" -> batching = List.of(value.split(","));
                case "--batch-rows" -> batchRows = integer(name, value);
                case "--batch-delay-ms" -> batchDelay = Duration.ofMillis(integer(name, value));
                case "--latency-batching" -> latencyBatching = value;
                case "--buffer-timeout-ms" -> bufferTimeout = integer(name, value);
                case "--watermark-interval-ms" -> watermarkInterval = integer(name, value);
                case "--latency-keys" -> latencyKeys = integer(name, value);
                case "--latency-jump-scale" -> latencyJumpScale = number(name, value);
                case "--alert-pooled-warmup-events" -> pooledWarmUpEvents = integer(name, value);
                case "--score-mode" -> scoreMode = scoreMode(name, value);
                default -> throw new IllegalArgumentException("unknown option '" + name + "', see --help");
            }
        }
        return new PipelineOptions(keys, events, partitions, parallelism, anomalyRate, outOfOrderness, checkpoint,
                backend, emitEvery, latencySeconds, latencyWarmup, latencyLoad, latencyRate, latencyCheckpoint, modes,
                latencyAnomalyRate, model, seed, skipThroughput, batching, batchRows, batchDelay, latencyBatching,
                bufferTimeout, watermarkInterval, latencyKeys, latencyJumpScale, pooledWarmUpEvents, scoreMode);
    }

    private static ScoreMode scoreMode(String name, String value) {
        try {
            return ScoreMode.fromOptionName(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
    }

    private static List<DeliveryGuarantee> modes(String value) {
        List<DeliveryGuarantee> out = new ArrayList<>();
        if (value.equals("none")) {
            return out;
        }
        for (String m : value.split(",")) {
            out.add(switch (m.trim().toLowerCase(Locale.ROOT)) {
                case "exactly-once" -> DeliveryGuarantee.EXACTLY_ONCE;
                case "at-least-once" -> DeliveryGuarantee.AT_LEAST_ONCE;
                default -> throw new IllegalArgumentException("--latency-modes: '" + m
                        + "' is not exactly-once or at-least-once (or give none)");
            });
        }
        return out;
    }

    private static int integer(String name, String value) {
        try {
            return Integer.parseInt(value.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, got '" + value + "'", e);
        }
    }

    private static double number(String name, String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, got '" + value + "'", e);
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
