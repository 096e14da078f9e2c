package io.odestream.alert;

import java.util.Arrays;

/**
 * One series' alerting state, mutated in place by {@link AlertPolicy#observe}: a ring of its most
 * recent raw scores (the calibration sample) and the incident state machine.
 *
 * <p>A valid Flink POJO on purpose (public no-arg constructor, public non-final fields of primitive
 * types and primitive arrays only), so keyed state serialises it field by field with the POJO
 * serializer and the schema can evolve, instead of falling back to Kryo.
 *
 * <p>Size: {@code 8 · capacity} bytes for the ring plus a few scalars; with a multi-scale policy
 * ({@link AlertPolicy#shortWindow()} &gt; 1) another {@code 8 · capacity} for the ring of short-window
 * means and {@code 8 · shortWindow} for the recent surprisals; with the value-level test
 * ({@link AlertPolicy#valueLevel()}) another {@code 8 · capacity} per channel for the recent values.
 * The capacity grows with the history the track holds: a new track's rings hold
 * {@link #INITIAL_CAPACITY} scores (or the window, if smaller) and double when full, up to the policy's
 * window, where they start to wrap. Keyed state serialises (and a heap checkpoint copies) the whole
 * arrays on every read or write, and most series of a large deployment are young, so a young series
 * costs what its history holds, not a full window of zeros. Growth is the only allocation on the
 * per-score path besides the fitted tail's: log₂(window / 16) steps in a series' life (6 for the
 * product's 1024). A track whose rings are the full window (state written before the rings grew)
 * simply never grows.
 *
 * <p><b>One producer per calibration sample.</b> Raw scores of two models, or of two ways of
 * scoring (Monte Carlo and sigma points, a residual flow), are on different scales, so one sample
 * must not mix them: the track records what produced its scores ({@link #producerKind},
 * {@link #producerModelIdHash}, {@link #producerModelVersion}) and {@link #scoresFrom} restarts the
 * calibration when that changes (a model swap, a restore under another score mode). A caller that
 * keeps the series' recent observations refills the new sample from them at once (ode-core's
 * SeriesMonitor, through {@link AlertPolicy#calibrate}); without enough of them the series is judged
 * by the warm-up rule again until it has {@link AlertPolicy#minHistory()} scores of the new producer. A track restored from state written before the producer was recorded has
 * {@link #UNKNOWN_PRODUCER} and restarts too: nothing proves its scores are of the kind now taken.
 */
public final class AlertTrack {
    /** {@link #quietSinceMillis} when the series is not in a quiet stretch of an open incident. */
    public static final long NOT_QUIET = Long.MIN_VALUE;
    /** {@link #producerKind} of a new track, or of one restored from state that did not record it (Flink's default 0). */
    public static final int UNKNOWN_PRODUCER = 0;

    /** The rings' length for a new track (when the window is longer): enough for a series' first minutes. */
    public static final int INITIAL_CAPACITY = 16;

    /**
     * Ring of the last {@link #size} scores. Its length (the capacity) grows up to the policy's window,
     * and it wraps only at the window: while {@code size} is below the window the scores sit oldest
     * first in slots {@code 0 .. size − 1} and {@link #next} is {@code size} (or 0 once they fill a
     * capacity below the window: the next score's {@link #fitTo} grows the ring and sets it back).
     */
    public double[] recent;
    /** How many entries of {@link #recent} hold scores (at most its length). */
    public int size;
    /** Ring index the next score is written to. */
    public int next;
    /** Whether an incident is open: no new alert until it closes. */
    public boolean open;
    /** Event time an alert was last raised ({@code Long.MIN_VALUE} before the first). */
    public long raisedAtMillis;
    /** Event time since which the scores of the open incident have been at the clear level, or {@link #NOT_QUIET}. */
    public long quietSinceMillis;
    /**
     * Multi-scale calibration: the mean surprisal of the last short window at each of the scores in
     * {@link #recent}, slot for slot (same {@link #size} and {@link #next}); empty when the policy is
     * single-scale.
     */
    public double[] recentMeans;
    /** Ring of the surprisals (−ln p) of the last {@link AlertPolicy#shortWindow()} scores; empty if single-scale. */
    public double[] surprisals;
    /** Ring index the next surprisal is written to. */
    public int surprisalNext;
    /**
     * Value-level test: the observed values at each of the scores in {@link #recent}, one ring of the
     * same length per channel, channel after channel (slot {@code c · recent.length + i}: the stride is
     * the score ring's capacity, not the window); NaN where the channel was not observed. Empty when the
     * policy has no value-level test.
     */
    public double[] recentValues;
    /** The surprise (nats) of the score that opened or last escalated the open incident; 0 when none is open. */
    public double incidentPeak;
    /**
     * The kind of score the calibration sample holds, as the caller numbers its kinds (ode-core's
     * SeriesMonitor: the score mode, with or without a residual scorer), or {@link #UNKNOWN_PRODUCER}.
     */
    public int producerKind;
    /** {@code String.hashCode} of the model lineage whose scores the sample holds (a primitive, for the POJO). */
    public int producerModelIdHash;
    /** The model version whose scores the sample holds. */
    public long producerModelVersion;

