package io.odestream.kafka;

import static io.odestream.kafka.ExampleRecords.observation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.schema.Observation;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ObservationValidatorTest {

    private final long now = System.currentTimeMillis();
    private final ObservationValidator threeChannels = new ObservationValidator(Duration.ofHours(1), ExpectedChannels.exactly(3));

    @Test
    void aPartlyObservedObservationIsAccepted() {
        assertTrue(threeChannels.validate(observation("s", now, 1.0, null, Double.NaN)).isEmpty());
        assertTrue(threeChannels.validate(observation("s", now, Double.POSITIVE_INFINITY, null, -0.0)).isEmpty());
    }

    @Test
    void anEmptySeriesIdIsRejected() {
        assertReason(Rejection.Reason.EMPTY_SERIES_ID, observation("", now, 1.0, 2.0, 3.0));
        assertReason(Rejection.Reason.EMPTY_SERIES_ID, observation("  ", now, 1.0, 2.0, 3.0));
    }

    @Test
    void aNonPositiveEventTimeIsRejected() {
        assertReason(Rejection.Reason.INVALID_EVENT_TIME, observation("s", 0, 1.0, 2.0, 3.0));
        assertReason(Rejection.Reason.INVALID_EVENT_TIME, observation("s", -5, 1.0, 2.0, 3.0));
    }

    @Test
    void anEventTimeBeyondTheAllowedSkewIsRejectedAndOneWithinIsNot() {
        assertReason(Rejection.Reason.EVENT_TIME_IN_FUTURE, observation("s", now + Duration.ofHours(2).toMillis(), 1.0, 2.0, 3.0));
        assertTrue(threeChannels.validate(observation("s", now + Duration.ofMinutes(30).toMillis(), 1.0, 2.0, 3.0)).isEmpty());
        // microseconds by mistake: 1000x too far ahead
        assertReason(Rejection.Reason.EVENT_TIME_IN_FUTURE, observation("s", now * 1000, 1.0, 2.0, 3.0));
    }

    @Test
    void aTimeBeforeTheYear2000IsAUnitsBugAndIsRejected() {
        long secondsSentAsMillis = now / 1000; // January 1970
        Rejection r = threeChannels.validate(observation("s", secondsSentAsMillis, 1.0, 2.0, 3.0)).orElseThrow();
        assertEquals(Rejection.Reason.INVALID_EVENT_TIME, r.reason());
        assertTrue(r.detail().contains("1970-01") && r.detail().contains("milliseconds, not seconds"), r.detail());
        assertTrue(threeChannels.validate(observation("s",
                ObservationValidator.EARLIEST_EVENT_TIME.toEpochMilli(), 1.0, 2.0, 3.0)).isEmpty());
        ObservationValidator replayOf1990s = new ObservationValidator(Duration.ofHours(1),
                java.time.Instant.parse("1990-01-01T00:00:00Z"), ExpectedChannels.exactly(3));
        assertTrue(replayOf1990s.validate(observation("s", 700_000_000_000L, 1.0, 2.0, 3.0)).isEmpty());
    }

    @Test
    void byDefaultARecordADayAheadIsRejectedAndOneASecondAheadIsNot() {
        ObservationValidator defaults = ObservationValidator.withDefaults();
        long aDayAhead = System.currentTimeMillis() + Duration.ofDays(1).toMillis() - 1;
        assertEquals(Rejection.Reason.EVENT_TIME_IN_FUTURE,
                defaults.validate(observation("s", aDayAhead, 1.0)).orElseThrow().reason());
        assertEquals(Rejection.Reason.EVENT_TIME_IN_FUTURE,
                defaults.validate(observation("s", System.currentTimeMillis() + 61_000, 1.0)).orElseThrow().reason());
        assertTrue(defaults.validate(observation("s", System.currentTimeMillis() + 1_000, 1.0)).isEmpty());
        assertTrue(ObservationValidator.withMaxFutureSkew(Duration.ofDays(2))
                .validate(observation("s", aDayAhead, 1.0)).isEmpty());
    }

    @Test
    void anObservationOverTheSizeLimitsIsRejectedBeforeItsValuesAreRead() {
        ObservationValidator any = ObservationValidator.withDefaults();
        Double[] tooWide = new Double[RecordLimits.MAX_CHANNELS + 1];
        java.util.Arrays.fill(tooWide, 1.0);
        assertEquals(Rejection.Reason.CHANNEL_COUNT_MISMATCH,
                any.validate(observation("s", now, tooWide)).orElseThrow().reason());
        Double[] widest = java.util.Arrays.copyOf(tooWide, RecordLimits.MAX_CHANNELS);
        assertTrue(any.validate(observation("s", now, widest)).isEmpty());
        String longId = "x".repeat(RecordLimits.MAX_SERIES_ID_CHARS + 1);
        Rejection r = any.validate(observation(longId, now, 1.0)).orElseThrow();
        assertEquals(Rejection.Reason.INVALID_RECORD, r.reason());
        assertTrue(r.detail().length() < 200, "the detail quotes the id shortened: " + r.detail());
        assertTrue(any.validate(observation(longId.substring(1), now, 1.0)).isEmpty());
    }

    @Test
    void theWrongNumberOfChannelsIsRejected() {
        assertReason(Rejection.Reason.CHANNEL_COUNT_MISMATCH, observation("s", now, 1.0, 2.0));
        assertReason(Rejection.Reason.CHANNEL_COUNT_MISMATCH, observation("s", now, 1.0, 2.0, 3.0, 4.0));
        Observation namesDisagree = observation("s", now, 1.0, 2.0, 3.0);
        namesDisagree.setChannels(List.of("a", "b"));
        assertReason(Rejection.Reason.CHANNEL_COUNT_MISMATCH, namesDisagree);
    }

    @Test
    void anyChannelCountIsFineWhenNoneIsExpected() {
        ObservationValidator any = ObservationValidator.withDefaults();
        assertTrue(any.validate(observation("s", now, 1.0)).isEmpty());
        assertTrue(any.validate(observation("s", now, 1.0, 2.0, 3.0, 4.0, 5.0)).isEmpty());
    }

    @Test
    void anObservationWithNothingObservedIsRejected() {
        assertReason(Rejection.Reason.NOTHING_OBSERVED, observation("s", now, Double.NaN, Double.NaN, Double.NaN));
        assertReason(Rejection.Reason.NOTHING_OBSERVED, observation("s", now, null, Double.NEGATIVE_INFINITY, null));
        assertEquals(Rejection.Reason.NOTHING_OBSERVED,
                ObservationValidator.withDefaults().validate(observation("s", now)).orElseThrow().reason());
    }

    @Test
    void theDetailNamesTheSeriesAndWhatToDo() {
        String detail = threeChannels.validate(observation("pump-7", now, 1.0)).orElseThrow().detail();
        assertTrue(detail.contains("pump-7") && detail.contains("expects 3"), detail);
    }

    private void assertReason(Rejection.Reason expected, Observation o) {
        assertEquals(expected, threeChannels.validate(o).map(Rejection::reason).orElse(null), o.toString());
    }
}
