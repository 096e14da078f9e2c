package io.odestream.bench;

import io.odestream.alert.AlertPolicy;
import io.odestream.alert.AlertTrack;
import java.util.Locale;
import java.util.Random;

/**
 * What the alert policy costs per observation, by configuration: {@code run}'s default (1 024 scores,
 * one test) against the NAB detector's calibration as a job can take it ({@code --alert-window 8640
 * --alert-short-window 30 --alert-value-level}, three channels). One settled series (its rings full),
 * seeded Gaussian scores and values, one thread; the same configurations in one run, so their ratios
 * hold even on a noisy machine. Only the public API: the class runs against any build's ode-core.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.odestream.bench.AlertPolicyCost
 * </pre>
 */
public final class AlertPolicyCost {
    private static final int CHANNELS = 3;
    private static final int SETTLE = 10_000;
    private static final int MEASURED = 20_000;

    private AlertPolicyCost() {
    }

    public static void main(String[] args) {
        AlertPolicy defaults = AlertPolicy.defaults();
        AlertPolicy month = defaults.withWindow(8640);
        AlertPolicy[] policies = {defaults, month, month.withShortWindow(30), month.withValueLevel(true),
            month.withShortWindow(30).withValueLevel(true)};
        String[] names = {"run's default (1 024 scores, one test)", "8 640 scores", "8 640 + short window 30",
            "8 640 + value level (3 channels)", "8 640 + short window 30 + value level (NAB's calibration)"};
        for (int round = 1; round <= 3; round++) {
            double base = Double.NaN;
            for (int p = 0; p < policies.length; p++) {
                double micros = microsPerObservation(policies[p]);
                base = p == 0 ? micros : base;
                System.out.printf(Locale.ROOT, "round %d  %-58s %7.2f µs per observation (%.1f× the default)%n",
                        round, names[p], micros, micros / base);
            }
        }
    }

    private static double microsPerObservation(AlertPolicy policy) {
        AlertTrack track = policy.newTrack();
        Random random = new Random(1);
        double[] values = new double[CHANNELS];
        long start = 0;
        for (int i = 0; i < SETTLE + MEASURED; i++) {
            if (i == SETTLE) {
                start = System.nanoTime();
            }
            double z = random.nextGaussian();
            for (int c = 0; c < CHANNELS; c++) {
                values[c] = random.nextGaussian();
            }
            policy.observe(track, i * 60_000L, 0.5 * z * z + 0.92, Math.abs(z), values, null);
        }
        return (System.nanoTime() - start) / 1e3 / MEASURED;
    }
}
