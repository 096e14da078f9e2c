package io.odestream.job.forecast;

import io.odestream.schema.ForecastRequest;
import io.odestream.schema.Observation;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.types.Either;

/**
 * Bounded out-of-orderness over the observations only. A forecast request's as-of time says when
 * the caller wants the answer from, not how far the stream has got: letting it advance the
 * watermark would answer requests before the observations they must see (and make those
 * observations late).
 */
final class ObservationWatermarks implements WatermarkGenerator<Either<Observation, ForecastRequest>> {
    private final long outOfOrderness;
    private long maxObserved;

    ObservationWatermarks(Duration outOfOrderness) {
        this.outOfOrderness = outOfOrderness.toMillis();
        this.maxObserved = Long.MIN_VALUE + this.outOfOrderness + 1;
    }

    @Override
    public void onEvent(Either<Observation, ForecastRequest> record, long timestamp, WatermarkOutput output) {
        if (record.isLeft()) {
            maxObserved = Math.max(maxObserved, timestamp);
        }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        output.emitWatermark(new Watermark(maxObserved - outOfOrderness - 1));
    }
}
