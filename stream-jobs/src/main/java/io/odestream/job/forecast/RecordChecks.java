package io.odestream.job.forecast;

import io.odestream.kafka.RecordLimits;
import io.odestream.kafka.Rejection;
import io.odestream.schema.ForecastRequest;
import io.odestream.schema.Observation;
import java.time.Instant;
import java.util.Optional;

/**
 * What {@link PosteriorUpdater} checks of a record before it touches the series' state or allocates
 * for it: the {@link RecordLimits} and the fields the filter cannot work without. The sources'
 * validators dead-letter such records first; these checks hold for any source (a test, another job)
 * so that no record can make the operator throw, hold its subtask or grow without bound.
 */
final class RecordChecks {
    private final int defaultSamples;

    /** @param defaultSamples the job's samples per forecast, for requests that leave {@code samples} null */
    RecordChecks(int defaultSamples) {
        this.defaultSamples = defaultSamples;
    }

    /** Why {@code o} cannot be applied to any series, if it cannot. */
    Optional<Rejection> observation(Observation o) {
        if (o.getEventTime() == null || o.getValues() == null) {
            return reject(Rejection.Reason.INVALID_RECORD, "an observation needs an event time and values");
        }
        Optional<Rejection> oversized = RecordLimits.check(o);
        if (oversized.isPresent()) {
            return oversized;
        }
        if (o.getEventTime().toEpochMilli() <= 0) {
            return reject(Rejection.Reason.INVALID_EVENT_TIME, "observation at " + o.getEventTime().toEpochMilli()
                    + " ms: event times are positive epoch milliseconds");
        }
        if (o.getValues().isEmpty()) {
            return reject(Rejection.Reason.NOTHING_OBSERVED, "observation at " + o.getEventTime() + " has no values");
        }
        return Optional.empty();
    }

    /** Why {@code r} cannot be answered from any series, if it cannot. */
    Optional<Rejection> request(ForecastRequest r) {
        if (r.getQueryTimes() == null || r.getQueryTimes().isEmpty()) {
            return reject(Rejection.Reason.INVALID_RECORD, "a forecast request needs at least one query time");
        }
        Optional<Rejection> oversized = RecordLimits.check(r, defaultSamples);
        if (oversized.isPresent()) {
            return oversized;
        }
        if (r.getSamples() != null && r.getSamples() < 1) {
            return reject(Rejection.Reason.INVALID_RECORD, "a forecast request asks for " + r.getSamples()
                    + " samples; ask for at least 1, or null for the job's default");
        }
        for (Instant t : r.getQueryTimes()) {
            if (t == null || t.toEpochMilli() <= 0) {
                return reject(Rejection.Reason.INVALID_EVENT_TIME, "a forecast request has query time " + t
                        + "; query times are positive epoch milliseconds");
            }
        }
        return Optional.empty();
    }

    private static Optional<Rejection> reject(Rejection.Reason reason, String detail) {
        return Optional.of(new Rejection(reason, detail));
    }
}
