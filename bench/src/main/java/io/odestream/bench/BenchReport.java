package io.odestream.bench;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs a benchmark suite and prints the ratios that matter against baselines measured in the same
 * run (Hipparchus, one-by-one solves, back-propagation), plus the ratio to torchdiffeq's figures
 * measured on this kind of machine ({@code ode-core/src/test/resources/anchors/README.md}; a different process, so
 * indicative only).
 *
 * <pre>java -cp bench/target/benchmarks.jar io.odestream.bench.BenchReport solvers|gradients</pre>
 */
public final class BenchReport {
    /** torchdiffeq 0.2.5, 1 thread, ms per dopri5 solve, rtol 1e-6 (anchors/README.md). */
    private static final Map<Integer, Double> TORCH_DOPRI5_MS = Map.of(1, 3.3, 64, 4.8, 1024, 42.9);
    /** torchdiffeq, B = 64, rk4 h = 0.05, fwd+bwd ms: {backprop, adjoint} per T. */
    private static final Map<Integer, double[]> TORCH_GRADIENT_MS =
            Map.of(1, new double[] {12.5, 32.1}, 10, new double[] {112, 274}, 100, new double[] {1458, 2851});

    private BenchReport() {
    }

    public static void main(String[] args) throws RunnerException {
        String suite = args.length > 0 ? args[0] : "solvers";
        switch (suite) {
            case "solvers" -> solvers();
            case "gradients" -> gradients();
            default -> throw new IllegalArgumentException("unknown suite '" + suite + "'; use solvers or gradients");
        }
    }

    private static void solvers() throws RunnerException {
        Map<String, Double> us = scores(run(SolverBenchmark.class.getSimpleName()));
        System.out.println();
        System.out.println("| B | odestream dopri5 µs/solve | NFE | solves/s | rows·NFE/s | torchdiffeq ms | speed-up vs torchdiffeq |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (int b : new int[] {1, 64, 1024}) {
            double ours = us.get("dopri5:" + b);
            long nfe = SolverBenchmark.evaluations(b);
            System.out.printf(Locale.ROOT, "| %d | %.1f | %d | %.0f | %.3g | %.1f | %.1f× |%n", b, ours, nfe, 1e6 / ours,
                    b * nfe * 1e6 / ours, TORCH_DOPRI5_MS.get(b), TORCH_DOPRI5_MS.get(b) * 1000 / ours);
        }
        double hip = us.get("hipparchusDormandPrince54:1");
        System.out.printf(Locale.ROOT, "%nB = 1, same run: Hipparchus DormandPrince54Integrator %.1f µs/solve, "
                + "odestream dopri5 %.1f µs: %.1f× faster%n", hip, us.get("dopri5:1"), hip / us.get("dopri5:1"));

        Map<String, Double> ms = scores(run(PerRowBenchmark.class.getSimpleName()));
        System.out.printf(Locale.ROOT, "Per-row step control, 1024 rows with Exp(1) spans: one batched solve %.2f ms, "
                + "the rows one by one %.2f ms: %.1f× faster%n", ms.get("perRowBatch"), ms.get("oneByOne"),
                ms.get("oneByOne") / ms.get("perRowBatch"));
    }

    private static void gradients() throws RunnerException {
        Collection<RunResult> results = run(GradientBenchmark.class.getSimpleName());
        System.out.println();
        System.out.println("| T | mode | kernel | fwd+bwd ms | memory MB | torchdiffeq ms | speed-up vs torchdiffeq |"
                + " Vector API vs loops |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (int t : new int[] {1, 10, 100}) {
            double[] torch = TORCH_GRADIENT_MS.get(t);
            long[] checkpointed = GradientBenchmark.checkpointedBytes(t);
            String[] modes = {"backprop", "checkpointed", "adjoint"};
            String[] memory = {String.format(Locale.ROOT, "%.1f (tape)", GradientBenchmark.tapeBytes(t) / 1e6),
                String.format(Locale.ROOT, "%.2f (%d segments: one tape) + %.2f (checkpoints)", checkpointed[0] / 1e6,
                        GradientBenchmark.segments(t), checkpointed[1] / 1e6), "0"};
            double[] torchMs = {torch[0], Double.NaN, torch[1]};
            for (int m = 0; m < modes.length; m++) {
                double loops = JmhScores.score(results, modes[m], "span", Integer.toString(t), "kernel", "loops");
                double vector = JmhScores.score(results, modes[m], "span", Integer.toString(t), "kernel", "vectorApi");
                System.out.printf(Locale.ROOT, "| %d | %s | loops | %.2f | %s | %s | %s | |%n", t, modes[m], loops,
                        memory[m], torchColumn(torchMs[m]), ratioColumn(torchMs[m], loops, false));
                System.out.printf(Locale.ROOT, "| %d | %s | Vector API | %.2f | %s | %s | %s | %.2f× |%n", t, modes[m],
                        vector, memory[m], torchColumn(torchMs[m]), ratioColumn(torchMs[m], vector, true),
                        loops / vector);
            }
        }
    }

    private static String torchColumn(double ms) {
        return Double.isNaN(ms) ? "—" : String.format(Locale.ROOT, "%.1f", ms);
    }

    private static String ratioColumn(double torchMs, double ours, boolean bold) {
        if (Double.isNaN(torchMs)) {
            return "—";
        }
        String ratio = String.format(Locale.ROOT, "%.1f×", torchMs / ours);
        return bold ? "**" + ratio + "**" : ratio;
    }

    private static Collection<RunResult> run(String benchmark) throws RunnerException {
        return new Runner(new OptionsBuilder().include(benchmark).build()).run();
    }

    /** Score per "method:param" (or "method" without parameters). */
    private static Map<String, Double> scores(Collection<RunResult> results) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (RunResult r : results) {
            String label = r.getParams().getBenchmark();
            String method = label.substring(label.lastIndexOf('.') + 1);
            String key = r.getParams().getParamsKeys().isEmpty() ? method
                    : method + ":" + r.getParams().getParam(r.getParams().getParamsKeys().iterator().next());
            out.put(key, r.getPrimaryResult().getScore());
        }
        return out;
    }
}
