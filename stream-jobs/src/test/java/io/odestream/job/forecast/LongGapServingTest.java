package io.odestream.job.forecast;

import static io.odestream.job.TestModels.observation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.alert.AlertPolicy;
import io.odestream.job.TestModels;
import io.odestream.latent.LatentOdeModel;
import io.odestream.latent.LatentOdeSpec;
import io.odestream.schema.AlertKind;
import io.odestream.schema.AnomalyAlert;
import io.odestream.schema.Forecast;
import io.odestream.schema.ForecastPoint;
import io.odestream.schema.ForecastRequest;
import io.odestream.schema.ModelArtifact;
import io.odestream.schema.Observation;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the job serves at gaps and horizons 100 times its model's trained horizon T (here 2 s,
 * recorded in the model; the series is observed every second), in Flink's operator harness:
 * <ul>
 *   <li>an observation after such a gap is absorbed like any other: no MODEL_ERROR alert, the series
 *       keeps its history (it is not restarted);</li>
 *   <li>a request with a far query time is answered at every point: the far point with the training
 *       data's mean and spread, no point of the request failed by it and no MODEL_ERROR alert;</li>
 *   <li>a query time before the series' state fails only its own point, with the reason; when every
 *       point fails, the forecast's error says so too.</li>
 * </ul>
 */
class LongGapServingTest {
    private static final double HORIZON_UNITS = 2.0;
    private static final long T = 2_000;
    private static final ModelArtifact MODEL = modelWithHorizon();

    private PosteriorUpdaterHarness h;

    /** TestModels' model (2 channels, training mean 0 and std 1, unit 1 s) with a recorded horizon of 2 s. */
    private static ModelArtifact modelWithHorizon() {
        LatentOdeModel plain = TestModels.model(2, 11);
        LatentOdeModel m = LatentOdeModel.create(plain.spec().withHorizon(HORIZON_UNITS), 11);
        return TestModels.sign(m.toArtifact(TestModels.MODEL_ID, 1, null, Map.of(), Map.of()));
    }

    @BeforeEach
    void open() throws Exception {
        UpdaterSettings settings = UpdaterSettings.defaults(TestModels.MODEL_ID, TestModels.VERIFIER)
                .withKeyTtl(Duration.ofDays(1)).withSamples(32, 8)
                .withAlertPolicy(new AlertPolicy(64, 50, 0.02, 1e9, 0.2, 0));
        h = new PosteriorUpdaterHarness(new PosteriorUpdater(settings));
        h.setup();
        h.open();
        h.processBroadcastWatermark(Long.MAX_VALUE);
        h.processBroadcastElement(MODEL, 0);
    }

    @AfterEach
    void close() throws Exception {
        h.close();
    }

    /** One observation, applied: the watermark passes it (observations wait for it). */
    private void observe(Observation o) throws Exception {
        h.processElement(Either.Left(o), o.getEventTime().toEpochMilli());
        h.processWatermark(o.getEventTime().toEpochMilli());
    }

    /** A series observed every second for 10 s. */
    private long observedEverySecond() throws Exception {
        long t = 0;
        for (int k = 1; k <= 10; k++) {
            t = k * 1_000L;
            observe(observation("s", t, Math.sin(k), Math.cos(k)));
        }
        return t;
    }

    private Forecast ask(long... times) throws Exception {
        int before = h.extractOutputValues().size();
        ForecastRequest r = ForecastRequest.newBuilder().setRequestId("r" + before).setSeriesId("s")
                .setQueryTimes(Arrays.stream(times).mapToObj(Instant::ofEpochMilli).toList()).build();
        h.processElement(Either.Right(r), Long.MIN_VALUE);
        List<Forecast> out = h.extractOutputValues();
        assertEquals(before + 1, out.size(), "one answer per request");
        return out.get(out.size() - 1);
    }

