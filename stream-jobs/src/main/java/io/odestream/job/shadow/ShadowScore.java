package io.odestream.job.shadow;

/**
 * One live observation scored by both the served model and the shadow candidate, from filter states
 * that absorbed exactly the same earlier observations, before either absorbed this one. A Flink POJO.
 */
public final class ShadowScore {
    public String seriesId;
    /** Model id of both versions. */
    public String modelId;
    public long eventTimeMillis;
    public long servedVersion;
    public long shadowVersion;
    /** Negative log predictive density of the observed channels (nats, data units). */
    public double servedNll;
    public double shadowNll;
    /** Mean over the observed channels of |predictive mean - value|, data units. */
    public double servedAbsError;
    public double shadowAbsError;

    public ShadowScore() {
    }

    public ShadowScore(String seriesId, String modelId, long eventTimeMillis, long servedVersion, long shadowVersion,
                       double servedNll, double shadowNll, double servedAbsError, double shadowAbsError) {
        this.seriesId = seriesId;
        this.modelId = modelId;
        this.eventTimeMillis = eventTimeMillis;
        this.servedVersion = servedVersion;
        this.shadowVersion = shadowVersion;
        this.servedNll = servedNll;
        this.shadowNll = shadowNll;
        this.servedAbsError = servedAbsError;
        this.shadowAbsError = shadowAbsError;
    }

    @Override
    public String toString() {
        return "ShadowScore[" + seriesId + " @" + eventTimeMillis + ", v" + servedVersion + " nll " + servedNll
                + " |e| " + servedAbsError + " vs v" + shadowVersion + " nll " + shadowNll + " |e| " + shadowAbsError
                + "]";
    }
}