    /** An empty track with no ring; {@link AlertPolicy#observe} grows the ring as scores arrive. */
    public AlertTrack() {
        this(0);
    }

    /**
     * An empty track whose ring holds {@code capacity} scores from the start (a policy whose window is
     * {@code capacity} never grows it; {@link AlertPolicy#newTrack} starts smaller).
     */
    public AlertTrack(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must be >= 0, got " + capacity);
        }
        recent = new double[capacity];
        recentMeans = new double[0];
        surprisals = new double[0];
        recentValues = new double[0];
        raisedAtMillis = Long.MIN_VALUE;
        quietSinceMillis = NOT_QUIET;
    }

    /**
     * Keeps the calibration sample when its scores came from this producer (same kind, model lineage
     * and version); otherwise restarts it — scores, short-window means, surprisals and recent values
     * dropped, so the warm-up rule judges the next {@link AlertPolicy#minHistory()} scores — and
     * records the producer. The incident state stays: an open incident is not raised again by the
     * change. No allocation.
     *
     * @param kind the caller's number for the kind of score, never {@link #UNKNOWN_PRODUCER}
     * @return whether the calibration restarted (false for an empty sample: there was nothing to mix)
     */
    public boolean scoresFrom(int kind, int modelIdHash, long modelVersion) {
        if (kind == UNKNOWN_PRODUCER) {
            throw new IllegalArgumentException("a score kind must be known (not " + UNKNOWN_PRODUCER + ")");
        }
        if (holdsScoresOf(kind, modelIdHash, modelVersion)) {
            return false;
        }
        producerKind = kind;
        producerModelIdHash = modelIdHash;
        producerModelVersion = modelVersion;
        if (size == 0) {
            return false;
        }
        size = 0;
        next = 0;
        surprisalNext = 0;
        if (recentMeans != null) {
            Arrays.fill(recentMeans, 0.0);
        }
        if (surprisals != null) {
            Arrays.fill(surprisals, 0.0);
        }
        if (recentValues != null) {
            Arrays.fill(recentValues, Double.NaN);
        }
        return true;
    }

    /** Whether the calibration sample is recorded as this producer's (so {@link #scoresFrom} would keep it). */
    public boolean holdsScoresOf(int kind, int modelIdHash, long modelVersion) {
        return kind == producerKind && modelIdHash == producerModelIdHash && modelVersion == producerModelVersion;
    }

    /** How many scores the calibration sample holds now. */
    public int history() {
        return size;
    }

    /** A deep copy (the ring is copied too). */
    public AlertTrack copy() {
        AlertTrack c = new AlertTrack(0);
        c.recent = recent.clone();
        c.size = size;
        c.next = next;
        c.open = open;
        c.raisedAtMillis = raisedAtMillis;
        c.quietSinceMillis = quietSinceMillis;
        c.recentMeans = recentMeans == null ? new double[0] : recentMeans.clone();
        c.surprisals = surprisals == null ? new double[0] : surprisals.clone();
        c.surprisalNext = surprisalNext;
        c.recentValues = recentValues == null ? new double[0] : recentValues.clone();
        c.incidentPeak = incidentPeak;
        c.producerKind = producerKind;
        c.producerModelIdHash = producerModelIdHash;
        c.producerModelVersion = producerModelVersion;
        return c;
    }

    /** Appends a score, overwriting the oldest when the ring is full. */
    void push(double score) {
        recent[next] = score;
        next = next + 1 == recent.length ? 0 : next + 1;
        if (size < recent.length) {
            size++;
        }
    }

    /** Appends a score with the surprisal it had and the short-window mean of surprisals at it. */
    void push(double score, double surprisal, double mean) {
        recentMeans[next] = mean;
        recent[next] = score;
        next = next + 1 == recent.length ? 0 : next + 1;
        if (size < recent.length) {
            size++;
        }
        surprisals[surprisalNext] = surprisal;
        surprisalNext = surprisalNext + 1 == surprisals.length ? 0 : surprisalNext + 1;
    }

    /**
     * Sizes the multi-scale rings for a policy: the means ring to the score ring's length (a track
     * that had none gets the mean 0 for its older scores: they count as unsurprising windows), the
     * surprisal ring to {@code shortWindow} (emptied when its length changes).
     */
    void fitMultiScale(int shortWindow) {
        if (recentMeans.length != recent.length) {
            recentMeans = new double[recent.length];
        }
        if (surprisals.length != shortWindow) {
            surprisals = new double[shortWindow];
            surprisalNext = 0;
        }
    }

    /**
     * Sizes the value rings for {@code channels} channels beside the score ring; a track that had none
     * (or another count) starts them empty (NaN: no value seen), so the test waits for its own history.
     */
    void fitValues(int channels) {
        if (recentValues.length != channels * recent.length) {
            recentValues = new double[channels * recent.length];
            Arrays.fill(recentValues, Double.NaN);
        }
    }

    /**
     * Fits the rings to {@code window} before a score is added: shrinks a ring longer than the window
     * to it, keeping the newest scores in order (a track restored from state written under a policy
     * with a longer window), and grows a full ring shorter than the window ({@link #growIfFull}). A
     * POJO built by the no-arg constructor, or restored from state written under a shorter window,
     * keeps working instead of failing on the first event.
     */
    void fitTo(int window) {
        // state written before the multi-scale fields existed restores them as null
        if (recentMeans == null) {
            recentMeans = new double[0];
        }
        if (surprisals == null) {
            surprisals = new double[0];
        }
        if (recentValues == null) {
            recentValues = new double[0];
        }
        if (recent.length <= window) {
            growIfFull(window);
            return;
        }
        int keep = Math.min(size, window);
        double[] ring = new double[window];
        // the newest `keep` scores, oldest first
        for (int i = 0; i < keep; i++) {
            int from = Math.floorMod(next - keep + i, Math.max(1, recent.length));
            ring[i] = recent[from];
        }
        if (recentMeans.length == recent.length && recent.length > 0) {
            double[] means = new double[window];
            for (int i = 0; i < keep; i++) {
                means[i] = recentMeans[Math.floorMod(next - keep + i, recent.length)];
            }
            recentMeans = means;
        } else {
            recentMeans = new double[0];
        }
        recent = ring;
        recentValues = new double[0]; // re-sized, empty, by the next value-level observation
        size = keep;
        next = keep == window ? 0 : keep;
    }

    /**
     * Doubles the rings (from {@link #INITIAL_CAPACITY}, at most to {@code window}) when every slot of
     * the score ring holds a score and the ring is shorter than the window, so the next score gets a
     * free slot instead of overwriting the oldest: the track then holds exactly what a track allocated
     * at the full window would (same slots, same {@link #next}). The entries are laid out oldest first
     * (a ring from a shorter window may have wrapped); the value rings are re-laid out channel by
     * channel to the new stride, the rest NaN. Multi-scale means grow beside the scores; a means or
     * values ring that does not match the score ring is left to {@link #fitMultiScale} and
     * {@link #fitValues}. The rare allocation on the per-score path: log₂ steps over a series' life.
     */
    void growIfFull(int window) {
        int length = recent.length;
        if (size < length || length >= window) {
            return;
        }
        int grown = Math.min(window, Math.max(INITIAL_CAPACITY, 2 * length));
        int oldest = length == 0 ? 0 : next % length; // full: the oldest score is where the next would go
        double[] ring = new double[grown];
        unwrap(recent, 0, length, oldest, ring, 0);
        if (length > 0 && recentMeans.length == length) {
            double[] means = new double[grown];
            unwrap(recentMeans, 0, length, oldest, means, 0);
            recentMeans = means;
        }
        if (length > 0 && recentValues.length > 0 && recentValues.length % length == 0) {
            int channels = recentValues.length / length;
            double[] values = new double[channels * grown];
            Arrays.fill(values, Double.NaN);
            for (int c = 0; c < channels; c++) {
                unwrap(recentValues, c * length, length, oldest, values, c * grown);
            }
            recentValues = values;
        }
        recent = ring;
        next = size;
    }

    /**
     * Copies the full ring {@code ring[offset, offset + length)}, whose oldest entry is at
     * {@code oldest}, oldest first into {@code into} at {@code at}.
     */
    private static void unwrap(double[] ring, int offset, int length, int oldest, double[] into, int at) {
        int tail = length - oldest;
        System.arraycopy(ring, offset + oldest, into, at, tail);
        System.arraycopy(ring, offset, into, at + tail, oldest);
    }

    /** Field-wise equality (the ring compared slot by slot, as stored). */
    @Override
    public boolean equals(Object o) {
        return o instanceof AlertTrack t && t.size == size && t.next == next && t.open == open
                && t.raisedAtMillis == raisedAtMillis && t.quietSinceMillis == quietSinceMillis
                && Arrays.equals(t.recent, recent) && Arrays.equals(t.recentMeans, recentMeans)
                && Arrays.equals(t.surprisals, surprisals) && t.surprisalNext == surprisalNext
                && Arrays.equals(t.recentValues, recentValues)
                && Double.compare(t.incidentPeak, incidentPeak) == 0 && t.producerKind == producerKind
                && t.producerModelIdHash == producerModelIdHash && t.producerModelVersion == producerModelVersion;
    }

    @Override
    public int hashCode() {
        int h = Arrays.hashCode(recent);
        h = 31 * h + size;
        h = 31 * h + next;
        h = 31 * h + Boolean.hashCode(open);
        h = 31 * h + Long.hashCode(raisedAtMillis);
        h = 31 * h + Long.hashCode(quietSinceMillis);
        h = 31 * h + Arrays.hashCode(recentMeans);
        h = 31 * h + Arrays.hashCode(recentValues);
        h = 31 * h + Double.hashCode(incidentPeak);
        return 31 * h + Long.hashCode(producerModelVersion);
    }

    @Override
    public String toString() {
        return "AlertTrack[history=" + size + ", capacity=" + recent.length + ", open=" + open
                + (open ? ", raisedAt=" + raisedAtMillis : "")
                + (quietSinceMillis != NOT_QUIET ? ", quietSince=" + quietSinceMillis : "") + "]";
    }
}
