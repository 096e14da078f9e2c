package io.odestream.eval.spiral;

import io.odestream.eval.spiral.SpiralDataset.Spiral;
import io.odestream.eval.spiral.SpiralDataset.Subsample;
import java.util.Arrays;
import java.util.List;

/**
 * The table's metric, "predictive RMSE on the test set", defined exactly:
 * <ol>
 *   <li>each test spiral i is subsampled to n points with seed {@code seed + i}
 *       ({@link Spiral#subsample});</li>
 *   <li>the model is conditioned, causally, on the first ⌊n/2⌋ of them (noisy values);</li>
 *   <li>it predicts its mean at every one of the 100 stretch times strictly after the last
 *       conditioning point (observed or not: the held-back points);</li>
 *   <li>RMSE = √( mean over all test spirals, query times and both coordinates of
 *       (prediction − noise-free truth)² ).</li>
 * </ol>
 * The paper's RMSE is against the true trajectory of the predicted points; conditioning on the
 * first half and scoring the rest makes it a forecast of held-back points, which the causal
 * filter can answer without seeing them.
 */
public final class PredictiveRmse {

    /** A trained model's predictive mean at {@code queryTimesMillis} given the conditioning observations. */
    @FunctionalInterface
    public interface Forecaster {
        /** @return mean[query][2] */
        double[][] predict(long[] conditionTimesMillis, double[][] conditionValues, long[] queryTimesMillis);
    }

    private PredictiveRmse() {
    }

    /** Conditioning points of a subsample of n: the first ⌊n/2⌋ (at least one). */
    public static int conditioningCount(int n) {
        return Math.max(1, n / 2);
    }

    public static double of(List<Spiral> test, int n, long seed, Forecaster forecaster) {
        if (test == null || test.isEmpty()) {
            throw new IllegalArgumentException("test must hold at least one spiral");
        }
        if (n < 2 || n > SpiralDataset.STRETCH) {
            throw new IllegalArgumentException("n must be in [2, " + SpiralDataset.STRETCH
                    + "] so that something follows the conditioning half, got " + n);
        }
        double sum = 0;
        long count = 0;
        for (int i = 0; i < test.size(); i++) {
            Spiral spiral = test.get(i);
            Subsample sub = spiral.subsample(n, seed + i);
            int m = conditioningCount(n);
            long[] conditionTimes = Arrays.copyOf(sub.timesMillis(), m);
            double[][] conditionValues = Arrays.copyOf(sub.values(), m);
            int first = sub.indices()[m - 1] + 1;
            int queries = SpiralDataset.STRETCH - first;
            if (queries == 0) {
                continue; // the conditioning half reached the stretch's last point: nothing held back
            }
            long[] queryTimes = Arrays.copyOfRange(spiral.timesMillis(), first, SpiralDataset.STRETCH);
            double[][] mean = forecaster.predict(conditionTimes, conditionValues, queryTimes);
            if (mean.length != queries) {
                throw new IllegalStateException("the forecaster returned " + mean.length + " rows for " + queries
                        + " query times");
            }
            for (int q = 0; q < queries; q++) {
                double[] truth = spiral.truth()[first + q];
                for (int j = 0; j < 2; j++) {
                    double e = mean[q][j] - truth[j];
                    sum += e * e;
                    count++;
                }
            }
        }
        if (count == 0) {
            throw new IllegalArgumentException("no test spiral had a point after its conditioning half");
        }
        return Math.sqrt(sum / count);
    }
}
