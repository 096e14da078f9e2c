package io.odestream.job.forecast;

import io.odestream.schema.ForecastRequest;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.util.clock.RelativeClock;

/**
 * The forecast requests' share of event time: none, except for a hold after every (re)start.
 * <p>
 * After a restore, the observations' and the requests' sources each resume from the checkpoint's
 * offsets and read their backlogs at their own pace. Were the requests' input idle from the start,
 * the observations could carry the watermark past a waiting request's as-of time before the request
 * was read, and its series would have moved on: answered "query time is before the series' state"
 * where the same stream without the restart was answered. So each requests subtask holds event time
 * at its minimum (active, no watermark) for the idleness period after it starts, reading its backlog
 * meanwhile, and then declares itself idle for good: requests never move or hold event time after
 * that (a request that arrives after the observations passed its as-of time is answered from the
 * state its series has, or refused with the reason). The cost is that alerts wait up to the idleness
 * period after a start or a restore, as they already do for an observations subtask without data.
 */
final class RequestsStartUpHold implements WatermarkGenerator<ForecastRequest> {
    private final long hold;
    private final RelativeClock clock;
    private final long startedAt;
    private boolean idle;

    /** {@code clock} is processing time (the input activity clock of the operator). */
    RequestsStartUpHold(Duration hold, RelativeClock clock) {
        this.hold = hold.toMillis();
        this.clock = clock;
        this.startedAt = clock.relativeTimeMillis();
    }

    @Override
    public void onEvent(ForecastRequest request, long timestamp, WatermarkOutput output) {
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        if (!idle && clock.relativeTimeMillis() - startedAt >= hold) {
            idle = true;
            output.markIdle();
        }
    }
}
