package io.odestream.job.forecast;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.odestream.job.TestModels;
import io.odestream.schema.ForecastRequest;
import io.odestream.schema.Observation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.types.Either;
import org.apache.flink.util.clock.ManualClock;
import org.junit.jupiter.api.Test;

/**
 * The event time of the forecasting job's input: observations move it, forecast requests never do,
 * and a subtask without observations stops counting (idle) after the idleness period, however many
 * requests it reads. The output records what the generator told it, in order.
 */
class ObservationWatermarksTest {
    private static final Duration OUT_OF_ORDERNESS = Duration.ofSeconds(2);
    private static final Duration IDLENESS = Duration.ofSeconds(10);
    private final ManualClock clock = new ManualClock(1_000_000);
    private final ObservationWatermarks watermarks = new ObservationWatermarks(OUT_OF_ORDERNESS, IDLENESS, clock);
    private final List<String> output = new ArrayList<>();
    private final WatermarkOutput recorder = new WatermarkOutput() {
        @Override
        public void emitWatermark(Watermark watermark) {
            output.add("watermark " + watermark.getTimestamp());
        }

        @Override
        public void markIdle() {
            output.add("idle");
        }

        @Override
        public void markActive() {
            output.add("active");
        }
    };

    @Test
    void theWatermarkTrailsTheNewestObservationAndIgnoresRequestsAsOfTimes() {
        observation(10_000);
        observation(7_000);
        request(90_000);
        watermarks.onPeriodicEmit(recorder);
        assertEquals(List.of("watermark " + (10_000 - 2_000 - 1)), output);
    }

    @Test
    void requestsAloneLeaveTheOutputIdleOnceTheIdlenessPeriodHasPassed() {
        for (int second = 1; second <= 30; second++) { // a request every second: far more often than the idleness
            clock.advanceTime(Duration.ofSeconds(1));
            request(90_000 + second);
            watermarks.onPeriodicEmit(recorder);
        }
        assertEquals("idle", output.get(output.size() - 1), output.toString());
        assertEquals(1, output.stream().filter("idle"::equals).count(), "idle is said once: " + output);
        assertEquals(List.of(), output.stream().filter(o -> o.startsWith("watermark ")
                && !o.equals("watermark " + Long.MIN_VALUE)).toList(), "no request moved the watermark");
    }

    @Test
    void anObservationMakesAnIdleOutputActiveAndEmit() {
        clock.advanceTime(IDLENESS);
        watermarks.onPeriodicEmit(recorder);
        assertEquals(List.of("idle"), output);

        observation(10_000);
        watermarks.onPeriodicEmit(recorder);
        assertEquals(List.of("idle", "active", "watermark " + (10_000 - 2_000 - 1)), output);
    }

    @Test
    void requestsAfterObservationsDoNotMoveTheWatermark() {
        observation(10_000);
        watermarks.onPeriodicEmit(recorder);
        request(50_000);
        request(60_000);
        watermarks.onPeriodicEmit(recorder);
        assertEquals(List.of("watermark 7999", "watermark 7999"), output);
    }

    @Test
    void aSubtaskWhoseObservationsStopGoesIdleThoughRequestsKeepComing() {
        observation(10_000);
        watermarks.onPeriodicEmit(recorder);
        for (int second = 1; second <= 10; second++) {
            clock.advanceTime(Duration.ofSeconds(1));
            request(50_000);
            watermarks.onPeriodicEmit(recorder);
        }
        assertEquals("idle", output.get(output.size() - 1), output.toString());

        observation(12_000);
        watermarks.onPeriodicEmit(recorder);
        assertEquals(List.of("idle", "active", "watermark 9999"), output.subList(output.size() - 3, output.size()));
    }

    @Test
    void aSlowFirstObservationWithinTheIdlenessPeriodKeepsTheSubtaskCounting() {
        clock.advanceTime(IDLENESS.minusMillis(1));
        request(90_000);
        watermarks.onPeriodicEmit(recorder);
        observation(10_000);
        watermarks.onPeriodicEmit(recorder);
        assertEquals(List.of("watermark " + Long.MIN_VALUE, "watermark 7999"), output,
                "never idle: the other subtasks' watermarks must wait for this one's observations");
    }

    private void observation(long eventTime) {
        watermarks.onEvent(Either.Left(TestModels.observation("s", eventTime, 1.0, 1.0)), eventTime, recorder);
    }

    private void request(long asOf) {
        ForecastRequest r = ForecastRequest.newBuilder().setRequestId("r" + asOf).setSeriesId("s")
                .setQueryTimes(List.of(Instant.ofEpochMilli(asOf + 1_000))).setAsOf(Instant.ofEpochMilli(asOf)).build();
        watermarks.onEvent(Either.<Observation, ForecastRequest>Right(r), asOf, recorder);
    }
}
