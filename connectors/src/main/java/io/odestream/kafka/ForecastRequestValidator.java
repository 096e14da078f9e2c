package io.odestream.kafka;

import io.odestream.schema.ForecastRequest;
import java.time.Instant;
import java.util.Optional;

/** The rules for a {@link ForecastRequest} to enter the job, the {@link RecordLimits} included. */
public final class ForecastRequestValidator implements RecordValidator<ForecastRequest> {
    private static final long serialVersionUID = 1L;

    private final int defaultSamples;

    /** Checks the samples a request names; one without them is taken to ask for one sample per time. */
    public ForecastRequestValidator() {
        this(1);
    }

    /** @param defaultSamples the job's samples per forecast, for requests that leave {@code samples} null */
    public ForecastRequestValidator(int defaultSamples) {
        if (defaultSamples < 1) {
            throw new IllegalArgumentException("defaultSamples must be >= 1, got " + defaultSamples);
        }
        this.defaultSamples = defaultSamples;
    }

    @Override
    public Optional<Rejection> validate(ForecastRequest r) {
        if (r.getSeriesId() == null || r.getSeriesId().isBlank()) {
            return Optional.of(new Rejection(Rejection.Reason.EMPTY_SERIES_ID, "ForecastRequest '"
                    + RecordLimits.shown(r.getRequestId()) + "' has an empty seriesId; name the series to forecast"));
        }
        Optional<Rejection> oversized = RecordLimits.check(r, defaultSamples);
        if (oversized.isPresent()) {
            return oversized;
        }
        if (r.getRequestId() == null || r.getRequestId().isBlank() || r.getQueryTimes().isEmpty()) {
            return Optional.of(new Rejection(Rejection.Reason.INVALID_RECORD, "ForecastRequest for series '"
                    + r.getSeriesId() + "' needs a non-empty requestId and at least one query time"));
        }
        for (Instant t : r.getQueryTimes()) {
            if (t.toEpochMilli() <= 0) {
                return Optional.of(new Rejection(Rejection.Reason.INVALID_EVENT_TIME, "ForecastRequest '"
                        + r.getRequestId() + "' has query time " + t.toEpochMilli()
                        + " ms; query times are positive epoch milliseconds"));
            }
        }
        if (r.getSamples() != null && r.getSamples() < 1) {
            return Optional.of(new Rejection(Rejection.Reason.INVALID_RECORD, "ForecastRequest '" + r.getRequestId()
                    + "' asks for " + r.getSamples() + " samples; use >= 1 or null for the default"));
        }
        return Optional.empty();
    }
}
