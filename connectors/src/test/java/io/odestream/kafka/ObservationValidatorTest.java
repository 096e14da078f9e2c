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
