package io.odestream.djl;

import io.odestream.nn.Activation;
import io.odestream.nn.NeuralVectorField;
import io.odestream.ode.Solution;
import io.odestream.ode.control.StepControl;
import io.odestream.ode.rk.DormandPrince54;
import io.odestream.ode.rk.RungeKuttaSolver;
import java.util.Locale;
import java.util.Random;

/**
 * {@code java} vs {@code djl}: a batched dopri5 forecast of B rows (D = 16, H = 64 tanh MLP,
 * t ∈ [0, 5], rtol 1e-6, atol 1e-8, shared step control), both backends on the same weights and
 * the same z0, one thread each, in this process. Prints rows·solves per second for each B, the
 * ratio djl/java, and the crossover batch size above which djl wins.
 *
 * <p>Both sides do the whole forecast a caller sees: host {@code double[]} in, {@code Solution}
 * out (so djl pays its copies in and out). Plain timed loops: a warm-up of at least
 * {@code WARMUP_SECONDS} (JIT and PyTorch's allocator), then repetitions until
 * {@code MEASURE_SECONDS} have passed (at least one), best-of not used: the mean is reported.
 *
 * <p>Run: {@code mvn -B -o -q -pl ode-djl exec:java -Dexec.mainClass=io.odestream.djl.DjlVsJavaBenchmark}
 * (see scripts/gpu-check.sh for the GPU run), or with arguments {@code [device] [B ...]}.
 */
public final class DjlVsJavaBenchmark {
    private static final int D = 16;
    private static final int H = 64;
    private static final double T1 = 5.0;
    private static final double WARMUP_SECONDS = 0.7;
    private static final double MEASURE_SECONDS = 2.0;
    private static final int[] DEFAULT_BATCHES = {1, 16, 64, 128, 256, 512, 1024, 4096, 16384};

    private DjlVsJavaBenchmark() {
    }

    public static void main(String[] args) {
        DjlDevice device = DjlDevice.parse(args.length > 0 ? args[0] : System.getProperty(DjlDevice.DEVICE_PROPERTY,
                "cpu"));
        int[] batches = DEFAULT_BATCHES;
        if (args.length > 1) {
            batches = new int[args.length - 1];
            for (int i = 1; i < args.length; i++) {
                batches[i - 1] = Integer.parseInt(args[i]);
            }
        }
        NeuralVectorField javaField = NeuralVectorField.create(D, new int[] {H}, Activation.TANH, Activation.IDENTITY,
                false, 2024L);
        StepControl control = StepControl.adaptive(1e-6, 1e-8).build();
        RungeKuttaSolver javaSolver = new RungeKuttaSolver(DormandPrince54.TABLEAU, control);
        DjlRungeKutta djlSolver = new DjlRungeKutta(DormandPrince54.TABLEAU, control);
        double[] times = {T1};

        System.out.printf(Locale.ROOT, "dopri5 forecast, D=%d H=%d tanh, t in [0, %.1f], rtol 1e-6 atol 1e-8, "
                + "shared step control; java: ode-core, 1 thread; djl: PyTorch %s on %s, 1 intra-op + 1 inter-op "
                + "thread, float64%n", D, H, T1, DjlDevice.engine(device.isGpu()).getVersion(), device);
        System.out.printf(Locale.ROOT, "%7s %6s %14s %14s %16s %16s %9s %10s%n", "B", "NFE", "java ms/solve",
                "djl ms/solve", "java rows·solve/s", "djl rows·solve/s", "djl/java", "max|diff|");
        Crossover crossover = new Crossover("B");
        try (DjlMlpField djlField = DjlMlpField.of(javaField, device)) {
            for (int b : batches) {
                double[] z0 = gaussian(b * D, b);
                Solution javaResult = javaSolver.solve(javaField, z0.clone(), b, 0.0, times);
                Solution djlResult = djlSolver.solve(djlField, device, z0.clone(), b, 0.0, times);
                double diff = maxAbsDifference(javaResult.state(0), djlResult.state(0));
                double javaSeconds = secondsPerSolve(() -> javaSolver.solve(javaField, z0.clone(), b, 0.0, times));
                double djlSeconds = secondsPerSolve(() -> djlSolver.solve(djlField, device, z0.clone(), b, 0.0, times));
                double ratio = javaSeconds / djlSeconds;
                System.out.printf(Locale.ROOT, "%7d %6d %14.3f %14.3f %16.0f %16.0f %9.2f %10.1e%n", b,
                        javaResult.stats().evaluations(), javaSeconds * 1e3, djlSeconds * 1e3, b / javaSeconds,
                        b / djlSeconds, ratio, diff);
                crossover.measured(b, ratio);
            }
        }
        crossover.print();
    }

    /** Mean seconds per solve after a warm-up, over repetitions filling MEASURE_SECONDS (at least one). */
    private static double secondsPerSolve(Runnable solve) {
        long warmEnd = System.nanoTime() + (long) (WARMUP_SECONDS * 1e9);
        do {
            solve.run();
        } while (System.nanoTime() < warmEnd);
        long start = System.nanoTime();
        long end = start + (long) (MEASURE_SECONDS * 1e9);
        int reps = 0;
        long now;
        do {
            solve.run();
            reps++;
            now = System.nanoTime();
        } while (now < end);
        return (now - start) / 1e9 / reps;
    }

    private static double[] gaussian(int n, long seed) {
        Random random = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = random.nextGaussian();
        }
        return v;
    }

    private static double maxAbsDifference(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
