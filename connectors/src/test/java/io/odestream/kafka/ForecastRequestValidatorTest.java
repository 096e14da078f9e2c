package io.odestream.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.schema.ForecastRequest;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ForecastRequestValidatorTest {

    private final ForecastRequestValidator validator = new ForecastRequestValidator();

    private static ForecastRequest request(String requestId, String seriesId, List<Instant> times, Integer samples) {
        return ForecastRequest.newBuilder().setRequestId(requestId).setSeriesId(seriesId).setQueryTimes(times)
                .setSamples(samples).build();
    }

    @Test
    void aCompleteRequestIsAccepted() {
        assertTrue(validator.validate(request("r", "s", List.of(Instant.ofEpochMilli(5)), null)).isEmpty());
        assertTrue(validator.validate(request("r", "s", List.of(Instant.ofEpochMilli(5)), 8)).isEmpty());
    }

    @Test
    void incompleteRequestsAreRejectedWithTheirReason() {
        assertEquals(Rejection.Reason.EMPTY_SERIES_ID,
                validator.validate(request("r", "", List.of(Instant.ofEpochMilli(5)), null)).orElseThrow().reason());
        assertEquals(Rejection.Reason.INVALID_RECORD,
                validator.validate(request("", "s", List.of(Instant.ofEpochMilli(5)), null)).orElseThrow().reason());
        assertEquals(Rejection.Reason.INVALID_RECORD,
                validator.validate(request("r", "s", List.of(), null)).orElseThrow().reason());
        assertEquals(Rejection.Reason.INVALID_EVENT_TIME,
                validator.validate(request("r", "s", List.of(Instant.ofEpochMilli(0)), null)).orElseThrow().reason());
        assertEquals(Rejection.Reason.INVALID_RECORD,
                validator.validate(request("r", "s", List.of(Instant.ofEpochMilli(5)), 0)).orElseThrow().reason());
    }

    @Test
    void aRequestOverTheSizeLimitsIsRejected() {
        List<Instant> one = List.of(Instant.ofEpochMilli(5));
        assertRejected(request("r", "s", one, RecordLimits.MAX_SAMPLES + 1), "samples");
        assertRejected(request("r", "s", one, 1_000_000), "at most " + RecordLimits.MAX_SAMPLES);
        assertTrue(validator.validate(request("r", "s", one, RecordLimits.MAX_SAMPLES)).isEmpty());
        List<Instant> tooMany = java.util.stream.LongStream.rangeClosed(1, RecordLimits.MAX_QUERY_TIMES + 1)
                .mapToObj(Instant::ofEpochMilli).toList();
        assertRejected(request("r", "s", tooMany, 1), "query times");
        assertTrue(validator.validate(request("r", "s", tooMany.subList(0, RecordLimits.MAX_QUERY_TIMES), 1)).isEmpty());
        // the product: the job's default samples count for a request that names none
        List<Instant> hundred = tooMany.subList(0, 100);
        assertTrue(validator.validate(request("r", "s", hundred, null)).isEmpty());
        assertRejected(request("r", "s", hundred, 1000), "samples × query times");
        assertRejected(new ForecastRequestValidator(1000), request("r", "s", hundred, null), "samples × query times");
        assertRejected(request("r", "s".repeat(RecordLimits.MAX_SERIES_ID_CHARS + 1), one, null), "seriesId");
        assertRejected(request("r".repeat(RecordLimits.MAX_REQUEST_ID_CHARS + 1), "s", one, null), "requestId");
    }

    private void assertRejected(ForecastRequest r, String mentions) {
        assertRejected(validator, r, mentions);
    }

    private static void assertRejected(ForecastRequestValidator v, ForecastRequest r, String mentions) {
        Rejection rejection = v.validate(r).orElseThrow(() -> new AssertionError("accepted: " + r.getSeriesId()));
        assertEquals(Rejection.Reason.INVALID_RECORD, rejection.reason());
        assertTrue(rejection.detail().contains(mentions) && rejection.detail().length() < 300, rejection.detail());
    }
}
