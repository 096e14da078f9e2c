package io.odestream.eval.classify;

import java.util.Arrays;
import java.util.Comparator;

/**
 * The area under the ROC curve, as the Mann–Whitney statistic: the probability that a random
 * positive scores above a random negative, ties counting one half (midranks), which is what
 * sklearn's {@code roc_auc_score} computes.
 */
public final class RocAuc {
    private RocAuc() {
    }

    /**
     * @param scores   higher = more likely positive
     * @param positive whether each row is a positive
     */
    public static double of(double[] scores, boolean[] positive) {
        int n = scores.length;
        if (positive.length != n) {
            throw new IllegalArgumentException("need one label per score, got " + n + " scores and " + positive.length
                    + " labels");
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(scores[i])) {
                throw new IllegalArgumentException("score " + i + " is " + scores[i] + "; an AUC needs finite scores");
            }
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
        long positives = 0;
        double rankSum = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            double midrank = (i + j) / 2.0 + 1; // ranks are 1-based
            for (int k = i; k <= j; k++) {
                if (positive[order[k]]) {
                    rankSum += midrank;
                    positives++;
                }
            }
            i = j + 1;
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) {
            throw new IllegalArgumentException("an AUC needs positives and negatives; got " + positives + " and "
                    + negatives);
        }
        return (rankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }
}
