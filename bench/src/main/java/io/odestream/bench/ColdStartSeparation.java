package io.odestream.bench;

import io.odestream.alert.PooledWarmUp;
import io.odestream.alert.ZMoments;
import io.odestream.alert.ZPool;
import io.odestream.demo.DemoModel;
import io.odestream.demo.DemoSetup;
import io.odestream.latent.LatentFilter;
import io.odestream.latent.MonitorSettings;
import io.odestream.latent.SeriesMonitor;
import io.odestream.model.ModelArtifacts;
import io.odestream.schema.ModelArtifact;
import io.odestream.schema.Observation;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * Cold start without Flink or Kafka (issue 17, goal 2): {@link PipelineBenchmark}'s stream of short new
 * series with injected 6–10 σ jumps, through the job's per-series step ({@link SeriesMonitor}, the
 * bench's {@link DemoSetup#monitorSettings()}, the job's seeds). It prints what the job's policy
 * alerts, and then the trade-off open to <i>any</i> rule on the score's largest |z| (a calibration
 * pooled across series included): for each threshold, the share of jumps at or above it and the
 * false alarms per 10 000 other events. If no threshold reaches 90 % of the jumps at ≤ 1 per 10 000,
 * the early predictive of the model, not the calibration, is what blinds new series.
 *
 * <p>The last two columns do the same for the largest z of a channel given the other channels'
 * ({@link ZPool}), with the z-scores' moments pooled over an anomaly-free stream of as many other
 * series (seed + 1): what a calibration pooled across series can add by telling one channel's jump
 * from the model missing on every channel at once. And what the job's policy alerts with the pooled
 * warm-up rule as it ships ({@link PooledWarmUp#DEFAULT}): the pool fed from the stream itself, its
 * anomalies included, judging once it holds enough ordinary events.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar io.odestream.bench.ColdStartSeparation \
 *     [KEYS=2000] [EVENTS_PER_KEY=8] [ANOMALY_RATE=0.05] [SEED=42] [MODEL.avro=the bundled demo model]
 * </pre>
 */
public final class ColdStartSeparation {
    private static final double[] Z_THRESHOLDS = {2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5, 6};

    private ColdStartSeparation() {
    }

    public static void main(String[] args) throws IOException {
        int keys = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int perKey = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        double rate = args.length > 2 ? Double.parseDouble(args[2]) : 0.05;
        long seed = args.length > 3 ? Long.parseLong(args[3]) : 42;
        BenchStream stream = BenchStream.generate(keys, PipelineBenchmark.STREAM_START, Duration.ofSeconds(perKey),
                Duration.ofSeconds(1), rate, seed);
        ModelArtifact model = args.length > 4 ? ModelArtifacts.read(Path.of(args[4])) : DemoModel.bundled();
        MonitorSettings settings = DemoSetup.monitorSettings().withPooledWarmUp(null);
        LatentFilter filter = LatentFilter.init(model);
        // every clean event pooled, judged from the first: the offline upper reference for the shipped rule
        ZPool pooled = new ZPool(new PooledWarmUp(1, 64), true);
        pooled.scoresFrom(0, 0, 0, filter.model().spec().channels());
        OfflineStep calibration = new OfflineStep(filter, new SeriesMonitor(settings));
        for (Observation o : BenchStream.generate(keys, PipelineBenchmark.STREAM_START, Duration.ofSeconds(perKey),
                Duration.ofSeconds(1), 0, seed + 1).observations()) {
            SeriesMonitor.Verdict v = calibration.step(o);
            if (v.score() != null) {
                pooled.offer(v.score().zScores(), 0, false);
            }
        }
        OfflineStep job = new OfflineStep(filter, new SeriesMonitor(settings));
        SeriesMonitor pooledMonitor = new SeriesMonitor(settings.withPooledWarmUp(PooledWarmUp.DEFAULT));
        OfflineStep pooledJob = new OfflineStep(filter, pooledMonitor);
        double[] jumpZ = new double[stream.size()];
        double[] otherZ = new double[stream.size()];
        double[] jumpConditional = new double[stream.size()];
        double[] otherConditional = new double[stream.size()];
        int jumps = 0;
        int others = 0;
        int alertsAtJumps = 0;
        int otherAlerts = 0;
        int pooledAlertsAtJumps = 0;
        int pooledOtherAlerts = 0;
        for (Observation o : stream.observations()) {
            SeriesMonitor.Verdict v = job.step(o);
            boolean pooledAlert = pooledJob.step(o).raisesAlert();
            if (v.score() == null) {
                continue;
            }
            double z = maxAbs(v.score().zScores());
            double conditional = pooled.judged(v.score().zScores(), z);
            if (stream.anomalies().contains(BenchStream.key(o.getSeriesId(), o.getEventTime().toEpochMilli()))) {
                jumpConditional[jumps] = conditional;
                jumpZ[jumps++] = z;
                alertsAtJumps += v.raisesAlert() ? 1 : 0;
                pooledAlertsAtJumps += pooledAlert ? 1 : 0;
            } else {
                otherConditional[others] = conditional;
                otherZ[others++] = z;
                otherAlerts += v.raisesAlert() ? 1 : 0;
                pooledOtherAlerts += pooledAlert ? 1 : 0;
            }
        }
        System.out.printf(Locale.ROOT, "%,d series, %,d events (%d per series), %d injected jumps scored, %,d other "
                + "scored events%n", keys, stream.size(), perKey, jumps, others);
        System.out.printf(Locale.ROOT, "the job's policy: %d of %d jumps alerted (%.0f %%), %.1f false alarms per 10 000 "
                + "events%n", alertsAtJumps, jumps, 100.0 * alertsAtJumps / jumps, 1e4 * otherAlerts / others);
        System.out.printf(Locale.ROOT, "the job's policy, pooled warm-up rule: %d of %d jumps alerted (%.1f %%), %.1f "
                + "false alarms per 10 000 events%n", pooledAlertsAtJumps, jumps, 100.0 * pooledAlertsAtJumps / jumps,
                1e4 * pooledOtherAlerts / others);
        System.out.println("pooled second moments E[z_i z_j], offline (clean stream) | the job's pool at the end: "
                + moments(pooled.moments()) + " | " + moments(pooledMonitor.pool().moments()));
        Arrays.sort(jumpZ, 0, jumps);
        Arrays.sort(otherZ, 0, others);
        Arrays.sort(jumpConditional, 0, jumps);
        Arrays.sort(otherConditional, 0, others);
        System.out.println("| largest abs(z) at least | jumps above (%) | false alarms per 10 000 events "
                + "| conditional: jumps above (%) | conditional: false alarms per 10 000 |");
        System.out.println("|---:|---:|---:|---:|---:|");
        for (double threshold : Z_THRESHOLDS) {
            System.out.printf(Locale.ROOT, "| %.1f | %.1f | %.1f | %.1f | %.1f |%n", threshold,
                    100.0 * atLeast(jumpZ, jumps, threshold) / jumps, 1e4 * atLeast(otherZ, others, threshold) / others,
                    100.0 * atLeast(jumpConditional, jumps, threshold) / jumps,
                    1e4 * atLeast(otherConditional, others, threshold) / others);
        }
    }

    private static String moments(ZMoments m) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < m.channels(); i++) {
            for (int j = i; j < m.channels(); j++) {
                out.append(String.format(Locale.ROOT, "%s%d%d %.3f", out.length() == 0 ? "" : ", ", i, j, m.moment(i, j)));
            }
        }
        return out + String.format(Locale.ROOT, " (%,d events)", m.count(0, 0));
    }

    private static double maxAbs(double[] z) {
        double max = 0;
        for (double v : z) {
            if (!Double.isNaN(v)) {
                max = Math.max(max, Math.abs(v));
            }
        }
        return max;
    }

    private static int atLeast(double[] sorted, int n, double threshold) {
        int i = Arrays.binarySearch(sorted, 0, n, threshold);
        int first = i >= 0 ? i : -i - 1;
        while (first > 0 && sorted[first - 1] >= threshold) {
            first--;
        }
        return n - first;
    }
}
