package io.odestream.job.forecast;

import static io.odestream.job.TestModels.observation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.schema.ForecastRequest;
import io.odestream.schema.Observation;
import java.util.List;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.Test;

/**
 * {@link SeriesExpiry}: a series silent for the key TTL (processing time) is forgotten with all its
 * state and timers; one that spoke since, or still has records waiting, is looked at again later.
 */
class SeriesExpiryTest {
    private static final long TTL = 30 * 60_000;

    private final OperatorParts.RecordingTimers timers = new OperatorParts.RecordingTimers();
    private final OperatorParts.HeapValueState<SeriesState> series = new OperatorParts.HeapValueState<>();
    private final OperatorParts.HeapMapState<Long, List<Either<Observation, ForecastRequest>>> pending =
            new OperatorParts.HeapMapState<>();
    private final UpdaterMetrics metrics = OperatorParts.metrics();
    private final SeriesExpiry expiry = new SeriesExpiry(TTL, timers, series, pending, metrics);

    /** The operator's part: the series is touched at {@code now} and its state written back. */
    private SeriesState touchedAt(long now) throws Exception {
        timers.processingTime = now;
        SeriesState s = series.value() == null ? new SeriesState() : series.value();
        expiry.touch(s);
        series.update(s);
        return s;
    }

    @Test
    void theFirstRecordOfASeriesSetsItsExpiryTimerOneTtlLater() throws Exception {
        SeriesState s = touchedAt(1_000);
        assertEquals(1_000 + TTL, s.expiryTimer);
        assertEquals(1_000, s.lastSeenProcessingMillis);
        assertEquals(List.of(1_000 + TTL), List.copyOf(timers.processingTimers));
    }

    @Test
    void laterRecordsMoveTheLastSeenTimeButSetNoFurtherTimer() throws Exception {
        touchedAt(1_000);
        SeriesState s = touchedAt(5_000);
        assertEquals(5_000, s.lastSeenProcessingMillis);
        assertEquals(1_000 + TTL, s.expiryTimer);
        assertEquals(1, timers.processingTimers.size(), "one timer per series");
    }

    @Test
    void aSeriesSilentForTheTtlIsForgotten() throws Exception {
        touchedAt(0);
        timers.processingTime = TTL;
        expiry.expireIfSilent(TTL);
        assertNull(series.value(), "its state is gone");
        assertEquals(1, metrics.expiredSeries.getCount());
    }

    @Test
    void aForgottenSeriesLeavesNoPeriodicForecastTimerBehind() throws Exception {
        SeriesState s = touchedAt(0);
        s.periodicTimer = 11_000;
        timers.registerEventTimeTimer(null, 11_000);
        timers.registerEventTimeTimer(null, 99_000); // not this series' periodic timer: left alone
        expiry.expireIfSilent(TTL);
        assertNull(series.value());
        assertEquals(List.of(99_000L), List.copyOf(timers.eventTimers));
    }

    @Test
    void aSeriesTouchedSinceItsTimerWasSetIsLookedAtAgainOneTtlAfterItsLastRecord() throws Exception {
        touchedAt(0);
        touchedAt(TTL / 2);
        timers.processingTime = TTL;
        expiry.expireIfSilent(TTL);
        SeriesState s = series.value();
        assertEquals(TTL / 2 + TTL, s.expiryTimer);
        assertTrue(timers.processingTimers.contains(TTL / 2 + TTL));
        assertEquals(0, metrics.expiredSeries.getCount());
    }

    @Test
    void aSilentSeriesWithRecordsStillWaitingForTheWatermarkIsKeptAndLookedAtAgainRightAfter() throws Exception {
        touchedAt(0);
        List<Either<Observation, ForecastRequest>> waiting = List.of(Either.Left(observation("s", 50_000, 1.0, 2.0)));
        pending.put(50_000L, waiting);
        expiry.expireIfSilent(TTL);
        SeriesState s = series.value();
        assertEquals(TTL + 1, s.expiryTimer);
        assertTrue(timers.processingTimers.contains(TTL + 1));
        assertSame(waiting, pending.get(50_000L), "nothing that waits is dropped");
        assertEquals(0, metrics.expiredSeries.getCount());
    }

    @Test
    void aTimerThatIsNotTheSeriesCurrentExpiryTimerChangesNothing() throws Exception {
        SeriesState s = touchedAt(0);
        expiry.expireIfSilent(TTL + 5); // a stale timer, e.g. one replaced after the series spoke again
        assertSame(s, series.value());
        assertEquals(TTL, s.expiryTimer);
        assertEquals(1, timers.processingTimers.size());
        assertEquals(0, metrics.expiredSeries.getCount());
    }

    @Test
    void aTimerOfASeriesAlreadyForgottenChangesNothing() throws Exception {
        expiry.expireIfSilent(TTL);
        assertNull(series.value());
        assertTrue(timers.processingTimers.isEmpty());
        assertEquals(0, metrics.expiredSeries.getCount());
    }
}
