package io.odestream.djl;

import io.odestream.latent.FilterState;
import io.odestream.latent.LatentFilter;
import io.odestream.latent.LatentOdeModel;
import io.odestream.latent.LatentOdeSpec;
import io.odestream.latent.Prediction;
import io.odestream.nn.Activation;
import io.odestream.nn.Mlp;
import io.odestream.nn.MlpSpec;
import io.odestream.nn.NeuralVectorField;
import io.odestream.ode.control.StepControl;
import io.odestream.ode.rk.DormandPrince54;
import io.odestream.ode.rk.RungeKuttaSolver;
import java.util.Locale;
import java.util.Random;

/**
 * Forecast throughput of the latent filter, {@code java} vs {@code djl}: K keys, each with its own
 * filter state (own time) and the same Q = 4 absolute query times ("now" + 1, 5, 10, 20 s, so every
 * key has its own horizons), S = 16 posterior samples. java: {@code LatentFilter.predict} looped
 * over the keys; djl: one {@link DjlLatentPredictor#predict} for all K (K·S rows, one solve). One
 * thread each, same process. Model: a demo-sized latent ODE (C = 3, L = 8, H = 32, dynamics
 * hidden 32 tanh, dopri5 rtol 1e-5 atol 1e-7, time unit 1 s), seeded weights, random hidden states.
 *
 * <p>Then the decoder solve alone for every K (see {@link #solveOnly}): end to end, the host-side
 * mixture quantiles, identical on both sides, dominate.
 *
 * <p>Timing: one untimed call per side and K ≤ 1024 first (JIT, PyTorch allocator; for larger K
 * the agreement check's calls warmed up), then repetitions until
 * {@code MEASURE_SECONDS} have passed, at least one; the mean is reported. Also prints how far
 * apart the two sides' forecasts are (max |djl − java|/(1 + |java|) over the first 64 keys).
 *
 * <p>Run: {@code java -cp ode-djl/target/classes:$(cat ode-djl/target/runtime.classpath)
 * io.odestream.djl.DjlPredictBenchmark [device] [K ...]}.
 */
public final class DjlPredictBenchmark {
    private static final int SAMPLES = 16;
    private static final long[] HORIZONS_MILLIS = {1_000, 5_000, 10_000, 20_000};
    private static final double MEASURE_SECONDS = 2.0;
    private static final int[] DEFAULT_KEYS = {1, 64, 1024, 16384};
    static final long NOW = 1_700_000_000_000L;
    /**
     * End to end, the host's mixture quantiles (bisection on erfc, the same code on both sides) cost
     * milliseconds per key and take minutes at K = 16384 on each side; above this K only the decoder
     * solve is compared. {@code -Dbench.endToEndMaxKeys=16384} includes them.
     */
    private static final int END_TO_END_MAX_KEYS = Integer.getInteger("bench.endToEndMaxKeys", 1024);
    /** djl rows per solve ({@code -Dbench.maxRowsPerSolve=16384}); default: the whole batch in one solve. */
    private static final int MAX_ROWS_PER_SOLVE = Integer.getInteger("bench.maxRowsPerSolve", Integer.MAX_VALUE);

    private DjlPredictBenchmark() {
    }

