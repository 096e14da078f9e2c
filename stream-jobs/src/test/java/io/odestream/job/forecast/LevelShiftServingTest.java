package io.odestream.job.forecast;

import static io.odestream.job.TestModels.observation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.alert.AlertPolicy;
import io.odestream.job.TestModels;
import io.odestream.latent.LevelShift;
import io.odestream.schema.AlertKind;
import io.odestream.schema.AnomalyAlert;
import io.odestream.schema.Forecast;
import io.odestream.schema.ForecastRequest;
import io.odestream.schema.ModelArtifact;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.Test;

/**
 * A series whose level leaves its model's range, served by the job's operator (Flink's harness): with
 * the job's default {@link LevelShift} its forecasts follow it in the data's units, the alert at the
 * move says what the series was expected to do before it; with
 * {@code --level-shift off} this model cannot serve the new level at all.
 */
class LevelShiftServingTest {
    /** TestModels' model: 2 channels, training mean 0 and std 1, so the default bound is ±8. */
    private static final ModelArtifact MODEL = TestModels.signed(1, 11);
    private static final double LEVEL = 50;

    @Test
    void forecastsFollowAMovedLevelInTheDataUnitsAndTheAlertAtTheMoveSaysWhatWasExpectedBefore() throws Exception {
        UpdaterSettings settings = settings();
        assertEquals(LevelShift.defaults(), settings.monitor().levelShift(), "on in the job by default");
        PosteriorUpdaterHarness h = started(settings);
        try {
            long t = observe(h);
            Forecast f = ask(h, t + 1_000);
            double moved = f.getPoints().get(0).getMean().get(0);
            assertTrue(Math.abs(moved - LEVEL) < 5, "channel 0 forecast near the new level 50: " + moved);
            double stayed = f.getPoints().get(0).getMean().get(1);
            assertTrue(Math.abs(stayed) < 5, "channel 1 never moved: " + stayed);

            List<AnomalyAlert> anomalies = alerts(h);
            assertEquals(1, anomalies.size(), "one incident: the move " + anomalies);
            AnomalyAlert move = anomalies.get(0);
            assertTrue(move.getObserved().get(0) > LEVEL - 2);
            assertTrue(Math.abs(move.getExpected().get(0)) < 5,
                    "expected as the model saw the series before the move: " + move.getExpected());
        } finally {
            h.close();
        }
    }

    @Test
    void switchedOffTheModelCannotServeTheNewLevel() throws Exception {
        UpdaterSettings off = settings();
        off = off.withMonitor(off.monitor().withLevelShift(null));
        PosteriorUpdaterHarness h = started(off);
        try {
            long t = observe(h);
            Forecast f = forecast(h, t + 1_000);
            // this model's posterior runs off: its forecast leaves the envelope and is not served
            assertNotNull(f.getError(), "the model cannot serve the new level on its own");
            assertTrue(f.getPoints().get(0).getError().contains("envelope"), f.getPoints().get(0).getError());
        } finally {
            h.close();
        }
    }

    private static UpdaterSettings settings() {
        return UpdaterSettings.defaults(TestModels.MODEL_ID, TestModels.VERIFIER).withKeyTtl(Duration.ofDays(1))
                .withSamples(32, 8).withAlertPolicy(new AlertPolicy(64, 50, 0.02, 1e9, 0.2, 0));
    }

    private static PosteriorUpdaterHarness started(UpdaterSettings settings) throws Exception {
        PosteriorUpdaterHarness h = new PosteriorUpdaterHarness(new PosteriorUpdater(settings));
        h.setup();
        h.open();
        h.processBroadcastWatermark(Long.MAX_VALUE);
        h.processBroadcastElement(MODEL, 0);
        return h;
    }

    /** 60 s of an ordinary series, then 20 s with channel 0 at +50; the last event time. */
    private static long observe(PosteriorUpdaterHarness h) throws Exception {
        long t = 0;
        for (int k = 1; k <= 80; k++) {
            t = k * 1_000L;
            double a = 0.5 * Math.sin(k / 3.0) + (k > 60 ? LEVEL : 0);
            h.processElement(Either.Left(observation("s", t, a, 0.5 * Math.cos(k / 3.0))), t);
            h.processWatermark(t);
        }
        return t;
    }

    /** The answer to a request for {@code time}, which must be served. */
    private static Forecast ask(PosteriorUpdaterHarness h, long time) throws Exception {
        Forecast f = forecast(h, time);
        assertNull(f.getError());
        return f;
    }

    private static Forecast forecast(PosteriorUpdaterHarness h, long time) throws Exception {
        h.processElement(Either.Right(ForecastRequest.newBuilder().setRequestId("r").setSeriesId("s")
                .setQueryTimes(List.of(Instant.ofEpochMilli(time))).build()), Long.MIN_VALUE);
        List<Forecast> out = h.extractOutputValues();
        return out.get(out.size() - 1);
    }

    private static List<AnomalyAlert> alerts(PosteriorUpdaterHarness h) {
        var side = h.getSideOutput(PosteriorUpdater.ALERTS);
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue)
                .filter(a -> a.getKind() == AlertKind.ANOMALY).toList();
    }
}
