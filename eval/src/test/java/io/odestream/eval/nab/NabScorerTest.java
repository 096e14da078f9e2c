package io.odestream.eval.nab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * NAB's scoring rules on hand-worked cases (eval/docs/NAB_SCORING.md). Numbers come from
 * scaledSigmoid(y) = 2/(1+e^(5y)) − 1 = −tanh(2.5·y), so maxTP = tanh(2.5) = 0.9866142981514303.
 *
 * <p>The test file has 100 rows: probation = floor(0.15·100) = 15 rows (0..14), one window on
 * rows 40..43 (W = 4).
 */
class NabScorerTest {
    static final double EXACT = 1e-12;
    static final int ROWS = 100;
    static final CostProfile STANDARD = CostProfile.STANDARD;

    static ScoredSeries withWindow(String name, double[] scores) {
        return new ScoredSeries(name, ROWS, new int[] {40}, new int[] {43}, scores);
    }

    static ScoredSeries withoutWindow(String name, double[] scores) {
        return new ScoredSeries(name, ROWS, new int[0], new int[0], scores);
    }

    /** Scores 0 except {@code score} at the given rows. */
    static double[] detections(double score, int... rows) {
        double[] s = new double[ROWS];
        for (int r : rows) {
            s[r] = score;
        }
        return s;
    }

    @Nested
    class ScaledSigmoid {
        @Test
        void isZeroAtZeroAndTanhOfMinusTwoAndAHalfYElsewhere() {
            assertEquals(0.0, RowWeights.scaledSigmoid(0.0), EXACT);
            assertEquals(0.9866142981514303, RowWeights.scaledSigmoid(-1.0), EXACT); // maxTP
            assertEquals(-0.9866142981514303, RowWeights.scaledSigmoid(1.0), EXACT);
        }

        @Test
        void isCutToMinusOneBeyondThree() {
            assertEquals(-0.9999993881955461, RowWeights.scaledSigmoid(3.0), EXACT); // −tanh(7.5): not yet cut
            assertEquals(-1.0, RowWeights.scaledSigmoid(3.000001), 0.0);
        }
    }

    @Nested
    class RowValues {
        final RowWeights weights = RowWeights.of(withWindow("a", new double[ROWS]), STANDARD);

        @Test
        void insideAWindowFallFromTpWeightAtTheFirstRow() {
            // position −(43 − i + 1)/4: −1, −3/4, −1/2, −1/4 → tanh(2.5·|pos|)/tanh(2.5)
            assertEquals(1.0, weights.value()[40], EXACT);
            assertEquals(0.9669890878000608, weights.value()[41], EXACT); // tanh(1.875)/tanh(2.5)
            assertEquals(0.8597925669097837, weights.value()[42], EXACT); // tanh(1.25)/tanh(2.5)
            assertEquals(0.5621241486044829, weights.value()[43], EXACT); // tanh(0.625)/tanh(2.5)
        }

        @Test
        void beforeAnyWindowAFalsePositiveCostsTheFullFpWeight() {
            assertEquals(-0.11, weights.value()[20], EXACT);
            assertEquals(-0.11, weights.value()[39], EXACT);
        }

        @Test
        void afterAWindowAFalsePositiveCostsLessTheCloserItIs() {
            // position |43 − i| / (W − 1) = (i − 43)/3, value = −tanh(2.5·pos)·0.11
            assertEquals(-0.07504879692619867, weights.value()[44], EXACT); // pos 1/3
            assertEquals(-0.10852757279665734, weights.value()[46], EXACT); // pos 1
            assertEquals(-0.9999993881955461 * 0.11, weights.value()[52], EXACT); // pos 3: still the sigmoid
            assertEquals(-0.11, weights.value()[53], EXACT); // pos 10/3 > 3: full cost
        }

        @Test
        void probationaryRowsAreMarkedAndTheRestKnowTheirWindow() {
            assertEquals(RowWeights.PROBATIONARY, weights.window()[0]);
            assertEquals(RowWeights.PROBATIONARY, weights.window()[14]);
            assertEquals(RowWeights.OUTSIDE, weights.window()[15]);
            assertEquals(0, weights.window()[40]);
            assertEquals(0, weights.window()[43]);
            assertEquals(RowWeights.OUTSIDE, weights.window()[44]);
        }

