package io.odestream.job.forecast;

import static io.odestream.job.TestModels.observation;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.odestream.job.TestModels;
import io.odestream.latent.FilterState;
import io.odestream.latent.LatentFilter;
import io.odestream.latent.LatentOdeModel;
import io.odestream.latent.ObservationSkip;
import io.odestream.schema.Forecast;
import io.odestream.schema.ForecastPoint;
import io.odestream.schema.ForecastRequest;
import io.odestream.schema.ModelArtifact;
import io.odestream.schema.Observation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.Test;

/**
 * The job serves a model's observation skip: with a skip of last value carried forward
 * (a = 1, b = c = 0, spread 0.25) the forecast of each channel is its last observed value, from the
 * state the job keeps (Flink keyed state, through {@link SeriesState}) and from the state a batched
 * forecast carries ({@link PendingForecast}).
 */
class ObservationSkipServingTest {
    private static final ModelArtifact MODEL = TestModels.sign(modelWithLastValueSkip()
            .toArtifact(TestModels.MODEL_ID, 1, null, Map.of(), Map.of()));

    private static LatentOdeModel modelWithLastValueSkip() {
        long[] edges = {1_000, 10_000};
        ObservationSkip lastValue = ObservationSkip.lastValue(edges, new double[] {0, 0});
        double[][] spread = new double[2][edges.length + 2];
        for (double[] channel : spread) {
            java.util.Arrays.fill(channel, 0.25);
        }
        return TestModels.model(2, 11).withSkip(new ObservationSkip(edges, new double[] {0, 0},
                lastValue.coefficients(), spread));
    }

    @Test
    void aForecastOfAModelWithALastValueSkipIsEachChannelsLastObservedValue() throws Exception {
        UpdaterSettings settings = UpdaterSettings.defaults(TestModels.MODEL_ID, TestModels.VERIFIER)
                .withKeyTtl(Duration.ofDays(1)).withSamples(16, 8);
        PosteriorUpdaterHarness h = new PosteriorUpdaterHarness(new PosteriorUpdater(settings));
        try {
            h.setup();
            h.open();
            h.processBroadcastWatermark(Long.MAX_VALUE);
            h.processBroadcastElement(MODEL, 0);
            for (Observation o : List.of(observation("s", 1_000, 0.5, -0.25), observation("s", 2_000, 0.75, null))) {
                h.processElement(Either.Left(o), o.getEventTime().toEpochMilli());
                h.processWatermark(o.getEventTime().toEpochMilli());
            }
            h.processElement(Either.Right(ForecastRequest.newBuilder().setRequestId("r").setSeriesId("s")
                    .setQueryTimes(List.of(Instant.ofEpochMilli(2_500), Instant.ofEpochMilli(60_000))).build()),
                    Long.MIN_VALUE);

            Forecast f = h.extractOutputValues().get(0);

            assertNull(f.getError());
            for (ForecastPoint p : f.getPoints()) {
                assertNull(p.getError());
                assertEquals(List.of(0.75, -0.25), p.getMean(), "channel 1's last value is from the first observation");
                assertEquals(List.of(0.25, 0.25), p.getStddev());
            }
        } finally {
            h.close();
        }
    }

    @Test
    void theSeriesStateAndABatchedForecastKeepTheLastObservedValues() {
        LatentFilter filter = new LatentFilter(modelWithLastValueSkip(), TestModels.MODEL_ID, 1);
        FilterState state = filter.update(filter.start(1_000), 1_000, new double[] {0.5, -0.25}, null);
        state = filter.update(state, 2_000, new double[] {0.75, Double.NaN}, null);
        SeriesState kept = new SeriesState();
        kept.store(state);

        FilterState restored = kept.filterState(TestModels.MODEL_ID, 1);
        FilterState carried = new PendingForecast("r", "s", "sum", restored, new long[] {2_500}, 8, 1).query().state();

        assertEquals(state, restored);
        assertEquals(state, carried);
        assertArrayEquals(new double[] {0.75, -0.25}, carried.lastValues(), 0.0);
        assertArrayEquals(new long[] {2_000, 1_000}, carried.lastObservedMillis());
    }
}
