package io.odestream.kafka;

import io.odestream.schema.ForecastRequest;
import io.odestream.schema.Observation;
import java.util.List;
import java.util.Optional;

/**
 * The largest thing a record may ask of the job, checked before the job allocates anything for it.
 * A forecast's cost and memory grow with samples × query times × the model's width, a series' state
 * with its channels, every key and output with the ids: one record asking for a million samples
 * would hold every series of its subtask for minutes. The schemas' {@code doc} fields state the same
 * numbers. (Decoding itself is bounded by the message length, {@link BoundedBinaryDecoder}.)
 * {@link ObservationValidator} and {@link ForecastRequestValidator} dead-letter a record over a
 * limit; the per-series operator checks again, so no source can bypass them.
 */
public final class RecordLimits {
    /** Longest series id, in chars: it is the Kafka key, the Flink key and in every output record. */
    public static final int MAX_SERIES_ID_CHARS = 256;
    /** Longest request id, in chars: echoed in the forecast. */
    public static final int MAX_REQUEST_ID_CHARS = 256;
    /** Most channels (values) of one observation. */
    public static final int MAX_CHANNELS = 1024;
    /** Most query times of one forecast request. */
    public static final int MAX_QUERY_TIMES = 1024;
    /**
     * Most Monte-Carlo posterior samples one request may ask for (16 × the job's default). A forecast's
     * time grows with its samples: with the demo's model, on a shared 2-core machine, 64 samples took
     * 0.2 s, 4096 took 17 s (docs/RELIABILITY.md), all of it holding every series of the subtask.
     */
    public static final int MAX_SAMPLES = 1024;
    /**
     * Most samples × query times of one request: the predictive summary holds that many decoded
     * vectors at once (64 samples at 1024 times, or 1024 samples at 64 times).
     */
    public static final int MAX_SAMPLED_POINTS = 65_536;

    private RecordLimits() {
    }

    /** The first limit {@code o} exceeds, if any. */
    public static Optional<Rejection> check(Observation o) {
        Optional<Rejection> id = seriesId(o.getSeriesId(), "Observation");
        if (id.isPresent()) {
            return id;
        }
        List<Double> values = o.getValues();
        if (values != null && values.size() > MAX_CHANNELS) {
            return reject(Rejection.Reason.CHANNEL_COUNT_MISMATCH, "Observation of series '" + o.getSeriesId()
                    + "' has " + values.size() + " values; at most " + MAX_CHANNELS + " channels are accepted");
        }
        List<String> channels = o.getChannels();
        if (channels != null && channels.size() > MAX_CHANNELS) {
            return reject(Rejection.Reason.CHANNEL_COUNT_MISMATCH, "Observation of series '" + o.getSeriesId()
                    + "' names " + channels.size() + " channels; at most " + MAX_CHANNELS + " are accepted");
        }
        return Optional.empty();
    }

    /**
     * The first limit {@code r} exceeds, if any; a request without {@code samples} is checked with
     * {@code defaultSamples}, the job's own (trusted) setting.
     */
    public static Optional<Rejection> check(ForecastRequest r, int defaultSamples) {
        Optional<Rejection> id = seriesId(r.getSeriesId(), "ForecastRequest '" + shown(r.getRequestId()) + "'");
        if (id.isPresent()) {
            return id;
        }
        String requestId = r.getRequestId();
        if (requestId != null && requestId.length() > MAX_REQUEST_ID_CHARS) {
            return reject(Rejection.Reason.INVALID_RECORD, "ForecastRequest for series '" + r.getSeriesId()
                    + "' has a requestId of " + requestId.length() + " chars; at most " + MAX_REQUEST_ID_CHARS);
        }
        int times = r.getQueryTimes() == null ? 0 : r.getQueryTimes().size();
        if (times > MAX_QUERY_TIMES) {
            return reject(Rejection.Reason.INVALID_RECORD, "ForecastRequest '" + shown(requestId) + "' has " + times
                    + " query times; at most " + MAX_QUERY_TIMES + " per request (split it into several)");
        }
        Integer asked = r.getSamples();
        if (asked != null && asked > MAX_SAMPLES) {
            return reject(Rejection.Reason.INVALID_RECORD, "ForecastRequest '" + shown(requestId) + "' asks for "
                    + asked + " samples; at most " + MAX_SAMPLES + " (or null for the job's default)");
        }
        long samples = asked == null ? defaultSamples : asked;
        if (samples * times > MAX_SAMPLED_POINTS) {
            return reject(Rejection.Reason.INVALID_RECORD, "ForecastRequest '" + shown(requestId) + "' asks for "
                    + samples + " samples at " + times + " query times; samples × query times may be at most "
                    + MAX_SAMPLED_POINTS + " (ask for fewer samples or fewer times)");
        }
        return Optional.empty();
    }

    private static Optional<Rejection> seriesId(String seriesId, String record) {
        if (seriesId != null && seriesId.length() > MAX_SERIES_ID_CHARS) {
            return reject(Rejection.Reason.INVALID_RECORD, record + " has a seriesId of " + seriesId.length()
                    + " chars ('" + shown(seriesId) + "'); at most " + MAX_SERIES_ID_CHARS);
        }
        return Optional.empty();
    }

    /** An id as a message may quote it: never more than the limit, whatever the record holds. */
    static String shown(String id) {
        if (id == null) {
            return "null";
        }
        return id.length() <= 40 ? id : id.substring(0, 40) + "…";
    }

    private static Optional<Rejection> reject(Rejection.Reason reason, String detail) {
        return Optional.of(new Rejection(reason, detail));
    }
}
