package io.odestream.job.forecast;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.odestream.job.TestModels;
import java.time.Duration;
import java.util.List;
import org.apache.flink.util.clock.ManualClock;
import org.junit.jupiter.api.Test;

/**
 * The event time of the forecasting job's observations: the newest one moves it, less the
 * out-of-orderness bound, and a subtask without observations stops counting (idle) after the
 * idleness period. The output records what the generator told it, in order.
 */
class ObservationWatermarksTest {
    private static final Duration OUT_OF_ORDERNESS = Duration.ofSeconds(2);
    private static final Duration IDLENESS = Duration.ofSeconds(10);
    private final ManualClock clock = new ManualClock(1_000_000);
    private final ObservationWatermarks watermarks = new ObservationWatermarks(OUT_OF_ORDERNESS, IDLENESS, clock);
    private final RecordingWatermarkOutput recorder = new RecordingWatermarkOutput();
    private final List<String> output = recorder.told;

    @Test
    void theWatermarkTrailsTheNewestObservation() {
        observation(10_000);
        observation(7_000);
        watermarks.onPeriodicEmit(recorder);
        assertEquals(List.of("watermark " + (10_000 - 2_000 - 1)), output);
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
    void aSubtaskWhoseObservationsStopGoesIdleOnceAndCountsAgainWithTheNext() {
        observation(10_000);
        watermarks.onPeriodicEmit(recorder);
        for (int second = 1; second <= 12; second++) {
            clock.advanceTime(Duration.ofSeconds(1));
            watermarks.onPeriodicEmit(recorder);
        }
        assertEquals("idle", output.get(output.size() - 1), output.toString());
        assertEquals(1, output.stream().filter("idle"::equals).count(), "idle is said once: " + output);

        observation(12_000);
        watermarks.onPeriodicEmit(recorder);
        assertEquals(List.of("idle", "active", "watermark 9999"), output.subList(output.size() - 3, output.size()));
    }

    @Test
    void aSlowFirstObservationWithinTheIdlenessPeriodKeepsTheSubtaskCounting() {
        clock.advanceTime(IDLENESS.minusMillis(1));
        watermarks.onPeriodicEmit(recorder);
        observation(10_000);
        watermarks.onPeriodicEmit(recorder);
        assertEquals(List.of("watermark " + Long.MIN_VALUE, "watermark 7999"), output,
                "never idle: the other subtasks' watermarks must wait for this one's observations");
    }

    private void observation(long eventTime) {
        watermarks.onEvent(TestModels.observation("s", eventTime, 1.0, 1.0), eventTime, recorder);
    }
}
