package io.odestream.eval.nab;

/**
 * One NAB application profile ({@code config/profiles.json}): the weight of a detected window,
 * of a false positive and of a missed window. NAB's {@code tnWeight} is not used by the scorer.
 */
public record CostProfile(String name, double tpWeight, double fpWeight, double fnWeight) {
    public CostProfile {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a cost profile needs a name");
        }
        if (!(tpWeight > 0) || !(fpWeight >= 0) || !(fnWeight >= 0)
                || !Double.isFinite(tpWeight) || !Double.isFinite(fpWeight) || !Double.isFinite(fnWeight)) {
            throw new IllegalArgumentException("profile " + name + ": weights must be finite, tpWeight > 0, fpWeight "
                    + "and fnWeight >= 0; got tp=" + tpWeight + " fp=" + fpWeight + " fn=" + fnWeight);
        }
    }

    /** NAB's three published profiles, as in its {@code config/profiles.json}. */
    public static final CostProfile STANDARD = new CostProfile("standard", 1.0, 0.11, 1.0);
    public static final CostProfile REWARD_LOW_FP_RATE = new CostProfile("reward_low_FP_rate", 1.0, 0.22, 1.0);
    public static final CostProfile REWARD_LOW_FN_RATE = new CostProfile("reward_low_FN_rate", 1.0, 0.11, 2.0);
}
