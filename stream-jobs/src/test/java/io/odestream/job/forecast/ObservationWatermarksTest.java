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
import org.junit.jupiter.api.Test;

class ObservationWatermarksTest {
    private final List<Long> emitted = new ArrayList<>();
    private final WatermarkOutput output = new WatermarkOutput() {
        @Override
        public void emitWatermark(Watermark watermark) {
            emitted.add(watermark.getTimestamp());
        }

        @Override
        public void markIdle() {
        }

        @Override
        public void markActive() {
        }
    };

    @Test
    void theWatermarkTrailsTheNewestObservationAndIgnoresRequestsAsOfTimes() {
        ObservationWatermarks w = new ObservationWatermarks(Duration.ofSeconds(2));
        w.onEvent(Either.Left(TestModels.observation("s", 10_000, 1.0, 1.0)), 10_000, output);
        w.onEvent(Either.Left(TestModels.observation("s", 7_000, 1.0, 1.0)), 7_000, output);
        ForecastRequest farAhead = ForecastRequest.newBuilder().setRequestId("r").setSeriesId("s")
                .setQueryTimes(List.of(Instant.ofEpochMilli(99_000))).setAsOf(Instant.ofEpochMilli(90_000)).build();
        w.onEvent(Either.<Observation, ForecastRequest>Right(farAhead), 90_000, output);
        w.onPeriodicEmit(output);
        assertEquals(List.of(10_000L - 2_000 - 1), emitted);
    }
}