        @Test
        void probationIsFifteenPercentCappedAt750Rows() {
            assertEquals(15, RowWeights.probationLength(100));
            assertEquals(14, RowWeights.probationLength(99)); // floor(14.85)
            assertEquals(750, RowWeights.probationLength(5000));
            assertEquals(750, RowWeights.probationLength(22695));
        }
    }

    @Nested
    class OneFile {
        @Test
        void onlyTheEarliestDetectionInAWindowCounts() {
            FileScore f = NabScorer.scoreFile(withWindow("a", detections(1.0, 41, 42)), STANDARD, 0.5);
            assertEquals(0.9669890878000608, f.score(), EXACT); // row 41's value, row 42 adds nothing
            assertEquals(2, f.tp());
            assertEquals(2, f.fn());
            assertEquals(0, f.fp());
            assertEquals(81, f.tn()); // 85 non-probationary rows, 4 in the window
        }

        @Test
        void detectionsInTheProbationaryPeriodAreIgnored() {
            FileScore f = NabScorer.scoreFile(withWindow("a", detections(1.0, 0, 14)), STANDARD, 0.5);
            assertEquals(-1.0, f.score(), EXACT); // the window is missed; no false positive counted
            assertEquals(0, f.fp());
            assertEquals(0, f.tp());
            assertEquals(4, f.fn());
            assertEquals(81, f.tn());
            assertEquals(100, f.rows());
        }

        @Test
        void falsePositivesAreWeightedByTheirDistanceAfterAWindow() {
            // 1 (row 40) − 0.11 (row 20, no window before it) − 0.0750488 (row 44, pos 1/3) − 0.11 (row 90)
            FileScore f = NabScorer.scoreFile(withWindow("a", detections(1.0, 20, 40, 44, 90)), STANDARD, 0.5);
            assertEquals(1.0 - 0.11 - 0.07504879692619867 - 0.11, f.score(), EXACT);
            assertEquals(3, f.fp());
            assertEquals(1, f.tp());
        }

        @Test
        void aMissedWindowCostsTheProfilesFnWeight() {
            ScoredSeries silent = withWindow("a", new double[ROWS]);
            assertEquals(-1.0, NabScorer.scoreFile(silent, CostProfile.STANDARD, 0.5).score(), EXACT);
            assertEquals(-1.0, NabScorer.scoreFile(silent, CostProfile.REWARD_LOW_FP_RATE, 0.5).score(), EXACT);
            assertEquals(-2.0, NabScorer.scoreFile(silent, CostProfile.REWARD_LOW_FN_RATE, 0.5).score(), EXACT);
        }

        @Test
        void aFalsePositiveCostsTheProfilesFpWeight() {
            ScoredSeries oneFalseAlarm = withoutWindow("b", detections(1.0, 50));
            assertEquals(-0.11, NabScorer.scoreFile(oneFalseAlarm, CostProfile.STANDARD, 0.5).score(), EXACT);
            assertEquals(-0.22, NabScorer.scoreFile(oneFalseAlarm, CostProfile.REWARD_LOW_FP_RATE, 0.5).score(), EXACT);
            assertEquals(-0.11, NabScorer.scoreFile(oneFalseAlarm, CostProfile.REWARD_LOW_FN_RATE, 0.5).score(), EXACT);
        }

        @Test
        void aDetectionAtTheThresholdCounts() {
            assertEquals(1.0, NabScorer.scoreFile(withWindow("a", detections(0.5, 40)), STANDARD, 0.5).score(), EXACT);
        }
    }