    public static void main(String[] args) {
        DjlDevice device = device(args);
        int[] keyCounts = keyCounts(args, DEFAULT_KEYS);
        LatentOdeModel model = model();
        LatentOdeSpec spec = model.spec();
        LatentFilter java = new LatentFilter(model, "bench", 1L);
        System.out.printf(Locale.ROOT, "latent-filter predict: C=%d L=%d H=%d, dynamics hidden 32 tanh, %s rtol %.0e "
                        + "atol %.0e, S=%d samples, Q=%d query times per key (now + 1/5/10/20 s, state times up to 10 s "
                        + "before now); java: LatentFilter.predict per key, 1 thread; djl: DjlLatentPredictor, "
                        + "batched solves of <= %d rows, PyTorch %s on %s, 1+1 threads, float64%n", spec.channels(),
                spec.latent(), spec.hidden(), spec.method(), spec.rtol(), spec.atol(), SAMPLES, HORIZONS_MILLIS.length,
                MAX_ROWS_PER_SOLVE,
                DjlDevice.engine(device.isGpu()).getVersion(), device);
        System.out.printf(Locale.ROOT, "%7s %12s %12s %13s %13s %9s %10s %9s%n", "K", "java ms", "djl ms", "java keys/s",
                "djl keys/s", "djl/java", "djl NFE", "max|diff|");
        Crossover crossover = new Crossover("K");
        try (DjlLatentPredictor djl = new DjlLatentPredictor(model, "bench", 1L, device, MAX_ROWS_PER_SOLVE)) {
            for (int keys : keyCounts) {
                if (keys > END_TO_END_MAX_KEYS) {
                    continue;
                }
                FilterState[] states = states(keys, spec.hidden());
                long[][] queries = new long[keys][];
                long[] seeds = new long[keys];
                for (int k = 0; k < keys; k++) {
                    queries[k] = new long[HORIZONS_MILLIS.length];
                    for (int i = 0; i < HORIZONS_MILLIS.length; i++) {
                        queries[k][i] = NOW + HORIZONS_MILLIS[i];
                    }
                    seeds[k] = k;
                }
                long before = djl.functionEvaluations();
                Prediction[] batched = djl.predict(states, queries, SAMPLES, seeds);
                long nfe = djl.functionEvaluations() - before;
                double diff = 0;
                for (int k = 0; k < Math.min(keys, 64); k++) {
                    diff = Math.max(diff, difference(batched[k], java.predict(states[k], queries[k], SAMPLES,
                            seeds[k])));
                }
                boolean warm = keys <= 1024; // larger K: the agreement check above was the warm-up
                double javaSeconds = seconds(warm, () -> {
                    for (int k = 0; k < keys; k++) {
                        java.predict(states[k], queries[k], SAMPLES, seeds[k]);
                    }
                });
                double djlSeconds = seconds(warm, () -> djl.predict(states, queries, SAMPLES, seeds));
                double ratio = javaSeconds / djlSeconds;
                System.out.printf(Locale.ROOT, "%7d %12.2f %12.2f %13.0f %13.0f %9.2f %10d %9.1e%n", keys,
                        javaSeconds * 1e3, djlSeconds * 1e3, keys / javaSeconds, keys / djlSeconds, ratio, nfe, diff);
                crossover.measured(keys, ratio);
            }
        }
        crossover.print();
        solveOnly(model, device, keyCounts);
    }

    /**
     * The decoder solve alone, what the batching changes: java solves each key's S samples to its
     * sorted horizons (RungeKuttaSolver, shared control over the S rows, as LatentFilter does); djl
     * solves all K·S rows at once on rescaled time (DjlRowSpanSolver, worst-row RMS, as
     * DjlLatentPredictor does). Same z0 and horizons on both sides.
     */
    private static void solveOnly(LatentOdeModel model, DjlDevice device, int[] keyCounts) {
        LatentOdeSpec spec = model.spec();
        int l = spec.latent();
        MlpSpec decoderSpec = MlpSpec.of(spec.activation(), Activation.IDENTITY, l, spec.decoderDynamicsHidden()[0], l);
        NeuralVectorField javaField = new NeuralVectorField(new Mlp(decoderSpec, model.parameters(),
                "decoder.dynamics"), false);
        RungeKuttaSolver javaSolver = new RungeKuttaSolver(DormandPrince54.TABLEAU,
                StepControl.adaptive(spec.rtol(), spec.atol()).build());
        DjlRowSpanSolver djlSolver = new DjlRowSpanSolver(new DjlRungeKutta(DormandPrince54.TABLEAU,
                StepControl.adaptive(spec.rtol(), spec.atol()).norm(WorstRowRmsNorm.INSTANCE).build()));
        System.out.printf(Locale.ROOT, "%ndecoder solve only (K keys x S=%d samples, Q=%d horizons each; djl at most %d "
                + "rows per solve):%n", SAMPLES, HORIZONS_MILLIS.length, MAX_ROWS_PER_SOLVE);
        System.out.printf(Locale.ROOT, "%7s %12s %12s %13s %13s %9s %10s %10s%n", "K", "java ms", "djl ms", "java keys/s",
                "djl keys/s", "djl/java", "java NFE", "djl NFE");
        Crossover crossover = new Crossover("K");
        try (DjlMlpField djlField = new DjlMlpField(decoderSpec, model.parameters(), "decoder.dynamics", false,
                device)) {
            for (int keys : keyCounts) {
                Random random = new Random(keys);
                int rows = keys * SAMPLES;
                double[] z0 = new double[rows * l];
                for (int i = 0; i < z0.length; i++) {
                    z0[i] = random.nextGaussian();
                }
                double[][] keyTimes = new double[keys][HORIZONS_MILLIS.length];
                double[][] rowTimes = new double[rows][];
                for (int k = 0; k < keys; k++) {
                    long age = random.nextInt(10_000);
                    for (int i = 0; i < HORIZONS_MILLIS.length; i++) {
                        keyTimes[k][i] = (HORIZONS_MILLIS[i] + age) / spec.timeUnitMillis();
                    }
                    java.util.Arrays.fill(rowTimes, k * SAMPLES, (k + 1) * SAMPLES, keyTimes[k]);
                }
                long[] javaNfe = new long[1];
                Runnable javaRun = () -> {
                    long n = 0;
                    for (int k = 0; k < keys; k++) {
                        double[] block = java.util.Arrays.copyOfRange(z0, k * SAMPLES * l, (k + 1) * SAMPLES * l);
                        n += javaSolver.solve(javaField, block, SAMPLES, 0.0, keyTimes[k]).stats().evaluations();
                    }
                    javaNfe[0] = n;
                };
                long[] djlNfe = new long[1];
                int chunk = Math.max(1, MAX_ROWS_PER_SOLVE / SAMPLES) * SAMPLES;
                Runnable djlRun = () -> {
                    long n = 0;
                    for (int from = 0; from < rows; from += chunk) {
                        int to = (int) Math.min(rows, (long) from + chunk);
                        n += djlSolver.solve(djlField, device, java.util.Arrays.copyOfRange(z0, from * l, to * l),
                                to - from, new double[to - from], java.util.Arrays.copyOfRange(rowTimes, from, to))
                                .stats().evaluations();
                    }
                    djlNfe[0] = n;
                };
                boolean warm = keys <= 1024;
                double javaSeconds = seconds(warm, javaRun);
                double djlSeconds = seconds(warm, djlRun);
                double ratio = javaSeconds / djlSeconds;
                System.out.printf(Locale.ROOT, "%7d %12.2f %12.2f %13.0f %13.0f %9.2f %10d %10d%n", keys,
                        javaSeconds * 1e3, djlSeconds * 1e3, keys / javaSeconds, keys / djlSeconds, ratio, javaNfe[0],
                        djlNfe[0]);
                crossover.measured(keys, ratio);
            }
        }
        crossover.print();
    }

