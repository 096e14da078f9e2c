package io.odestream.cli.csv;

import java.time.Duration;
import java.util.Optional;

/**
 * Watches the event times a replay sends, in the order it sends them, for rows that go back in time.
 *
 * <p>Why: the job applies a series' observations in event-time order, holding each until the
 * watermark passes it; an observation further behind the latest one its Kafka partition has carried
 * than the job's out-of-orderness bound arrives behind the watermark, and goes to the late topic,
 * unscored, when its series already has a newer observation applied or when it would be the series'
 * first (the job's PosteriorUpdater). A CSV that is not sorted by timestamp replays fine and can then
 * lose rows that way, so the replay says so, with the step back a bound must cover for none to be
 * late. Which partition a series lands on is the broker's business, so the order is measured over
 * the whole file: the bound it gives is enough for any partitioning.
 */
public final class EventTimeOrder {
    private final long boundMillis;
    private long latest = Long.MIN_VALUE;
    private long seen;
    private long behind;
    private long behindBeyondBound;
    private long largestStepBackMillis;

    /** @param bound the out-of-orderness bound the warning compares with (the job's default) */
    public EventTimeOrder(Duration bound) {
        if (bound.isNegative()) {
            throw new IllegalArgumentException("the out-of-orderness bound must not be negative, got " + bound);
        }
        this.boundMillis = bound.toMillis();
    }

    /** Records the next sent observation's event time (epoch milliseconds). */
    public void accept(long eventTimeMillis) {
        seen++;
        if (eventTimeMillis >= latest) {
            latest = eventTimeMillis;
            return;
        }
        long stepBack = latest - eventTimeMillis;
        behind++;
        if (stepBack > boundMillis) {
            behindBeyondBound++;
        }
        largestStepBackMillis = Math.max(largestStepBackMillis, stepBack);
    }

    /** Observations earlier than one sent before them. */
    public long behind() {
        return behind;
    }

    /** Of {@link #behind()}, those further back than the bound. */
    public long behindBeyondBound() {
        return behindBeyondBound;
    }

    /** The largest step back in event time, 0 when the replay was in order. */
    public Duration largestStepBack() {
        return Duration.ofMillis(largestStepBackMillis);
    }

    /** What a user should be told at the end of the replay; empty when every row was in event-time order. */
    public Optional<String> warning() {
        if (behind == 0) {
            return Optional.empty();
        }
        Duration bound = Duration.ofMillis(boundMillis);
        return Optional.of(behind + " of " + seen + " observations were sent after a later one (largest step back "
                + largestStepBack() + "); " + behindBeyondBound + " of them are further back than " + bound
                + ", run's default --out-of-orderness: a job with that bound can send those to its late topic "
                + "unscored. Sort the file by timestamp, or run the job with --out-of-orderness " + largestStepBack()
                + " or more");
    }
}
