package io.odestream.eval.nab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Hand-worked cases with two windows in one file, the ones {@link NabScorerTest} (one window) does
 * not reach: false positives are weighted by the most recent window, and a window that starts in
 * the probationary period loses its probationary rows but still counts. 100 rows, probation rows
 * 0..14; window A = rows 10..19 (W = 10, starts in probation), window B = rows 50..53 (W = 4).
 * Values from −tanh(2.5·pos), maxTP = tanh(2.5).
 */
class NabScorerWindowsTest {
    static final double EXACT = 1e-12;
    static final int ROWS = 100;
    /** tanh(1.25)/tanh(2.5): a detection halfway through a window (pos −1/2). */
    static final double HALFWAY = 0.8597925669097837;
    /** −tanh(2.5)·0.11: a false positive one window-width (W − 1 rows) after a window's end. */
    static final double ONE_WIDTH_AFTER = -0.10852757279665734;

    static ScoredSeries twoWindows(int... detectedRows) {
        return new ScoredSeries("two", ROWS, new int[] {10, 50}, new int[] {19, 53},
                NabScorerTest.detections(1.0, detectedRows));
    }

    @Test
    void aFalsePositiveIsWeightedByTheMostRecentWindowOnly() {
        // row 15: A's first scored row, pos −(19−15+1)/10 = −1/2. Row 28: (28−19)/(10−1) = 1 width after A.
        // Row 56: (56−53)/(4−1) = 1 width after B — had A still counted it would be 37/9 > 3 widths: −0.11.
        FileScore f = NabScorer.scoreFile(twoWindows(15, 28, 56), CostProfile.STANDARD, 0.5);
        assertEquals(HALFWAY + ONE_WIDTH_AFTER + ONE_WIDTH_AFTER - 1.0, f.score(), EXACT); // B missed: −1
        assertEquals(1, f.tp());
        assertEquals(2, f.fp());
    }

    @Test
    void theProbationaryRowsOfAWindowDoNotCountButTheWindowDoes() {
        // row 12 lies in A but in the probationary period: ignored, so A (rows 15..19 scorable) is missed
        FileScore f = NabScorer.scoreFile(twoWindows(12), CostProfile.STANDARD, 0.5);
        assertEquals(-2.0, f.score(), EXACT);
        assertEquals(0, f.tp());
        assertEquals(0, f.fp());
        assertEquals(5 + 4, f.fn(), "A's 5 scorable rows and B's 4");
    }

    @Test
    void aWindowWhollyInTheProbationaryPeriodCountsForPerfectButNotForNull() {
        // as NAB: perfect = tpWeight × all windows; the null detector loses fnWeight only on scorable windows
        ScoredSeries early = new ScoredSeries("early", ROWS, new int[] {2, 50}, new int[] {5, 53},
                NabScorerTest.detections(1.0, 50));
        ProfileScore p = NabScorer.score(List.of(early), CostProfile.STANDARD);
        assertEquals(2.0, p.perfectScore(), EXACT);
        assertEquals(-1.0, p.nullScore(), EXACT);
        assertEquals(1.0, p.rawScore(), EXACT, "B found at its first row; the early window neither helps nor costs");
        assertEquals(100.0 * (1.0 + 1.0) / (2.0 + 1.0), p.normalizedScore(), 1e-10);
    }
}
