package io.odestream.job.forecast;

import io.odestream.schema.Observation;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.util.clock.RelativeClock;

/**
 * Bounded out-of-orderness over the observations, which alone move the job's event time (forecast
 * requests are held back for a while after a start by {@link RequestsStartUpHold}, never moved by:
 * a request's as-of time says when the caller wants the answer from, not how far the stream has got).
 * <p>
 * A subtask that has seen no observation for the idleness period (since its start, or since its last
 * one) declares itself idle, so that a subtask without partitions, or whose series went quiet, does
 * not hold the job's event time at its minimum forever. The first wait counts from the start so that
 * a subtask whose partitions are slow to deliver does not let the others' watermark pass observations
 * it is about to read.
 */
final class ObservationWatermarks implements WatermarkGenerator<Observation> {
    private final long outOfOrderness;
    private final long idleness;
    private final RelativeClock clock;
    private long maxObserved;
    private long lastObservationAt;
    private boolean idle;

    /** {@code clock} is processing time (the input activity clock of the operator). */
    ObservationWatermarks(Duration outOfOrderness, Duration idleness, RelativeClock clock) {
        this.outOfOrderness = outOfOrderness.toMillis();
        this.idleness = idleness.toMillis();
        this.clock = clock;
        this.maxObserved = Long.MIN_VALUE + this.outOfOrderness + 1;
        this.lastObservationAt = clock.relativeTimeMillis();
    }

    @Override
    public void onEvent(Observation observation, long timestamp, WatermarkOutput output) {
        maxObserved = Math.max(maxObserved, timestamp);
        lastObservationAt = clock.relativeTimeMillis();
        if (idle) { // the observation goes downstream now: its subtask must count again
            idle = false;
            output.markActive();
        }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        if (clock.relativeTimeMillis() - lastObservationAt >= idleness) {
            if (!idle) {
                idle = true;
                output.markIdle();
            }
            return;
        }
        output.emitWatermark(new Watermark(maxObserved - outOfOrderness - 1));
    }
}