    /** {@code args[0]}, else the device property, else cpu. */
    static DjlDevice device(String[] args) {
        return DjlDevice.parse(args.length > 0 ? args[0] : System.getProperty(DjlDevice.DEVICE_PROPERTY, "cpu"));
    }

    /** {@code args[1..]} as key counts, else {@code defaults}. */
    static int[] keyCounts(String[] args, int[] defaults) {
        if (args.length <= 1) {
            return defaults;
        }
        int[] keys = new int[args.length - 1];
        for (int i = 1; i < args.length; i++) {
            keys[i - 1] = Integer.parseInt(args[i]);
        }
        return keys;
    }

    /** The benchmarks' demo-sized latent ODE, seeded. */
    static LatentOdeModel model() {
        return LatentOdeModel.create(LatentOdeSpec.of(3, 8, 32, new int[] {32}, new int[] {32}, 1000.0), 2024L);
    }

    /** K states with random hidden vectors (|h| ~ 0.5) and times spread over the 10 s before NOW. */
    static FilterState[] states(int keys, int hidden) {
        Random random = new Random(keys);
        FilterState[] states = new FilterState[keys];
        for (int k = 0; k < keys; k++) {
            double[] h = new double[hidden];
            for (int i = 0; i < hidden; i++) {
                h[i] = 0.5 * random.nextGaussian();
            }
            long t = NOW - random.nextInt(10_000);
            states[k] = new FilterState("bench", 1L, t - 60_000, t, h);
        }
        return states;
    }

    /** Mean seconds per call after an optional untimed call, repeated until MEASURE_SECONDS (at least once). */
    static double seconds(boolean warmUp, Runnable call) {
        if (warmUp) {
            call.run();
        }
        long start = System.nanoTime();
        long end = start + (long) (MEASURE_SECONDS * 1e9);
        int reps = 0;
        long now;
        do {
            call.run();
            reps++;
            now = System.nanoTime();
        } while (now < end);
        return (now - start) / 1e9 / reps;
    }

    private static double difference(Prediction a, Prediction b) {
        double m = 0;
        double[][][] x = {a.mean(), a.std(), a.q05(), a.q50(), a.q95()};
        double[][][] y = {b.mean(), b.std(), b.q05(), b.q50(), b.q95()};
        for (int f = 0; f < x.length; f++) {
            for (int i = 0; i < x[f].length; i++) {
                for (int j = 0; j < x[f][i].length; j++) {
                    m = Math.max(m, Math.abs(x[f][i][j] - y[f][i][j]) / (1 + Math.abs(y[f][i][j])));
                }
            }
        }
        return m;
    }
}
