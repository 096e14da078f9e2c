package io.odestream.job.shadow;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What a shadow candidate must do better than the served model on the same live observations to be
 * promoted. A verdict records both measures whichever are judged; the criterion set says which of
 * them can refuse the candidate. The default judges both: a lower likelihood bought with worse point
 * forecasts (NLL better, MAE worse) is not an improvement an operator wants served.
 */
public enum ShadowCriterion {
    /** Mean negative log predictive density per observation: lower than the served model's by more than the margin. */
    NLL,
    /** Mean absolute error of the predictive mean: no higher than the served model's. */
    MAE;

    /** NLL and MAE: the default of {@code run --shadow-criterion}. */
    public static Set<ShadowCriterion> both() {
        return EnumSet.allOf(ShadowCriterion.class);
    }

    /** {@code "nll,mae"}, {@code "mae"}, ...: the command line's spelling, case ignored. */
    public static Set<ShadowCriterion> parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a shadow criterion names at least one of nll, mae (e.g. nll,mae)");
        }
        Set<ShadowCriterion> out = EnumSet.noneOf(ShadowCriterion.class);
        for (String part : text.split(",")) {
            String name = part.trim().toUpperCase(Locale.ROOT);
            try {
                out.add(valueOf(name));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown shadow criterion '" + part.trim() + "' in '" + text
                        + "': use nll, mae or nll,mae", e);
            }
        }
        return out;
    }

    /** Lower case, comma-separated, in declaration order: how settings and verdicts print it. */
    public static String describe(Set<ShadowCriterion> criteria) {
        StringBuilder b = new StringBuilder();
        for (ShadowCriterion c : values()) {
            if (criteria.contains(c)) {
                b.append(b.isEmpty() ? "" : ",").append(c.name().toLowerCase(Locale.ROOT));
            }
        }
        return b.toString();
    }
}
