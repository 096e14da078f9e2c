package io.odestream.kafka;

import io.odestream.schema.ForecastRequest;
import java.time.Instant;
import java.util.Optional;

/** The rules for a {@link ForecastRequest} to enter the job. */
public final class ForecastRequestValidator implements RecordValidator<ForecastRequest> {
    private static final long serialVersionUID = 1L;

    @Override
    public Optional<Rejection> validate(ForecastRequest r) {
        if (r.getSeriesId() == null || r.getSeriesId().isBlank()) {
            return Optional.of(new Rejection(Rejection.Reason.EMPTY_SERIES_ID, "ForecastRequest '" + r.getRequestId()
                    + "' has an empty seriesId; name the series to forecast"));
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