    @Nested
    class Corpus {
        /**
         * File a (window 40..43): 0.9 at row 20 (false positive), 0.6 at row 40 (window start),
         * 0.3 at row 47 (pos 4/3 after the window); file b (no window): 0.45 at row 60.
         * Corpus score, standard profile, per candidate threshold:
         * 1.1 → −1 (window missed); 0.9 → −1.11; 0.6 → 1 − 0.11 = 0.89; 0.45 → 0.78;
         * 0.3 → 0.78 − tanh(10/3)·0.11 = 0.6702796; 0 → every row detected, far below.
         */
        final List<ScoredSeries> corpus = List.of(
                withWindow("a", scores(20, 0.9, 40, 0.6, 47, 0.3)),
                withoutWindow("b", scores(60, 0.45)));

        @Test
        void theOptimiserPicksTheThresholdWithTheHighestCorpusScore() {
            assertEquals(0.6, NabScorer.optimalThreshold(corpus, CostProfile.STANDARD), 0.0);
            ProfileScore p = NabScorer.score(corpus, CostProfile.STANDARD);
            assertEquals(0.89, p.rawScore(), EXACT);
            assertEquals(-1.0, p.nullScore(), EXACT);
            assertEquals(1.0, p.perfectScore(), EXACT);
            assertEquals(100 * (0.89 + 1) / 2, p.normalizedScore(), 1e-10); // 94.5
        }

        @Test
        void eachProfileOptimisesItsOwnThreshold() {
            // reward_low_FP_rate: 0.6 → 1 − 0.22 = 0.78; null −1, perfect 1 → 89
            ProfileScore lowFp = NabScorer.score(corpus, CostProfile.REWARD_LOW_FP_RATE);
            assertEquals(0.6, lowFp.threshold(), 0.0);
            assertEquals(89.0, lowFp.normalizedScore(), 1e-10);
            // reward_low_FN_rate: 0.6 → 0.89; null −2, perfect 1 → 100·2.89/3
            ProfileScore lowFn = NabScorer.score(corpus, CostProfile.REWARD_LOW_FN_RATE);
            assertEquals(100 * 2.89 / 3, lowFn.normalizedScore(), 1e-10);
        }

        @Test
        void onATieTheHigherThresholdWins() {
            // 0.45 now sits on a probationary row: thresholds 0.6 and 0.45 detect the same rows
            List<ScoredSeries> tie = List.of(withWindow("a", scores(40, 0.6)), withoutWindow("b", scores(3, 0.45)));
            assertEquals(0.6, NabScorer.optimalThreshold(tie, STANDARD), 0.0);
        }

        @Test
        void aDetectorThatNeverHelpsKeepsTheNoDetectionThreshold() {
            List<ScoredSeries> onlyFalseAlarms = List.of(withWindow("a", scores(20, 0.9)));
            assertEquals(NabScorer.NO_DETECTION, NabScorer.optimalThreshold(onlyFalseAlarms, STANDARD), 0.0);
        }

        @Test
        void aGivenThresholdIsAppliedAsIs() {
            assertEquals(0.78, NabScorer.scoreAt(corpus, STANDARD, 0.45).rawScore(), EXACT);
            assertEquals(0.89, NabScorer.scoreAt(corpus, STANDARD, 0.5).rawScore(), EXACT); // between two scores
        }

        @Test
        void thePerfectDetectorScores100AndTheNullDetector0OnEveryProfile() {
            List<ScoredSeries> perfect = List.of(withWindow("a", detections(1.0, 40)), withoutWindow("b", new double[ROWS]));
            List<ScoredSeries> silent = List.of(withWindow("a", new double[ROWS]), withoutWindow("b", new double[ROWS]));
            for (CostProfile profile : List.of(CostProfile.STANDARD, CostProfile.REWARD_LOW_FP_RATE,
                    CostProfile.REWARD_LOW_FN_RATE)) {
                assertEquals(100.0, NabScorer.score(perfect, profile).normalizedScore(), 1e-10, profile.name());
                assertEquals(0.0, NabScorer.score(silent, profile).normalizedScore(), 1e-10, profile.name());
            }
        }

        static double[] scores(Object... rowScorePairs) {
            double[] s = new double[ROWS];
            for (int k = 0; k < rowScorePairs.length; k += 2) {
                s[(Integer) rowScorePairs[k]] = (Double) rowScorePairs[k + 1];
            }
            return s;
        }
    }
}
