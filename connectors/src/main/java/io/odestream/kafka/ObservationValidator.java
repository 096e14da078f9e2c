package io.odestream.kafka;

import io.odestream.schema.Observation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The rules for an {@link Observation} to enter the job. Single non-finite or null channel
 * values are fine (the model masks them); an observation with nothing observed is not, nor one over
 * a {@link RecordLimits} bound, nor one whose time no live stream can have: before
 * {@link #EARLIEST_EVENT_TIME}, or ahead of the wall clock by more than the allowed skew.
 */
public final class ObservationValidator implements RecordValidator<Observation> {
    private static final long serialVersionUID = 1L;

    /**
     * An event time more than this ahead of the wall clock is a producer's clock or unit bug, not
     * data. Kept small because an accepted record moves its subtask's watermark to its time: one
     * record a day ahead would put every series of the subtask a day behind event time.
     */
    public static final Duration DEFAULT_MAX_FUTURE_SKEW = Duration.ofMinutes(1);
    /**
     * Event times before this are units bugs (seconds sent as milliseconds land in January 1970),
     * not data: no series odestream watches was measured before it.
     */
    public static final Instant EARLIEST_EVENT_TIME = Instant.parse("2000-01-01T00:00:00Z");

    private final long maxFutureSkewMillis;
    private final long earliestMillis;
    private final ExpectedChannels expectedChannels;

    public ObservationValidator(Duration maxFutureSkew, ExpectedChannels expectedChannels) {
        this(maxFutureSkew, EARLIEST_EVENT_TIME, expectedChannels);
    }

    /** @param earliest the earliest event time accepted (a replay of older data can lower it) */
    public ObservationValidator(Duration maxFutureSkew, Instant earliest, ExpectedChannels expectedChannels) {
        if (maxFutureSkew.isNegative()) {
            throw new IllegalArgumentException("maxFutureSkew must not be negative, got " + maxFutureSkew);
        }
        if (earliest.toEpochMilli() < 1) {
            throw new IllegalArgumentException("earliest must be a positive epoch time, got " + earliest);
        }
        this.maxFutureSkewMillis = maxFutureSkew.toMillis();
        this.earliestMillis = earliest.toEpochMilli();
        this.expectedChannels = expectedChannels;
    }

    /** The default rules with another allowed clock skew ({@code run --max-clock-skew}). */
    public static ObservationValidator withMaxFutureSkew(Duration maxFutureSkew) {
        return new ObservationValidator(maxFutureSkew, ExpectedChannels.any());
    }

    public static ObservationValidator withDefaults() {
        return new ObservationValidator(DEFAULT_MAX_FUTURE_SKEW, ExpectedChannels.any());
    }

    @Override
    public Optional<Rejection> validate(Observation o) {
        String seriesId = o.getSeriesId();
        if (seriesId == null || seriesId.isBlank()) {
            return reject(Rejection.Reason.EMPTY_SERIES_ID,
                    "Observation.seriesId is empty; the producer must set the series identity");
        }
        Optional<Rejection> oversized = RecordLimits.check(o);
        if (oversized.isPresent()) {
            return oversized;
        }
        long eventTime = o.getEventTime() == null ? 0 : o.getEventTime().toEpochMilli();
        if (eventTime <= 0) {
            return reject(Rejection.Reason.INVALID_EVENT_TIME, "Observation.eventTime of series '" + seriesId
                    + "' is " + eventTime + " ms; it must be a positive epoch-millisecond time (UTC)");
        }
        if (eventTime < earliestMillis) {
            return reject(Rejection.Reason.INVALID_EVENT_TIME, "Observation.eventTime of series '" + seriesId
                    + "' is " + Instant.ofEpochMilli(eventTime) + ", before " + Instant.ofEpochMilli(earliestMillis)
                    + "; check that the producer sends epoch milliseconds, not seconds");
        }
        long now = System.currentTimeMillis();
        if (eventTime > now + maxFutureSkewMillis) {
            return reject(Rejection.Reason.EVENT_TIME_IN_FUTURE, "Observation.eventTime of series '" + seriesId
                    + "' is " + (eventTime - now) + " ms ahead of the wall clock (allowed " + maxFutureSkewMillis
                    + " ms); check the producer's clock and that it sends milliseconds, not microseconds");
        }
        List<Double> values = o.getValues();
        int expected = expectedChannels.forSeries(seriesId);
        if (expected != ExpectedChannels.ANY && values.size() != expected) {
            return reject(Rejection.Reason.CHANNEL_COUNT_MISMATCH, "Observation of series '" + seriesId + "' has "
                    + values.size() + " values but the model expects " + expected
                    + " channels; send one entry per channel, null for channels not observed");
        }
        List<String> channels = o.getChannels();
        if (channels != null && channels.size() != values.size()) {
            return reject(Rejection.Reason.CHANNEL_COUNT_MISMATCH, "Observation of series '" + seriesId + "' names "
                    + channels.size() + " channels but has " + values.size() + " values; they must match");
        }
        for (Double v : values) {
            if (v != null && Double.isFinite(v)) {
                return Optional.empty();
            }
        }
        return reject(Rejection.Reason.NOTHING_OBSERVED, "Observation of series '" + seriesId + "' at " + eventTime
                + " has no finite value (all " + values.size() + " null/NaN/Inf); send at least one observed channel");
    }

    private static Optional<Rejection> reject(Rejection.Reason reason, String detail) {
        return Optional.of(new Rejection(reason, detail));
    }
}
