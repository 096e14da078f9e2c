package io.odestream.alert;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The z-scores' second moments pooled over the ordinary events of every series one monitor serves
 * (a stream job's operator instance), for one producer of scores: model lineage (its id's hash),
 * model version, kind of score and channel count, as {@link AlertTrack#scoresFrom} records them. A
 * new producer (a model swap) starts a new pool.
 *
 * <p>What it judges with ({@link #judged}): the largest conditional |z| ({@link ConditionalZ}) once
 * every moment it needs holds {@link PooledWarmUp#minEvents} events, the plain largest |z| before, and
 * always for a one-channel model (nothing to condition on: its series are judged as without a pool).
 * What it pools ({@link #offer}): scores that raised no alert and whose judged |z| is below
 * {@link PooledWarmUp#feedBelowZ}, so a jump on one channel does not become "ordinary".
 *
 * <p>It judges from the moments last {@linkplain #publish published}: after every pooled event for a
 * pool made with {@code publishEachEvent}, else when the caller says (the stream job: at each
 * watermark, when its batched and unbatched paths have applied the same events, so both judge alike).
 * Per event no allocation: the arrays are made when a producer starts.
 */
public final class ZPool {
    private static final int NONE = -1;
    private static final int FORMAT = 1;

    private final PooledWarmUp settings;
    private final boolean publishEachEvent;
    private int scoreKind;
    private int modelIdHash;
    private long modelVersion;
    private int channels = NONE;
    private ZMoments live;
    private ZMoments published;
    private ConditionalZ conditional;

    /**
     * @param publishEachEvent judge from every pooled event at once (offline), or only from what
     *                         {@link #publish} last published (the stream job)
     */
    public ZPool(PooledWarmUp settings, boolean publishEachEvent) {
        if (settings == null) {
            throw new IllegalArgumentException("settings are required");
        }
        this.settings = settings;
        this.publishEachEvent = publishEachEvent;
    }

    /** Makes the pool the one of this producer's scores: unchanged if it is, a new empty pool if not. */
    public void scoresFrom(int kind, int idHash, long version, int channelCount) {
        if (holdsScoresOf(kind, idHash, version, channelCount)) {
            return;
        }
        scoreKind = kind;
        modelIdHash = idHash;
        modelVersion = version;
        channels = channelCount;
        live = new ZMoments(channelCount);
        published = publishEachEvent ? live : new ZMoments(channelCount);
        conditional = new ConditionalZ(channelCount);
    }

    public boolean holdsScoresOf(int kind, int idHash, long version, int channelCount) {
        return channels == channelCount && scoreKind == kind && modelIdHash == idHash && modelVersion == version;
    }

    /**
     * The |z| the warm-up rule judges this event's z-scores (NaN: channel not observed) by: the largest
     * conditional |z| when the published pool is ready for the observed channels, else
     * {@code largestAbsZ} (the plain one, which the caller has).
     */
    public double judged(double[] z, double largestAbsZ) {
        if (channels < 2 || z.length != channels) {
            return largestAbsZ;
        }
        double c = conditional.largest(published, z, settings.minEvents());
        return Double.isNaN(c) ? largestAbsZ : c;
    }

    /** Pools the event's z-scores if it is ordinary: no alert raised and its judged |z| below the bound. */
    public void offer(double[] z, double judgedZ, boolean raisedAlert) {
        if (channels < 2 || z.length != channels || raisedAlert || !(judgedZ < settings.feedBelowZ())) {
            return;
        }
        for (double v : z) {
            if (Math.abs(v) > PooledWarmUp.LARGEST_POOLED_Z) {
                return;
            }
        }
        live.add(z);
    }

    /** From now on judges with every event pooled so far. */
    public void publish() {
        if (live != null && published != live) {
            published.copyFrom(live);
        }
    }

    /** The moments pooled so far (published or not); null before any producer. */
    public ZMoments moments() {
        return live;
    }

    /** The moments it judges with; null before any producer. */
    public ZMoments publishedMoments() {
        return published;
    }

    /** Writes the producer and both sets of moments (nothing but a marker before any producer). */
    public void writeTo(DataOutput out) throws IOException {
        out.writeInt(FORMAT);
        out.writeInt(channels);
        if (channels == NONE) {
            return;
        }
        out.writeInt(scoreKind);
        out.writeInt(modelIdHash);
        out.writeLong(modelVersion);
        for (ZMoments m : new ZMoments[] {live, published}) {
            for (long v : m.sums()) {
                out.writeLong(v);
            }
            for (long v : m.counts()) {
                out.writeLong(v);
            }
        }
    }

    /**
     * Adds a pool {@link #writeTo} wrote (another subtask's, after a rescale: moments add). Of pools of
     * different producers the newer model version is kept (a swap that reached some subtasks first);
     * an older one is ignored.
     */
    public void mergeFrom(DataInput in) throws IOException {
        int format = in.readInt();
        if (format != FORMAT) {
            throw new IOException("unknown pooled z-moments format " + format + " (this build reads " + FORMAT + ")");
        }
        int c = in.readInt();
        if (c == NONE) {
            return;
        }
        int kind = in.readInt();
        int idHash = in.readInt();
        long version = in.readLong();
        ZMoments[] read = new ZMoments[2];
        for (int k = 0; k < 2; k++) {
            long[] sums = new long[c * c];
            long[] counts = new long[c * c];
            for (int i = 0; i < sums.length; i++) {
                sums[i] = in.readLong();
            }
            for (int i = 0; i < counts.length; i++) {
                counts[i] = in.readLong();
            }
            read[k] = ZMoments.of(c, sums, counts);
        }
        if (channels != NONE && !holdsScoresOf(kind, idHash, version, c)) {
            if (version <= modelVersion) {
                return;
            }
        }
        scoresFrom(kind, idHash, version, c);
        live.merge(read[0]);
        if (published != live) {
            published.merge(read[1]);
        }
    }
}
