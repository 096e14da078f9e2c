package io.odestream.eval.spiral;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * The irregularly sampled spirals of Chen et al. 2018 (§5.1, Table 2), generated as torchdiffeq's
 * {@code examples/latent_ode.py} does, seeded:
 * <pre>
 *   orig_ts = linspace(0, 6π, 1000)                                    (the "angle" time axis)
 *   counter-clockwise: z = orig_ts,          r = a + b·z,      x = r cos z + 5, y = r sin z
 *   clockwise:         z = 6π + 1 − orig_ts, r = a + b·50 / z, x = r cos z − 5, y = r sin z
 *   a = 0, b = 0.3; per spiral a start index t0, the stretch traj[t0 : t0 + 100] plus N(0, 0.3²) noise
 *   observation times of the stretch: samp_ts = orig_ts[:100] (every stretch starts at time 0)
 * </pre>
 * Choices where the brief leaves room (written down so the table can be read against them):
 * <ul>
 *   <li>Orientation: exactly half of the spirals are counter-clockwise (the script draws each with
 *       probability ½); which ones is a seeded shuffle.</li>
 *   <li>Start index: uniform in [100, 800] inclusive, so that a full 100-point continuation after the
 *       stretch always exists for extrapolation (the script draws from [100, 900)).</li>
 *   <li>Time: model time = samp_ts; as {@code long} epoch milliseconds it is scaled by
 *       {@link #MILLIS_PER_TIME_UNIT} (10⁶ ms per unit), so rounding to whole milliseconds moves a
 *       time by at most 5·10⁻⁷ units (the grid step is 0.0189).</li>
 * </ul>
 */
public final class SpiralDataset {
    public static final int TOTAL_POINTS = 1000;
    public static final int STRETCH = 100;
    public static final double STOP = 6 * Math.PI;
    public static final double A = 0.0;
    public static final double B = 0.3;
    public static final double NOISE_STD = 0.3;
    /** Centre of the counter-clockwise spirals (+5, 0); the clockwise ones are centred at (−5, 0). */
    public static final double CENTRE_X = 5.0;
    public static final double MILLIS_PER_TIME_UNIT = 1e6;

    private SpiralDataset() {
    }

    /**
     * One spiral: the noise-free stretch, its noisy observations and the noise-free continuation.
     *
     * @param counterClockwise  orientation (centre +5 if true, −5 otherwise)
     * @param startIndex        t0, index of the stretch's first point in the 1000-point trajectory
     * @param timesMillis       the 100 stretch times (samp_ts in ms; starts at 0)
     * @param truth             noise-free points of the stretch, [100][2]
     * @param observed          truth + N(0, 0.3²) noise, [100][2]
     * @param continuationTimesMillis the 100 times after the stretch
     * @param continuation      noise-free points after the stretch, [100][2]
     */
    public record Spiral(boolean counterClockwise, int startIndex, long[] timesMillis, double[][] truth,
                         double[][] observed, long[] continuationTimesMillis, double[][] continuation) {

        /** The time of stretch point k on the original trajectory's axis (orig_ts[t0 + k]). */
        public double originalTime(int k) {
            return gridTime(startIndex + k);
        }

        /**
         * {@code n} of the 100 noisy observations, chosen uniformly without replacement from
         * {@code seed}, sorted by time: irregular gaps, the same subset for the same seed.
         */
        public Subsample subsample(int n, long seed) {
            if (n < 1 || n > STRETCH) {
                throw new IllegalArgumentException("n must be in [1, " + STRETCH + "], got " + n
                        + "; a spiral has " + STRETCH + " observed points");
            }
            List<Integer> all = new ArrayList<>(STRETCH);
            for (int k = 0; k < STRETCH; k++) {
                all.add(k);
            }
            Collections.shuffle(all, new Random(seed));
            int[] indices = new int[n];
            for (int i = 0; i < n; i++) {
                indices[i] = all.get(i);
            }
            Arrays.sort(indices);
            long[] times = new long[n];
            double[][] values = new double[n][];
            for (int i = 0; i < n; i++) {
                times[i] = timesMillis[indices[i]];
                values[i] = observed[indices[i]].clone();
            }
            return new Subsample(indices, times, values);
        }
    }

    /**
     * A sorted subset of a spiral's observations.
     *
     * @param indices stretch indices (0..99), strictly increasing
     * @param timesMillis their times
     * @param values their noisy values, [n][2]
     */
    public record Subsample(int[] indices, long[] timesMillis, double[][] values) {
    }

    /** {@code count} spirals (an even number: half of each orientation), reproducible from {@code seed}. */
    public static List<Spiral> generate(int count, long seed) {
        if (count < 2 || count % 2 != 0) {
            throw new IllegalArgumentException("count must be an even number >= 2 (half of the spirals turn each way), "
                    + "got " + count);
        }
        SplittableRandom random = new SplittableRandom(seed);
        boolean[] counterClockwise = new boolean[count];
        for (int i = 0; i < count / 2; i++) {
            counterClockwise[i] = true;
        }
        for (int i = count - 1; i > 0; i--) { // Fisher–Yates: which spirals turn which way
            int j = random.nextInt(i + 1);
            boolean t = counterClockwise[i];
            counterClockwise[i] = counterClockwise[j];
            counterClockwise[j] = t;
        }
        double[][] cc = trajectory(true);
        double[][] cw = trajectory(false);
        long[] stretchTimes = new long[STRETCH];
        long[] continuationTimes = new long[STRETCH];
        for (int k = 0; k < STRETCH; k++) {
            stretchTimes[k] = toMillis(gridTime(k));
            continuationTimes[k] = toMillis(gridTime(STRETCH + k));
        }
        List<Spiral> spirals = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            double[][] full = counterClockwise[i] ? cc : cw;
            int t0 = STRETCH + random.nextInt(TOTAL_POINTS - 3 * STRETCH + 1);
            double[][] truth = new double[STRETCH][];
            double[][] observed = new double[STRETCH][2];
            double[][] continuation = new double[STRETCH][];
            for (int k = 0; k < STRETCH; k++) {
                truth[k] = full[t0 + k].clone();
                observed[k][0] = truth[k][0] + NOISE_STD * random.nextGaussian();
                observed[k][1] = truth[k][1] + NOISE_STD * random.nextGaussian();
                continuation[k] = full[t0 + STRETCH + k].clone();
            }
            spirals.add(new Spiral(counterClockwise[i], t0, stretchTimes.clone(), truth, observed,
                    continuationTimes.clone(), continuation));
        }
        return spirals;
    }

    /** The full noise-free 1000-point trajectory of one orientation, [1000][2]. */
    public static double[][] trajectory(boolean counterClockwise) {
        double[][] points = new double[TOTAL_POINTS][2];
        for (int i = 0; i < TOTAL_POINTS; i++) {
            double t = gridTime(i);
            double z = counterClockwise ? t : STOP + 1 - t;
            double r = counterClockwise ? A + B * z : A + B * 50 / z;
            points[i][0] = r * Math.cos(z) + (counterClockwise ? CENTRE_X : -CENTRE_X);
            points[i][1] = r * Math.sin(z);
        }
        return points;
    }

    /** orig_ts[i] = linspace(0, 6π, 1000)[i]. */
    public static double gridTime(int i) {
        return STOP * i / (TOTAL_POINTS - 1);
    }

    public static long toMillis(double time) {
        return Math.round(time * MILLIS_PER_TIME_UNIT);
    }
}