    private List<AnomalyAlert> modelErrors() {
        var side = h.getSideOutput(PosteriorUpdater.ALERTS);
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue)
                .filter(a -> a.getKind() == AlertKind.MODEL_ERROR).toList();
    }

    private static double mean(ForecastPoint p, int channel) {
        return p.getMean().get(channel);
    }

    @Test
    void anObservationAHundredHorizonsAfterTheLastIsAbsorbedAndTheSeriesKeepsItsHistory() throws Exception {
        long last = observedEverySecond();
        long late = last + 100 * T;
        observe(observation("s", late, 0.3, -0.2));
        assertEquals(List.of(), modelErrors(), "no solver failure, no MODEL_ERROR");
        Forecast f = ask(late + 500);
        assertNull(f.getError());
        assertEquals(late, f.getStateTime().toEpochMilli(), "the long-gap observation was absorbed");

        // the same observation in a series without the first ten: a different state, so the history counted
        PosteriorUpdaterHarness fresh = new PosteriorUpdaterHarness(new PosteriorUpdater(
                UpdaterSettings.defaults(TestModels.MODEL_ID, TestModels.VERIFIER).withSamples(32, 8)));
        try {
            fresh.setup();
            fresh.open();
            fresh.processBroadcastWatermark(Long.MAX_VALUE);
            fresh.processBroadcastElement(MODEL, 0);
            fresh.processElement(Either.Left(observation("s", late, 0.3, -0.2)), late);
            fresh.processWatermark(late);
            fresh.processElement(Either.Right(ForecastRequest.newBuilder().setRequestId("r0").setSeriesId("s")
                    .setQueryTimes(List.of(Instant.ofEpochMilli(late + 500))).build()), Long.MIN_VALUE);
            Forecast forgotten = fresh.extractOutputValues().get(0);
            assertFalse(f.getPoints().get(0).getMean().equals(forgotten.getPoints().get(0).getMean()),
                    "a series that had forgotten its history would forecast the same as one without it");
        } finally {
            fresh.close();
        }
    }

    @Test
    void aFarQueryTimeIsAnsweredWithTheTrainingMarginalAndFailsNothing() throws Exception {
        long last = observedEverySecond();
        Forecast f = ask(last + 1_000, last + 100 * T, last + 1_000_000 * T);
        assertNull(f.getError());
        assertEquals(3, f.getPoints().size());
        for (ForecastPoint p : f.getPoints()) {
            assertNull(p.getError(), "every point answered: " + p.getError());
            assertEquals(2, p.getMean().size());
        }
        for (ForecastPoint far : f.getPoints().subList(1, 3)) {
            for (int j = 0; j < 2; j++) {
                assertEquals(0.0, mean(far, j), 1e-9, "the training mean, far ahead");
                assertEquals(1.0, far.getStddev().get(j), 1e-9, "the training spread, far ahead");
                assertTrue(far.getQ05().get(j) < -1.6 && far.getQ95().get(j) > 1.6);
            }
        }
        assertEquals(List.of(), modelErrors());
    }

    @Test
    void aQueryTimeBeforeTheStateFailsOnlyItsOwnPointWithTheReason() throws Exception {
        long last = observedEverySecond();
        Forecast f = ask(last - 3_000, last + 1_000);
        assertNull(f.getError(), "the request is answered");
        ForecastPoint before = f.getPoints().get(0);
        assertEquals(last - 3_000, before.getTime().toEpochMilli());
        assertNotNull(before.getError());
        assertTrue(before.getError().contains("before the series' state"), before.getError());
        assertTrue(before.getMean().isEmpty() && before.getStddev().isEmpty() && before.getQ50().isEmpty(),
                "a refused point carries no number");
        ForecastPoint after = f.getPoints().get(1);
        assertNull(after.getError());
        assertTrue(Double.isFinite(mean(after, 0)));
        assertEquals(List.of(), modelErrors());
    }

    @Test
    void whenEveryPointIsRefusedTheForecastSaysSo() throws Exception {
        long last = observedEverySecond();
        Forecast f = ask(last - 3_000, last - 1_000);
        assertNotNull(f.getError());
        assertTrue(f.getError().contains("no query time could be answered"), f.getError());
        assertEquals(2, f.getPoints().size(), "each point still says why");
        assertTrue(f.getPoints().stream().allMatch(p -> p.getError() != null));
    }
}
