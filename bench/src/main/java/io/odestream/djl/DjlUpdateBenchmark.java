package io.odestream.djl;

import io.odestream.latent.BatchUpdater;
import io.odestream.latent.FilterBatchUpdater;
import io.odestream.latent.FilterState;
import io.odestream.latent.LatentFilter;
import io.odestream.latent.LatentOdeModel;
import io.odestream.latent.LatentOdeSpec;
import io.odestream.latent.ObservationUpdate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Throughput of the streaming job's micro-batched updates, {@code java} vs {@code djl}: K series,
 * each with its own filter state (own time, up to 10 s before "now") and one observation at "now"
 * (3 channels, one in five missing), scored with S = 16 posterior samples and then absorbed — what
 * {@code PosteriorUpdater} hands to its backend per round. java: {@link FilterBatchUpdater} (the JVM
 * filter row by row); djl: {@link DjlBatchUpdater} (one decode solve for the scores, one per-row-span
 * encoder solve, one GRU step). Same model and timing as {@link DjlPredictBenchmark}.
 *
 * <p>Run: {@code java -cp ode-djl/target/classes:$(cat ode-djl/target/runtime.classpath)
 * io.odestream.djl.DjlUpdateBenchmark [device] [K ...]}.
 */
public final class DjlUpdateBenchmark {
    private static final int SAMPLES = 16;
    private static final int[] DEFAULT_KEYS = {1, 64, 1024, 4096};

    private DjlUpdateBenchmark() {
    }

    public static void main(String[] args) {
        DjlDevice device = DjlPredictBenchmark.device(args);
        int[] keyCounts = DjlPredictBenchmark.keyCounts(args, DEFAULT_KEYS);
        LatentOdeModel model = DjlPredictBenchmark.model();
        LatentOdeSpec spec = model.spec();
        var artifact = model.toArtifact("bench", 1L, null, java.util.Map.of(), java.util.Map.of());
        BatchUpdater java = new FilterBatchUpdater(LatentFilter.init(artifact));
        System.out.printf(Locale.ROOT, "latent-filter score + update: C=%d L=%d H=%d, %s rtol %.0e, S=%d samples; "
                        + "java: FilterBatchUpdater, 1 thread; djl: DjlBatchUpdater, PyTorch %s on %s, float64%n",
                spec.channels(), spec.latent(), spec.hidden(), spec.method(), spec.rtol(), SAMPLES,
                DjlDevice.engine(device.isGpu()).getVersion(), device);
        System.out.printf(Locale.ROOT, "%7s %12s %12s %13s %13s %9s %12s%n", "K", "java ms", "djl ms", "java keys/s",
                "djl keys/s", "djl/java", "max|diff|");
        Crossover crossover = new Crossover("K");
        try (DjlBatchUpdater djl = new DjlBatchUpdater(artifact, device)) {
            for (int keys : keyCounts) {
                List<ObservationUpdate> updates = updates(keys, spec.hidden());
                BatchUpdater.Outcome[] a = java.scoreAndUpdate(updates);
                BatchUpdater.Outcome[] b = djl.scoreAndUpdate(updates);
                double diff = 0;
                for (int k = 0; k < keys; k++) {
                    double[] x = a[k].next().hidden();
                    double[] y = b[k].next().hidden();
                    for (int i = 0; i < x.length; i++) {
                        diff = Math.max(diff, Math.abs(x[i] - y[i]) / (1 + Math.abs(x[i])));
                    }
                    double s = a[k].score().negativeLogDensity(); // NaN for a row with every channel missing
                    double t = b[k].score().negativeLogDensity();
                    if (Double.isNaN(s) != Double.isNaN(t)) {
                        throw new IllegalStateException("row " + k + ": java score " + s + ", djl " + t);
                    }
                    if (!Double.isNaN(s)) {
                        diff = Math.max(diff, Math.abs(s - t) / (1 + Math.abs(s)));
                    }
                }
                double javaSeconds = DjlPredictBenchmark.seconds(false, () -> java.scoreAndUpdate(updates));
                double djlSeconds = DjlPredictBenchmark.seconds(false, () -> djl.scoreAndUpdate(updates));
                double ratio = javaSeconds / djlSeconds;
                System.out.printf(Locale.ROOT, "%7d %12.2f %12.2f %13.0f %13.0f %9.2f %12.1e%n", keys,
                        javaSeconds * 1e3, djlSeconds * 1e3, keys / javaSeconds, keys / djlSeconds, ratio, diff);
                crossover.measured(keys, ratio);
            }
        }
        crossover.print();
    }

    /** One scored observation per series at NOW, after its state's time. */
    private static List<ObservationUpdate> updates(int keys, int hidden) {
        FilterState[] states = DjlPredictBenchmark.states(keys, hidden);
        Random random = new Random(keys + 1);
        List<ObservationUpdate> out = new ArrayList<>(keys);
        for (int k = 0; k < keys; k++) {
            double[] values = new double[3];
            boolean[] mask = new boolean[3];
            for (int j = 0; j < 3; j++) {
                values[j] = random.nextGaussian();
                mask[j] = random.nextInt(5) > 0;
            }
            out.add(new ObservationUpdate(states[k], DjlPredictBenchmark.NOW, values, mask, SAMPLES, k));
        }
        return out;
    }
}
