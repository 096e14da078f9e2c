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
 * <p>The moments are kept twice: over all ages, and per {@linkplain AgeBuckets age bucket} of the
 * series (the scores its alert track held before this one), because a young series' z-scores are
 * wider than a settled one's: under moments of every age the conditional z of a series' first scores
 * is too large (its false alarms) and a settled one's too small (its missed jumps).
 *
 * <p>What it judges with ({@link #judged}): the largest conditional |z| ({@link ConditionalZ}) under
 * the series' age bucket's moments once every moment it needs holds {@link PooledWarmUp#minEvents}
 * events there; else under the all-ages moments once they hold as many; the plain largest |z| before,
 * and always for a one-channel model (nothing to condition on: its series are judged as without a
 * pool). What it pools ({@link #offer}): into both, scores that raised no alert and whose judged |z|
 * is below {@link PooledWarmUp#feedBelowZ}, so a jump on one channel does not become "ordinary". A
 * series of unknown age ({@link #UNKNOWN_AGE}: one without an alert track) is judged by and pools into
 * the all-ages moments only.
 *
 * <p>It judges from the moments last {@linkplain #publish published}: after every pooled event for a
 * pool made with {@code publishEachEvent}, else when the caller says (the stream job: at each
 * watermark, when its batched and unbatched paths have applied the same events, so both judge alike).
 * Per event no allocation: the arrays are made when a producer starts.
 */
public final class ZPool {
    /** The age of a series that has no alert track: only the all-ages moments judge it and take its scores. */
    public static final int UNKNOWN_AGE = -1;
    private static final int NONE = -1;
    /** Format 1: the producer and the all-ages moments. Format 2 adds the age buckets' starts and moments. */
    private static final int FORMAT_ALL_AGES = 1;
    private static final int FORMAT = 2;
    /** More age buckets than this in a snapshot means it is corrupt: it would not be read into memory. */
    private static final int MOST_BUCKETS = 1_024;

    private final PooledWarmUp settings;
    private final boolean publishEachEvent;
    private final AgeBuckets buckets;
    private int scoreKind;
    private int modelIdHash;
    private long modelVersion;
    private int channels = NONE;
    private ZMoments live;
    private ZMoments published;
    private ZMoments[] liveByAge;
    private ZMoments[] publishedByAge;
    private ConditionalZ conditional;

    /** A pool over {@link AgeBuckets#DEFAULT}'s ages. */
    public ZPool(PooledWarmUp settings, boolean publishEachEvent) {
        this(settings, publishEachEvent, AgeBuckets.DEFAULT);
    }

    /**
     * @param publishEachEvent judge from every pooled event at once (offline), or only from what
     *                         {@link #publish} last published (the stream job)
     * @param buckets          the ranges of a series' age whose moments are pooled apart
     */
    public ZPool(PooledWarmUp settings, boolean publishEachEvent, AgeBuckets buckets) {
        if (settings == null || buckets == null) {
            throw new IllegalArgumentException("settings and age buckets are required");
        }
        this.settings = settings;
        this.publishEachEvent = publishEachEvent;
        this.buckets = buckets;
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
        liveByAge = new ZMoments[buckets.count()];
        publishedByAge = new ZMoments[buckets.count()];
        for (int b = 0; b < liveByAge.length; b++) {
            liveByAge[b] = new ZMoments(channelCount);
            publishedByAge[b] = publishEachEvent ? liveByAge[b] : new ZMoments(channelCount);
        }
        conditional = new ConditionalZ(channelCount);
    }

    public boolean holdsScoresOf(int kind, int idHash, long version, int channelCount) {
        return channels == channelCount && scoreKind == kind && modelIdHash == idHash && modelVersion == version;
    }

    /** As {@link #judged(double[], double, int)} for a series of unknown age: the all-ages moments. */
    public double judged(double[] z, double largestAbsZ) {
        return judged(z, largestAbsZ, UNKNOWN_AGE);
    }

    /**
     * The |z| the warm-up rule judges this event's z-scores (NaN: channel not observed) by: the largest
     * conditional |z| under the published moments of the series' age bucket when they are ready for the
     * observed channels, else under the all-ages ones when those are, else {@code largestAbsZ} (the
     * plain one, which the caller has).
     *
     * @param age the scores the series' alert track held before this one; {@link #UNKNOWN_AGE} if none
     */
    public double judged(double[] z, double largestAbsZ, int age) {
        return judged(z, largestAbsZ, age, null);
    }

    /**
     * As {@link #judged(double[], double, int)}, with the moments the model shipped to fall back on
     * (null: none) where the pool is not ready yet: the series' age bucket's moments pooled live, else
     * the shipped ones of that bucket, else the all-ages moments pooled live, else the shipped ones,
     * else the plain {@code largestAbsZ}. The live pool refines the shipped moments bucket by bucket as
     * it fills: an age's own moments (pooled or shipped) separate young series better than all ages'.
     * Shipped moments of another channel count are ignored.
     */
    public double judged(double[] z, double largestAbsZ, int age, WarmUpMoments shipped) {
        if (channels < 2 || z.length != channels) {
            return largestAbsZ;
        }
        WarmUpMoments fallback = shipped != null && shipped.channels() == channels ? shipped : null;
        if (age != UNKNOWN_AGE) {
            double byAge = conditional.largest(publishedByAge[buckets.of(age)], z, settings.minEvents());
            if (Double.isNaN(byAge) && fallback != null) {
                byAge = fallback.byAge(conditional, z, age);
            }
            if (!Double.isNaN(byAge)) {
                return byAge;
            }
        }
        double c = conditional.largest(published, z, settings.minEvents());
        if (Double.isNaN(c) && fallback != null) {
            c = fallback.overAllAges(conditional, z);
        }
        return Double.isNaN(c) ? largestAbsZ : c;
    }

    /** As {@link #offer(double[], double, boolean, int)} for a series of unknown age: the all-ages moments. */
    public void offer(double[] z, double judgedZ, boolean raisedAlert) {
        offer(z, judgedZ, raisedAlert, UNKNOWN_AGE);
    }

    /**
     * Pools the event's z-scores, into the all-ages moments and its age bucket's, if it is ordinary: no
     * alert raised and its judged |z| below the bound.
     *
     * @param age the scores the series' alert track held before this one; {@link #UNKNOWN_AGE} if none
     */
    public void offer(double[] z, double judgedZ, boolean raisedAlert, int age) {
        if (channels < 2 || z.length != channels || raisedAlert || !(judgedZ < settings.feedBelowZ())) {
            return;
        }
        for (double v : z) {
            if (Math.abs(v) > PooledWarmUp.LARGEST_POOLED_Z) {
                return;
            }
        }
        live.add(z);
        if (age != UNKNOWN_AGE) {
            liveByAge[buckets.of(age)].add(z);
        }
    }

    /** From now on judges with every event pooled so far. */
    public void publish() {
        if (live != null && published != live) {
            published.copyFrom(live);
            for (int b = 0; b < liveByAge.length; b++) {
                publishedByAge[b].copyFrom(liveByAge[b]);
            }
        }
    }

    /** The ranges of age whose moments are pooled apart. */
    public AgeBuckets ageBuckets() {
        return buckets;
    }

    /** The all-ages moments pooled so far (published or not); null before any producer. */
    public ZMoments moments() {
        return live;
    }

    /** The all-ages moments it judges with; null before any producer. */
    public ZMoments publishedMoments() {
        return published;
    }

    /** The moments pooled so far (published or not) of the age bucket of a series of this age; null before any producer. */
    public ZMoments moments(int age) {
        return liveByAge == null ? null : liveByAge[buckets.of(age)];
    }

    /** The moments it judges a series of this age with, once ready; null before any producer. */
    public ZMoments publishedMoments(int age) {
        return publishedByAge == null ? null : publishedByAge[buckets.of(age)];
    }

    /**
     * Writes the producer, both sets of all-ages moments, the age buckets' starts and both sets of
     * each bucket's moments (nothing but a marker before any producer).
     */
    public void writeTo(DataOutput out) throws IOException {
        out.writeInt(FORMAT);
        out.writeInt(channels);
        if (channels == NONE) {
            return;
        }
        out.writeInt(scoreKind);
        out.writeInt(modelIdHash);
        out.writeLong(modelVersion);
        write(out, live);
        write(out, published);
        out.writeInt(buckets.count());
        for (int b = 0; b < buckets.count(); b++) {
            out.writeInt(buckets.start(b));
        }
        for (int b = 0; b < buckets.count(); b++) {
            write(out, liveByAge[b]);
            write(out, publishedByAge[b]);
        }
    }

    private static void write(DataOutput out, ZMoments m) throws IOException {
        for (long v : m.sums()) {
            out.writeLong(v);
        }
        for (long v : m.counts()) {
            out.writeLong(v);
        }
    }

    /**
     * Adds a pool {@link #writeTo} wrote (another subtask's, after a rescale: moments add). Of pools of
     * different producers the newer model version is kept (a swap that reached some subtasks first);
     * an older one is ignored. A format 1 pool (written before the age buckets) adds to the all-ages
     * moments only, and so does one whose buckets start at other ages than this pool's: their events'
     * ages cannot be told apart into these buckets, which fill afresh.
     */
    public void mergeFrom(DataInput in) throws IOException {
        int format = in.readInt();
        if (format != FORMAT && format != FORMAT_ALL_AGES) {
            throw new IOException("unknown pooled z-moments format " + format + " (this build reads "
                    + FORMAT_ALL_AGES + " and " + FORMAT + ")");
        }
        int c = in.readInt();
        if (c == NONE) {
            return;
        }
        int kind = in.readInt();
        int idHash = in.readInt();
        long version = in.readLong();
        ZMoments readLive = read(in, c);
        ZMoments readPublished = read(in, c);
        int[] starts = new int[0];
        ZMoments[] readByAge = new ZMoments[0];
        if (format == FORMAT) {
            int count = in.readInt();
            if (count < 1 || count > MOST_BUCKETS) {
                throw new IOException("pooled z-moments with " + count + " age buckets (1 to " + MOST_BUCKETS
                        + " expected)");
            }
            starts = new int[count];
            for (int b = 0; b < starts.length; b++) {
                starts[b] = in.readInt();
            }
            readByAge = new ZMoments[2 * starts.length];
            for (int k = 0; k < readByAge.length; k++) {
                readByAge[k] = read(in, c);
            }
        }
        if (channels != NONE && !holdsScoresOf(kind, idHash, version, c)) {
            if (version <= modelVersion) {
                return;
            }
        }
        scoresFrom(kind, idHash, version, c);
        live.merge(readLive);
        if (published != live) {
            published.merge(readPublished);
        }
        if (format == FORMAT && buckets.startAt(starts)) {
            for (int b = 0; b < liveByAge.length; b++) {
                liveByAge[b].merge(readByAge[2 * b]);
                if (publishedByAge[b] != liveByAge[b]) {
                    publishedByAge[b].merge(readByAge[2 * b + 1]);
                }
            }
        }
    }

    private static ZMoments read(DataInput in, int c) throws IOException {
        long[] sums = new long[c * c];
        long[] counts = new long[c * c];
        for (int i = 0; i < sums.length; i++) {
            sums[i] = in.readLong();
        }
        for (int i = 0; i < counts.length; i++) {
            counts[i] = in.readLong();
        }
        return ZMoments.of(c, sums, counts);
    }
}
