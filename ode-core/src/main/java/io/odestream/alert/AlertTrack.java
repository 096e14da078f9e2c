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
 * <p>Size: {@code 8 · window} bytes for the ring plus five scalars.
 */
public final class AlertTrack {
    /** {@link #quietSinceMillis} when the series is not in a quiet stretch of an open incident. */
    public static final long NOT_QUIET = Long.MIN_VALUE;

    /** Ring of the last {@link #size} scores; its length is the policy's window. */
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

    /** An empty track with no ring; {@link AlertPolicy#observe} sizes the ring to the policy's window. */
    public AlertTrack() {
        this(0);
    }

    /** An empty track whose ring holds {@code window} scores. */
    public AlertTrack(int window) {
        if (window < 0) {
            throw new IllegalArgumentException("window must be >= 0, got " + window);
        }
        recent = new double[window];
        raisedAtMillis = Long.MIN_VALUE;
        quietSinceMillis = NOT_QUIET;
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

    /**
     * Re-sizes the ring to {@code window}, keeping the newest scores in order, when it has another
     * length: a track restored from state written under another policy (or a POJO built by the
     * no-arg constructor) keeps working instead of failing on the first event.
     */
    void fitTo(int window) {
        if (recent.length == window) {
            return;
        }
        int keep = Math.min(size, window);
        double[] ring = new double[window];
        // the newest `keep` scores, oldest first
        for (int i = 0; i < keep; i++) {
            int from = Math.floorMod(next - keep + i, Math.max(1, recent.length));
            ring[i] = recent[from];
        }
        recent = ring;
        size = keep;
        next = keep == window ? 0 : keep;
    }

    /** Field-wise equality (the ring compared slot by slot, as stored). */
    @Override
    public boolean equals(Object o) {
        return o instanceof AlertTrack t && t.size == size && t.next == next && t.open == open
                && t.raisedAtMillis == raisedAtMillis && t.quietSinceMillis == quietSinceMillis
                && Arrays.equals(t.recent, recent);
    }

    @Override
    public int hashCode() {
        int h = Arrays.hashCode(recent);
        h = 31 * h + size;
        h = 31 * h + next;
        h = 31 * h + Boolean.hashCode(open);
        h = 31 * h + Long.hashCode(raisedAtMillis);
        return 31 * h + Long.hashCode(quietSinceMillis);
    }

    @Override
    public String toString() {
        return "AlertTrack[history=" + size + "/" + recent.length + ", open=" + open
                + (open ? ", raisedAt=" + raisedAtMillis : "")
                + (quietSinceMillis != NOT_QUIET ? ", quietSince=" + quietSinceMillis : "") + "]";
    }
}
