package io.odestream.bench;

import io.odestream.alert.AgeBuckets;
import io.odestream.alert.ConditionalZ;
import io.odestream.alert.PooledWarmUp;
import io.odestream.alert.WarmUpMoments;
import io.odestream.alert.ZMoments;
import io.odestream.alert.ZPool;
import io.odestream.demo.DemoModel;
import io.odestream.demo.DemoSetup;
import io.odestream.latent.LatentFilter;
import io.odestream.latent.LatentOdeModel;
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
 * <p>The next two columns do the same for the largest z of a channel given the other channels'
 * ({@link ZPool}), with the z-scores' moments pooled over an anomaly-free stream of as many other
 * series (seed + 1): what a calibration pooled across series can add by telling one channel's jump
 * from the model missing on every channel at once; the last two with the moments of the series' age
 * ({@link AgeBuckets#DEFAULT}) instead of all ages'. Before them the z-scores' RMS per age on that
 * clean stream (what the age buckets are chosen from). And what the job's policy alerts with the
 * pooled warm-up rule ({@link PooledWarmUp#DEFAULT}), with the moments of all ages only (the rule
 * before the age buckets) and with each of {@code BUCKETINGS}: the pool fed from the stream itself,
 * its anomalies included, judging once it holds enough ordinary events.
 *
 * <p>Since the model ships its warm-up moments ({@link io.odestream.latent.LatentOdeSpec#warmUp()}, the
 * bundled demo model does): "the job's policy" is the default, judged by the shipped moments from a
 * series' first score; "plain" is the same model without them (the rule before); the pooled rows pool
 * live without them (as before) and, last, the live pool refining the shipped moments
 * ({@code --alert-pooled-warmup-events 1000} with such a model). The false-alarm budget table gets a
 * column for the conditional z under the shipped moments of the series' age.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar io.odestream.bench.ColdStartSeparation \
 *     [KEYS=2000] [EVENTS_PER_KEY=8] [ANOMALY_RATE=0.05] [SEED=42] [MODEL.avro=the bundled demo model]
 * </pre>
 */
public final class ColdStartSeparation {
    private static final double[] Z_THRESHOLDS = {2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5, 6};
    /** One bucket for every age: the pooled warm-up rule before the age buckets. */
    private static final AgeBuckets ALL_AGES = new AgeBuckets(0);
    /** The age buckets the job's policy is run with: all ages in one, the product's, a finer and a coarser choice. */
    private static final AgeBuckets[] BUCKETINGS = {ALL_AGES, AgeBuckets.DEFAULT, new AgeBuckets(0, 1, 2, 3, 4, 7, 15),
        new AgeBuckets(0, 1)};
    /** The false-alarm rates (per 10 000 other events) at which each curve's share of jumps is shown. */
    private static final double[] FALSE_ALARM_BUDGETS = {0, 1, 2, 5, 10};
    /** The ages the RMS table shows one by one, the last open. */
    private static final int RMS_AGES = 16;

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
        // the same model without shipped warm-up moments: the plain rule, and the live pool on its own
        LatentFilter plainFilter = new LatentFilter(LatentOdeModel.fromArtifact(model).withWarmUp(null),
                model.getModelId(), model.getVersion());
        WarmUpMoments shipped = filter.model().spec().warmUp() == null ? null
                : filter.model().spec().warmUp().momentsFor(settings.scoreMode());
        ConditionalZ shippedConditional = new ConditionalZ(filter.model().spec().channels());
        // every clean event pooled: the offline upper reference for the shipped rule; an age bucket judges once
        // it holds the shipped rule's events (else all ages' do, as in the product): a bucket of a few events'
        // moments (the oldest ages of short series) would judge by its noise
        ZPool pooled = new ZPool(new PooledWarmUp(PooledWarmUp.DEFAULT.minEvents(), 64), true);
        pooled.scoresFrom(0, 0, 0, filter.model().spec().channels());
        int[] eachAge = new int[RMS_AGES];
        Arrays.setAll(eachAge, a -> a);
        ZPool byAge = new ZPool(new PooledWarmUp(1, 64), true, new AgeBuckets(eachAge));
        byAge.scoresFrom(0, 0, 0, filter.model().spec().channels());
        OfflineStep calibration = new OfflineStep(plainFilter, new SeriesMonitor(settings));
        for (Observation o : BenchStream.generate(keys, PipelineBenchmark.STREAM_START, Duration.ofSeconds(perKey),
                Duration.ofSeconds(1), 0, seed + 1).observations()) {
            int age = calibration.scoresHeld(o);
            SeriesMonitor.Verdict v = calibration.step(o);
            if (v.score() != null) {
                pooled.offer(v.score().zScores(), 0, false, age);
                byAge.offer(v.score().zScores(), 0, false, age);
            }
        }
        OfflineStep job = new OfflineStep(filter, new SeriesMonitor(settings));
        OfflineStep plainJob = new OfflineStep(plainFilter, new SeriesMonitor(settings));
        OfflineStep refiningJob = new OfflineStep(filter, new SeriesMonitor(settings.withPooledWarmUp(
                PooledWarmUp.DEFAULT), null, new ZPool(PooledWarmUp.DEFAULT, true, AgeBuckets.DEFAULT)));
        SeriesMonitor[] pooledMonitors = new SeriesMonitor[BUCKETINGS.length];
        OfflineStep[] pooledJobs = new OfflineStep[BUCKETINGS.length];
        for (int k = 0; k < BUCKETINGS.length; k++) {
            pooledMonitors[k] = new SeriesMonitor(settings.withPooledWarmUp(PooledWarmUp.DEFAULT), null,
                    new ZPool(PooledWarmUp.DEFAULT, true, BUCKETINGS[k]));
            pooledJobs[k] = new OfflineStep(plainFilter, pooledMonitors[k]);
        }
        double[] jumpShipped = new double[stream.size()];
        double[] otherShipped = new double[stream.size()];
        int plainAlertsAtJumps = 0;
        int plainOtherAlerts = 0;
        int refiningAlertsAtJumps = 0;
        int refiningOtherAlerts = 0;
        double[] jumpZ = new double[stream.size()];
        double[] otherZ = new double[stream.size()];
        double[] jumpConditional = new double[stream.size()];
        double[] otherConditional = new double[stream.size()];
        double[] jumpByAge = new double[stream.size()];
        double[] otherByAge = new double[stream.size()];
        int jumps = 0;
        int others = 0;
        int alertsAtJumps = 0;
        int otherAlerts = 0;
        int[] pooledAlertsAtJumps = new int[BUCKETINGS.length];
        int[] pooledOtherAlerts = new int[BUCKETINGS.length];
        boolean[] pooledAlert = new boolean[BUCKETINGS.length];
        for (Observation o : stream.observations()) {
            int age = job.scoresHeld(o);
            SeriesMonitor.Verdict v = job.step(o);
            boolean plainAlert = plainJob.step(o).raisesAlert();
            boolean refiningAlert = refiningJob.step(o).raisesAlert();
            for (int k = 0; k < BUCKETINGS.length; k++) {
                pooledAlert[k] = pooledJobs[k].step(o).raisesAlert();
            }
            if (v.score() == null) {
                continue;
            }
            double z = maxAbs(v.score().zScores());
            double conditional = pooled.judged(v.score().zScores(), z);
            double conditionalByAge = pooled.judged(v.score().zScores(), z, age);
            boolean jump = stream.anomalies().contains(BenchStream.key(o.getSeriesId(), o.getEventTime().toEpochMilli()));
            for (int k = 0; k < BUCKETINGS.length; k++) {
                (jump ? pooledAlertsAtJumps : pooledOtherAlerts)[k] += pooledAlert[k] ? 1 : 0;
            }
            double underShipped = shipped == null ? Double.NaN
                    : shipped.judged(shippedConditional, v.score().zScores(), age);
            if (Double.isNaN(underShipped)) {
                underShipped = z;
            }
            if (jump) {
                plainAlertsAtJumps += plainAlert ? 1 : 0;
                refiningAlertsAtJumps += refiningAlert ? 1 : 0;
                jumpShipped[jumps] = underShipped;
                jumpConditional[jumps] = conditional;
                jumpByAge[jumps] = conditionalByAge;
                jumpZ[jumps++] = z;
                alertsAtJumps += v.raisesAlert() ? 1 : 0;
            } else {
                plainOtherAlerts += plainAlert ? 1 : 0;
                refiningOtherAlerts += refiningAlert ? 1 : 0;
                otherShipped[others] = underShipped;
                otherConditional[others] = conditional;
                otherByAge[others] = conditionalByAge;
                otherZ[others++] = z;
                otherAlerts += v.raisesAlert() ? 1 : 0;
            }
        }
        System.out.printf(Locale.ROOT, "%,d series, %,d events (%d per series), %d injected jumps scored, %,d other "
                + "scored events%n", keys, stream.size(), perKey, jumps, others);
        System.out.printf(Locale.ROOT, "the job's policy%s: %d of %d jumps alerted (%.1f %%), %.1f false alarms per "
                + "10 000 events%n", shipped == null ? " (the model ships no warm-up moments)"
                : ", the model's shipped warm-up moments", alertsAtJumps, jumps, 100.0 * alertsAtJumps / jumps,
                1e4 * otherAlerts / others);
        System.out.printf(Locale.ROOT, "the job's policy, plain largest abs(z) (the model without shipped moments): %d of "
                + "%d jumps alerted (%.1f %%), %.1f false alarms per 10 000 events%n", plainAlertsAtJumps, jumps,
                100.0 * plainAlertsAtJumps / jumps, 1e4 * plainOtherAlerts / others);
        System.out.printf(Locale.ROOT, "the job's policy, live pool (%s) refining the shipped moments: %d of %d jumps "
                + "alerted (%.1f %%), %.1f false alarms per 10 000 events%n", AgeBuckets.DEFAULT, refiningAlertsAtJumps,
                jumps, 100.0 * refiningAlertsAtJumps / jumps, 1e4 * refiningOtherAlerts / others);
        for (int k = 0; k < BUCKETINGS.length; k++) {
            System.out.printf(Locale.ROOT, "the job's policy, pooled warm-up rule, %s: %d of %d jumps alerted "
                    + "(%.1f %%), %.1f false alarms per 10 000 events%n",
                    (BUCKETINGS[k] == ALL_AGES ? "all ages' moments only" : "age buckets " + BUCKETINGS[k])
                            + " (without shipped moments)",
                    pooledAlertsAtJumps[k], jumps, 100.0 * pooledAlertsAtJumps[k] / jumps,
                    1e4 * pooledOtherAlerts[k] / others);
        }
        System.out.println("pooled second moments E[z_i z_j], offline (clean stream) | the job's pool at the end: "
                + moments(pooled.moments()) + " | " + moments(pooledMonitors[0].pool().moments()));
        printRmsByAge(byAge, filter.model().spec().channels());
        Arrays.sort(jumpZ, 0, jumps);
        Arrays.sort(otherZ, 0, others);
        Arrays.sort(jumpConditional, 0, jumps);
        Arrays.sort(otherConditional, 0, others);
        Arrays.sort(jumpByAge, 0, jumps);
        Arrays.sort(otherByAge, 0, others);
        Arrays.sort(jumpShipped, 0, jumps);
        Arrays.sort(otherShipped, 0, others);
        System.out.println("| largest abs(z) at least | jumps above (%) | false alarms per 10 000 events "
                + "| conditional: jumps above (%) | conditional: false alarms per 10 000 "
                + "| conditional by age: jumps above (%) | conditional by age: false alarms per 10 000 |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|");
        System.out.println("| false alarms per 10 000 at most | largest abs(z): jumps above (%) at the threshold "
                + "| conditional | conditional by age | conditional, the shipped moments of the age |");
        System.out.println("|---:|---:|---:|---:|---:|");
        for (double budget : FALSE_ALARM_BUDGETS) {
            System.out.printf(Locale.ROOT, "| %.0f | %s | %s | %s | %s |%n", budget,
                    best(jumpZ, jumps, otherZ, others, budget),
                    best(jumpConditional, jumps, otherConditional, others, budget),
                    best(jumpByAge, jumps, otherByAge, others, budget),
                    shipped == null ? "—" : best(jumpShipped, jumps, otherShipped, others, budget));
        }
        for (double threshold : Z_THRESHOLDS) {
            System.out.printf(Locale.ROOT, "| %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f |%n", threshold,
                    100.0 * atLeast(jumpZ, jumps, threshold) / jumps, 1e4 * atLeast(otherZ, others, threshold) / others,
                    100.0 * atLeast(jumpConditional, jumps, threshold) / jumps,
                    1e4 * atLeast(otherConditional, others, threshold) / others,
                    100.0 * atLeast(jumpByAge, jumps, threshold) / jumps,
                    1e4 * atLeast(otherByAge, others, threshold) / others);
        }
    }

    /** The clean stream's z-scores' RMS per channel at each age (the scores the series held before). */
    private static void printRmsByAge(ZPool byAge, int channels) {
        StringBuilder header = new StringBuilder("| age (scores before) | events |");
        for (int j = 0; j < channels; j++) {
            header.append(" RMS z, channel ").append(j).append(" |");
        }
        System.out.println(header);
        System.out.println("|---:|---:|" + "---:|".repeat(channels));
        for (int age = 0; age < RMS_AGES; age++) {
            ZMoments m = byAge.moments(age);
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %d%s | %,d |", age,
                    age == RMS_AGES - 1 ? "+" : "", m.count(0, 0)));
            for (int j = 0; j < channels; j++) {
                row.append(String.format(Locale.ROOT, " %.3f |", Math.sqrt(m.moment(j, j))));
            }
            System.out.println(row);
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

    /**
     * The share of jumps at or above the lowest threshold that at most {@code budget} in 10 000 other
     * events reach (all sorted ascending), and that threshold: a point of the curve at that false-alarm rate.
     */
    private static String best(double[] jumpsSorted, int jumps, double[] othersSorted, int others, double budget) {
        int allowed = (int) (others * budget / 10_000);
        double threshold = Math.nextUp(othersSorted[others - allowed - 1]);
        return String.format(Locale.ROOT, "%.1f %% (%.2f)", 100.0 * atLeast(jumpsSorted, jumps, threshold) / jumps,
                threshold);
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
