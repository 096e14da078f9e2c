package io.odestream.eval.nab;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * NAB's scorer (numenta/NAB {@code sweeper.py}, {@code optimizer.py}, {@code scorer.py},
 * {@code runner.normalize}; rules in {@code eval/docs/NAB_SCORING.md}).
 *
 * <p>One threshold per profile for the whole corpus: the candidates are 1.1 (no detection) and
 * every distinct anomaly score of the corpus; a row is a detection when its score is ≥ the
 * threshold. The best threshold maximises the corpus raw score; on ties the higher threshold
 * wins (NAB's stable sort of a list built from the highest threshold down).
 *
 * <p>Normalisation uses only the files scored, so a subset of NAB's series normalises on its own
 * windows: perfect = tpWeight · (number of windows), as NAB counts it; null = the score of a
 * detector that never fires, −fnWeight per window that has a non-probationary row (NAB's null
 * detector, a constant 0.5, gets exactly this at its optimised threshold on NAB's corpus).
 */
public final class NabScorer {
    /** The threshold above every score: no detections. */
    public static final double NO_DETECTION = 1.1;

    private NabScorer() {
    }

    /** Scores the corpus under every profile. */
    public static NabScores score(List<ScoredSeries> corpus, List<CostProfile> profiles) {
        List<ProfileScore> scores = new ArrayList<>();
        for (CostProfile profile : profiles) {
            scores.add(score(corpus, profile));
        }
        return new NabScores(scores);
    }

    /** Optimises the threshold for {@code profile}, then scores every file at it. */
    public static ProfileScore score(List<ScoredSeries> corpus, CostProfile profile) {
        return scoreAt(corpus, profile, optimalThreshold(corpus, profile));
    }

    /** Scores every file at a given threshold (e.g. one of NAB's {@code config/thresholds.json}). */
    public static ProfileScore scoreAt(List<ScoredSeries> corpus, CostProfile profile, double threshold) {
        if (corpus.isEmpty()) {
            throw new NabInputException("no files to score; give at least one results file that has a data file");
        }
        List<FileScore> files = new ArrayList<>();
        double raw = 0.0;
        int windows = 0;
        int scorableWindows = 0;
        for (ScoredSeries series : corpus) {
            FileScore file = scoreFile(series, profile, threshold);
            files.add(file);
            raw += file.score();
            windows += series.windowCount();
            int probation = RowWeights.probationLength(series.rows());
            for (int last : series.windowLastRow()) {
                scorableWindows += last >= probation ? 1 : 0;
            }
        }
        if (windows == 0) {
            throw new NabInputException("the " + corpus.size() + " files scored have no label windows, so NAB's normalised "
                    + "score (perfect − null = 0) is undefined; include files with anomaly windows");
        }
        return new ProfileScore(profile, threshold, raw, -profile.fnWeight() * scorableWindows,
                profile.tpWeight() * windows, files);
    }

    /** One file at one threshold: the best detected row of each window (or −fnWeight), plus every false positive. */
    public static FileScore scoreFile(ScoredSeries series, CostProfile profile, double threshold) {
        RowWeights weights = RowWeights.of(series, profile);
        double[] value = weights.value();
        int[] window = weights.window();
        double[] scores = series.anomalyScores();
        double[] best = new double[series.windowCount()];
        boolean[] scorable = new boolean[series.windowCount()];
        Arrays.fill(best, -profile.fnWeight());
        double falsePositives = 0.0;
        int tp = 0;
        int fp = 0;
        int fn = 0;
        int tn = 0;
        for (int i = 0; i < series.rows(); i++) {
            int w = window[i];
            if (w == RowWeights.PROBATIONARY) {
                continue;
            }
            boolean detected = scores[i] >= threshold;
            if (w == RowWeights.OUTSIDE) {
                if (detected) {
                    falsePositives += value[i];
                    fp++;
                } else {
                    tn++;
                }
            } else {
                scorable[w] = true;
                if (detected) {
                    best[w] = Math.max(best[w], value[i]);
                    tp++;
                } else {
                    fn++;
                }
            }
        }
        double score = falsePositives;
        for (int w = 0; w < best.length; w++) {
            score += scorable[w] ? best[w] : 0.0;
        }
        return new FileScore(series.name(), series.rows(), series.windowCount(), score, tp, fp, fn, tn);
    }

    /** NAB's optimiser: the threshold with the highest corpus raw score (see the class comment). */
    public static double optimalThreshold(List<ScoredSeries> corpus, CostProfile profile) {
        int total = 0;
        for (ScoredSeries series : corpus) {
            total += series.rows();
        }
        double[] score = new double[total];
        double[] value = new double[total];
        int[] window = new int[total]; // corpus-wide window index, or OUTSIDE/PROBATIONARY
        List<Double> windowParts = new ArrayList<>();
        int offset = 0;
        for (ScoredSeries series : corpus) {
            RowWeights weights = RowWeights.of(series, profile);
            int[] partOf = new int[series.windowCount()];
            Arrays.fill(partOf, -1);
            for (int i = 0; i < series.rows(); i++) {
                int w = weights.window()[i];
                if (w >= 0 && partOf[w] < 0) { // a window counts only if it has a non-probationary row
                    partOf[w] = windowParts.size();
                    windowParts.add(-profile.fnWeight());
                }
                score[offset + i] = series.anomalyScores()[i];
                value[offset + i] = weights.value()[i];
                window[offset + i] = w >= 0 ? partOf[w] : w;
            }
            offset += series.rows();
        }
        double[] parts = new double[windowParts.size()];
        for (int p = 0; p < parts.length; p++) {
            parts[p] = windowParts.get(p);
        }
        Integer[] order = new Integer[total];
        for (int i = 0; i < total; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> score[i]).reversed());

        double falsePositives = 0.0;
        double threshold = NO_DETECTION;
        double bestThreshold = NO_DETECTION;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int k = 0; k <= total; k++) {
            // all rows with score >= threshold are in: record the corpus score of this threshold
            if (k == total || score[order[k]] != threshold) {
                double corpusScore = falsePositives; // summed as NAB sums its parts: fp first, then windows in order
                for (double part : parts) {
                    corpusScore += part;
                }
                if (corpusScore > bestScore) {
                    bestScore = corpusScore;
                    bestThreshold = threshold;
                }
                if (k == total) {
                    break;
                }
                threshold = score[order[k]];
            }
            int i = order[k];
            if (window[i] == RowWeights.OUTSIDE) {
                falsePositives += value[i];
            } else if (window[i] >= 0) {
                parts[window[i]] = Math.max(parts[window[i]], value[i]);
            }
        }
        return bestThreshold;
    }
}
