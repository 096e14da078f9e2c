package io.odestream.job.shadow;

/**
 * The outcome of shadowing one candidate version: its live scores against the served model's over
 * the same observations, and whether it is promoted. A Flink POJO.
 */
public final class ShadowVerdict {

    /** Promote: the candidate passed every measure of the criterion ({@link ShadowCriterion}). */
    public enum Decision {
        PROMOTE,
        REJECT
    }

    public String modelId;
    /** The candidate version. */
    public long version;
    public long servedVersion;
    /** Observations scored by both models. */
    public long observations;
    public double meanNllServed;
    public double meanNllCandidate;
    public double maeServed;
    public double maeCandidate;
    /** The measures judged, e.g. "nll,mae" ({@link ShadowCriterion#describe}). */
    public String criterion;
    public Decision decision;
    /** The numbers behind the decision, and what the promoter did (or why it could not). */
    public String reason;

    public ShadowVerdict() {
    }

    @Override
    public String toString() {
        return "ShadowVerdict[" + modelId + " v" + version + " " + decision + ": " + reason + "]";
    }
}
