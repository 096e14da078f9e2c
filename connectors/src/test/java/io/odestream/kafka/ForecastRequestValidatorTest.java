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
}
