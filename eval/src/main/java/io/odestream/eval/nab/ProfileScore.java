package io.odestream.eval.nab;

import java.util.List;

/**
 * The corpus score of one profile: the optimised threshold, the raw score (sum of the file
 * scores), the null and perfect detectors' raw scores on the same files, and every file's score.
 */
public record ProfileScore(CostProfile profile, double threshold, double rawScore, double nullScore,
        double perfectScore, List<FileScore> files) {
    public ProfileScore {
        files = List.copyOf(files);
    }

    /** NAB's normalised score: 100 · (raw − null) / (perfect − null); 0 = the null detector, 100 = perfect. */
    public double normalizedScore() {
        return 100.0 * (rawScore - nullScore) / (perfectScore - nullScore);
    }
}
