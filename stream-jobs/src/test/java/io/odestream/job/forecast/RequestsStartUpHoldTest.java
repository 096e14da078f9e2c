package io.odestream.job.forecast;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.odestream.schema.ForecastRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.util.clock.ManualClock;
import org.junit.jupiter.api.Test;

/**
 * The forecast requests' input and event time: after a (re)start it holds the job's event time (it
 * stays active and emits nothing, so the downstream minimum stays at its start) for the idleness
 * period, while it reads the requests waiting on its topic; then it is idle for good. Requests never
 * move event time, and never make the input count again.
 */
class RequestsStartUpHoldTest {
    private static final Duration HOLD = Duration.ofSeconds(10);
    private final ManualClock clock = new ManualClock(1_000_000);
    private final RequestsStartUpHold hold = new RequestsStartUpHold(HOLD, clock);
    private final RecordingWatermarkOutput output = new RecordingWatermarkOutput();

    @Test
    void holdsEventTimeForTheIdlenessPeriodAfterItsStartThenGoesIdleOnce() {
        for (int second = 1; second < 10; second++) {
            clock.advanceTime(Duration.ofSeconds(1));
            request(90_000 + second);
            hold.onPeriodicEmit(output);
        }
        assertEquals(List.of(), output.told, "active without a watermark: the downstream minimum is held");

        clock.advanceTime(Duration.ofSeconds(1));
        hold.onPeriodicEmit(output);
        clock.advanceTime(Duration.ofSeconds(5));
        hold.onPeriodicEmit(output);
        assertEquals(List.of("idle"), output.told);
    }

    @Test
    void requestsAfterTheHoldNeitherMakeItActiveNorMoveEventTime() {
        clock.advanceTime(HOLD);
        hold.onPeriodicEmit(output);
        for (int second = 1; second <= 30; second++) {
            clock.advanceTime(Duration.ofSeconds(1));
            request(90_000 + second * 1_000L);
            hold.onPeriodicEmit(output);
        }
        assertEquals(List.of("idle"), output.told);
    }

    private void request(long asOf) {
        ForecastRequest r = ForecastRequest.newBuilder().setRequestId("r" + asOf).setSeriesId("s")
                .setQueryTimes(List.of(Instant.ofEpochMilli(asOf + 1_000))).setAsOf(Instant.ofEpochMilli(asOf)).build();
        hold.onEvent(r, ForecastJob.asOfTime(r), output);
    }
}
