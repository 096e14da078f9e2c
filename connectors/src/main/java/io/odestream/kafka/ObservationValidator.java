package io.odestream.kafka;

import io.odestream.schema.Observation;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The rules for an {@link Observation} to enter the job. Single non-finite or null channel
 * values are fine (the model masks them); an observation with nothing observed is not.
 */
public final class ObservationValidator implements RecordValidator<Observation> {
    private static final long serialVersionUID = 1L;

    /** An event time more than this ahead of the wall clock is a producer bug, not data. */
    public static final Duration DEFAULT_MAX_FUTURE_SKEW = Duration.ofDays(1);

    private final long maxFutureSkewMillis;
    private final ExpectedChannels expectedChannels;

    public ObservationValidator(Duration maxFutureSkew, ExpectedChannels expectedChannels) {
        if (maxFutureSkew.isNegative()) {
            throw new IllegalArgumentException("maxFutureSkew must not be negative, got " + maxFutureSkew);
        }
        this.maxFutureSkewMillis = maxFutureSkew.toMillis();
        this.expectedChannels = expectedChannels;
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
        long eventTime = o.getEventTime() == null ? 0 : o.getEventTime().toEpochMilli();
        if (eventTime <= 0) {
            return reject(Rejection.Reason.INVALID_EVENT_TIME, "Observation.eventTime of series '" + seriesId
                    + "' is " + eventTime + " ms; it must be a positive epoch-millisecond time (UTC)");
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
