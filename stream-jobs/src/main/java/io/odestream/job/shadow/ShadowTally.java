package io.odestream.job.shadow;

/**
 * The running sums of one candidate's live comparison (Flink keyed state of {@link ShadowVerdicts},
 * a POJO), and its decision once made: a decided candidate stays decided across restores.
 */
public final class ShadowTally {
    public static final long NONE = Long.MIN_VALUE;

    public String modelId;
    /** The served version the sums compare against: the newest one seen for this candidate. */
    public long servedVersion = NONE;
    public long n;
    public double sumNllServed;
    public double sumNllCandidate;
    public double sumErrorServed;
    public double sumErrorCandidate;
    /** Null until the verdict. */
    public ShadowVerdict.Decision decision;

    public ShadowTally() {
    }

    /** Starts the sums afresh against {@code version}: scores against another served model do not mix. */
    void compareAgainst(long version) {
        servedVersion = version;
        n = 0;
        sumNllServed = 0;
        sumNllCandidate = 0;
        sumErrorServed = 0;
        sumErrorCandidate = 0;
    }

    void add(ShadowScore s) {
        modelId = s.modelId;
        n++;
        sumNllServed += s.servedNll;
        sumNllCandidate += s.shadowNll;
        sumErrorServed += s.servedAbsError;
        sumErrorCandidate += s.shadowAbsError;
    }

    double meanNllServed() {
        return sumNllServed / n;
    }

    double meanNllCandidate() {
        return sumNllCandidate / n;
    }

    double maeServed() {
        return sumErrorServed / n;
    }

    double maeCandidate() {
        return sumErrorCandidate / n;
    }
}
