package io.odestream.bench;

import io.odestream.demo.DemoModel;
import io.odestream.demo.DemoSetup;
import io.odestream.demo.DemoStream;
import io.odestream.latent.LatentFilter;
import io.odestream.latent.MonitorSettings;
import io.odestream.latent.ScoreMode;
import io.odestream.latent.SeriesMonitor;
import io.odestream.nn.FieldPrecision;
import io.odestream.nn.VectorKernels;
import io.odestream.schema.Observation;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The model's per-event work on one thread, no Flink and no Kafka (issue 21, goal 2): the demo
 * stream through the job's per-series step ({@link SeriesMonitor#step}: score, alert policy, update)
 * with the demo model and the demo's settings, once per variant of the score, the variants
 * interleaved round by round in one JVM so that each is compared with the baseline (Monte Carlo,
 * 16 samples: what the job did by default when issue 21 was measured) of the same run. Prints a Markdown table: median µs per
 * event over the rounds (min–max) of the thread's CPU time — what the step costs a core, robust to
 * the other processes of a shared machine, which wall time is not — and of wall time, vector-field
 * evaluations and bytes allocated per event (the harness's reading of each Avro observation
 * included). Each score runs with the solver's step size carried per series (the default) and
 * without ({@link LatentFilter#carryStepSizes}): fresh first-step guesses, as before issue 21's carry.
 * The job's default score and the mean's path also run on a second filter whose MLPs were built with
 * {@code odestream.fieldPrecision=float32} (forward passes in float32, {@link FieldPrecision}), unless
 * the JVM was started with that setting already (then every variant is float32, and the header says so).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar \
 *     io.odestream.bench.PerEventCostBenchmark [series] [rounds]
 * </pre>
 */
public final class PerEventCostBenchmark {
    private PerEventCostBenchmark() {
    }

    public static void main(String[] args) {
        int seriesCount = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        DemoStream stream = DemoStream.generate(DemoStream.Config.defaults().withSeries(seriesCount)
                .withSpan(Duration.ofMinutes(10)).withSeed(20240101));
        List<Observation> events = new ArrayList<>(stream.observations());
        events.sort(Comparator.comparingLong(o -> o.getEventTime().toEpochMilli()));
        MonitorSettings demo = DemoSetup.monitorSettings();
        Map<String, MonitorSettings> variants = new LinkedHashMap<>();
        Map<String, Boolean> carry = new HashMap<>();
        // the baseline stays issue 21's: Monte Carlo with K = 16, the job's default when it was measured
        MonitorSettings monteCarlo = demo.withScoreMode(ScoreMode.MONTE_CARLO);
        MonitorSettings sigmaPoints = demo.withScoreMode(ScoreMode.SIGMA_POINTS);
        String mc = "Monte Carlo, K = " + demo.scoreSamples();
        variants.put(mc + ", fresh first steps (baseline: issue 21's)", monteCarlo);
        carry.put(mc + ", fresh first steps (baseline: issue 21's)", false);
        variants.put(mc + ", carried steps", monteCarlo);
        carry.put(mc + ", carried steps", true);
        variants.put("sigma points (2L + 1 rows), fresh first steps", sigmaPoints);
        carry.put("sigma points (2L + 1 rows), fresh first steps", false);
        variants.put("sigma points, carried steps (the job's default)", sigmaPoints);
        carry.put("sigma points, carried steps (the job's default)", true);
        variants.put("sigma points along the mean's path (1 row), carried steps", demo.withScoreMode(ScoreMode.MEAN_PATH));
        carry.put("sigma points along the mean's path (1 row), carried steps", true);
        LatentFilter filter = LatentFilter.init(DemoModel.bundled());
        Map<String, LatentFilter> filters = new HashMap<>();
        for (String name : variants.keySet()) {
            filters.put(name, filter);
        }
        if (FieldPrecision.fromProperty() == FieldPrecision.FLOAT64) {
            LatentFilter float32 = withFloat32Fields();
            String sigma32 = "sigma points, carried steps, float32 forward passes";
            variants.put(sigma32, sigmaPoints);
            carry.put(sigma32, true);
            filters.put(sigma32, float32);
            String meanPath32 = "sigma points along the mean's path, carried steps, float32 forward passes";
            variants.put(meanPath32, demo.withScoreMode(ScoreMode.MEAN_PATH));
            carry.put(meanPath32, true);
            filters.put(meanPath32, float32);
        }
        Map<String, double[]> micros = new LinkedHashMap<>();
        Map<String, double[]> wall = new LinkedHashMap<>();
        Map<String, Pass> last = new HashMap<>();
        for (String name : variants.keySet()) {
            micros.put(name, new double[rounds]);
            wall.put(name, new double[rounds]);
        }
        // round 0 compiles everything and is not counted
        for (int r = -1; r < rounds; r++) {
            for (Map.Entry<String, MonitorSettings> v : variants.entrySet()) {
                LatentFilter f = filters.get(v.getKey());
                f.carryStepSizes(carry.get(v.getKey()));
                Pass p = Pass.run(f, new OfflineStep(f, new SeriesMonitor(v.getValue())), events);
                if (r >= 0) {
                    micros.get(v.getKey())[r] = p.cpuMicros();
                    wall.get(v.getKey())[r] = p.wallMicros();
                    last.put(v.getKey(), p);
                }
            }
        }
        System.out.printf("%n%d events of %d series (demo stream, seed 20240101), %s, %d rounds after one warm-up; %s%n%n",
                events.size(), seriesCount, filter.model().spec(), rounds, VectorKernels.describe());
        System.out.println("| score | CPU µs per event, median (min–max) | × baseline | wall µs per event, median "
                + "| evaluations per event | bytes allocated per event |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        double baseline = Double.NaN;
        for (Map.Entry<String, double[]> e : micros.entrySet()) {
            double[] m = e.getValue().clone();
            Arrays.sort(m);
            double median = m[m.length / 2];
            if (Double.isNaN(baseline)) {
                baseline = median;
            }
            Pass p = last.get(e.getKey());
            double[] w = wall.get(e.getKey()).clone();
            Arrays.sort(w);
            System.out.printf("| %s | %.1f (%.1f–%.1f) | %.2f | %.1f | %.1f | %,.0f |%n", e.getKey(), median, m[0],
                    m[m.length - 1], median / baseline, w[w.length / 2], p.evaluations(), p.bytes());
        }
    }

    /** The bundled demo model with its MLPs built under {@code odestream.fieldPrecision=float32}. */
    static LatentFilter withFloat32Fields() {
        String before = System.getProperty(FieldPrecision.PROPERTY);
        System.setProperty(FieldPrecision.PROPERTY, FieldPrecision.FLOAT32.propertyValue());
        try {
            return LatentFilter.init(DemoModel.bundled());
        } finally {
            if (before == null) {
                System.clearProperty(FieldPrecision.PROPERTY);
            } else {
                System.setProperty(FieldPrecision.PROPERTY, before);
            }
        }
    }

    /** One pass over the stream with fresh series: its mean CPU and wall µs, evaluations and bytes per event. */
    private record Pass(double cpuMicros, double wallMicros, double evaluations, double bytes) {
        static Pass run(LatentFilter filter, OfflineStep step, List<Observation> events) {
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long thread = Thread.currentThread().getId();
            long evaluations = filter.functionEvaluations();
            long bytes = threads.getThreadAllocatedBytes(thread);
            long cpu = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            for (Observation o : events) {
                step.step(o);
            }
            long nanos = System.nanoTime() - start;
            long cpuNanos = threads.getCurrentThreadCpuTime() - cpu;
            int n = events.size();
            return new Pass(cpuNanos / 1e3 / n, nanos / 1e3 / n,
                    (filter.functionEvaluations() - evaluations) / (double) n,
                    (threads.getThreadAllocatedBytes(thread) - bytes) / (double) n);
        }
    }
}
