package io.odestream.job.forecast;

import static io.odestream.job.TestModels.observation;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.alert.AlertPolicy;
import io.odestream.job.SampleSeed;
import io.odestream.job.TestModels;
import io.odestream.latent.FilterState;
import io.odestream.latent.LatentFilter;
import io.odestream.latent.Prediction;
import io.odestream.latent.ScoreMode;
import io.odestream.schema.AlertKind;
import io.odestream.schema.AnomalyAlert;
import io.odestream.schema.Forecast;
import io.odestream.schema.ForecastRequest;
import io.odestream.schema.ModelArtifact;
import io.odestream.schema.Observation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** PosteriorUpdater in Flink's operator harness: ordering, scoring, forecasts, swaps, expiry, failures. */
class PosteriorUpdaterTest {
    private static final Duration TTL = Duration.ofMinutes(30);
    private static final ModelArtifact V1 = TestModels.signed(1, 11);
    private static final ModelArtifact V2 = TestModels.signed(2, 22);

    private final List<PosteriorUpdaterHarness> harnesses = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (var h : harnesses) {
            h.close();
        }
    }

    private static UpdaterSettings settings() {
        return UpdaterSettings.defaults(TestModels.MODEL_ID, TestModels.VERIFIER).withKeyTtl(TTL).withSamples(32, 8)
                .withAlertPolicy(new AlertPolicy(64, 50, 0.02, 1e9, 0.2, 0));
    }

    private PosteriorUpdaterHarness
            harness(UpdaterSettings settings, OperatorSubtaskState restoreFrom) throws Exception {
        return harness(settings, restoreFrom, null);
    }

    private PosteriorUpdaterHarness
            harness(UpdaterSettings settings, OperatorSubtaskState restoreFrom, StateBackend backend) throws Exception {
        var h = new PosteriorUpdaterHarness(new PosteriorUpdater(settings));
        harnesses.add(h);
        if (backend != null) {
            h.setStateBackend(backend);
        }
        h.setup();
        if (restoreFrom != null) {
            h.initializeState(restoreFrom);
        }
        h.open();
        h.processBroadcastWatermark(Long.MAX_VALUE); // as in the job: models never hold event time back
        return h;
    }

    private PosteriorUpdaterHarness
            harness() throws Exception {
        return harness(settings(), null);
    }

    private static void observe(PosteriorUpdaterHarness h, Observation o) throws Exception {
        h.processElement(Either.Left(o), o.getEventTime().toEpochMilli());
    }

    private static Forecast ask(PosteriorUpdaterHarness h, String series, long... times) throws Exception {
        int before = h.extractOutputValues().size();
        ForecastRequest r = ForecastRequest.newBuilder().setRequestId("r" + before).setSeriesId(series)
                .setQueryTimes(java.util.Arrays.stream(times).mapToObj(Instant::ofEpochMilli).toList()).build();
        h.processElement(Either.Right(r), Long.MIN_VALUE);
        List<Forecast> out = h.extractOutputValues();
        assertEquals(before + 1, out.size(), "a request is answered at once when it has no as-of time");
        return out.get(out.size() - 1);
    }

    private static List<AnomalyAlert> alerts(PosteriorUpdaterHarness h) {
        return h.getSideOutput(PosteriorUpdater.ALERTS) == null ? List.of()
                : h.getSideOutput(PosteriorUpdater.ALERTS).stream().map(StreamRecord::getValue).toList();
    }

    /** The filter state a plain in-order LatentFilter run over the observations reaches. */
    private static FilterState reference(ModelArtifact artifact, Observation... in) {
        LatentFilter f = LatentFilter.init(artifact);
        FilterState s = null;
        for (Observation o : in) {
            long t = o.getEventTime().toEpochMilli();
            double[] x = new double[o.getValues().size()];
            boolean[] m = new boolean[x.length];
            for (int j = 0; j < x.length; j++) {
                m[j] = o.getValues().get(j) != null;
                x[j] = m[j] ? o.getValues().get(j) : 0;
            }
            s = f.update(s == null ? f.start(t) : s, t, x, m);
        }
        return s;
    }

    private static void assertForecastFrom(FilterState expected, ModelArtifact artifact, Forecast got, long... times) {
        Prediction p = LatentFilter.init(artifact).predict(expected, times, 32,
                SampleSeed.of(got.getRequestId(), expected.timeMillis()));
        assertNull(got.getError());
        assertEquals(artifact.getVersion(), got.getModelVersion());
        assertEquals(expected.timeMillis(), got.getStateTime().toEpochMilli());
        for (int i = 0; i < times.length; i++) {
            double[] mean = got.getPoints().get(i).getMean().stream().mapToDouble(Double::doubleValue).toArray();
            assertArrayEquals(p.mean()[i], mean, 0.0, "forecast at " + times[i] + " is the filter's, bit for bit");
        }
    }

    @Test
    void observationsInOrderUpdateThePosteriorAndForecastsAnswerAtAnyTimes() throws Exception {
        var h = harness();
        h.processBroadcastElement(V1, 0);
        Observation a = observation("s", 1_000, 1.0, 2.0);
        Observation b = observation("s", 2_500, 1.5, null);
        Observation c = observation("s", 4_000, 0.5, 1.0);
        for (Observation o : List.of(a, b, c)) {
            observe(h, o);
        }
        h.processWatermark(4_000);
        // at and after the last observation, in any order: one answer, points sorted by time
        Forecast f = ask(h, "s", 9_000, 4_000, 5_000);
        assertEquals(List.of(4_000L, 5_000L, 9_000L), f.getPoints().stream().map(p -> p.getTime().toEpochMilli()).toList());
        assertForecastFrom(reference(V1, a, b, c), V1, f, 4_000, 5_000, 9_000);
        var p = f.getPoints().get(2);
        for (int j = 0; j < 2; j++) {
            assertTrue(p.getQ05().get(j) <= p.getQ50().get(j) && p.getQ50().get(j) <= p.getQ95().get(j));
            assertTrue(p.getStddev().get(j) > 0);
        }
    }

    @Test
    void aFreshSubtaskHoldsEventTimeUntilItsFirstModelSoThatNothingIsAppliedWithoutOne() throws Exception {
        var h = harness(); // no model yet, as at a fresh start when the observations' source is faster
        h.setProcessingTime(0);
        Observation a = observation("s", 1_000, 1.0, 2.0);
        Observation b = observation("s", 2_000, 1.5, 0.0);
        observe(h, a);
        observe(h, b);
        h.processWatermark(2_000);
        assertEquals(2, h.numEventTimeTimers(), "the watermark is held: both still wait");
        h.processBroadcastElement(V1, 0);
        assertEquals(0, h.numEventTimeTimers(), "the model releases the held watermark");
        assertForecastFrom(reference(V1, a, b), V1, ask(h, "s", 3_000), 3_000);
    }

    @Test
    void withoutAModelForTheWaitEventTimeGoesOnAndARestoredSubtaskWithAModelHoldsNothing() throws Exception {
        var h = harness();
        h.setProcessingTime(0);
        observe(h, observation("s", 1_000, 1.0, 2.0));
        h.processWatermark(1_000);
        assertEquals(1, h.numEventTimeTimers());
        h.setProcessingTime(PosteriorUpdater.FIRST_MODEL_WAIT.toMillis());
        assertEquals(0, h.numEventTimeTimers(), "applied without a model after the wait (kept for encoding)");

        h.processBroadcastElement(V1, 0);
        var restored = harness(settings(), h.snapshot(1, 0));
        restored.setProcessingTime(0);
        observe(restored, observation("s", 2_000, 1.5, 0.0));
        restored.processWatermark(2_000);
        assertEquals(0, restored.numEventTimeTimers(), "the model came back with the state: no hold");
    }

    @Test
    void outOfOrderObservationsInsideTheBoundWaitForTheWatermarkAndApplyInEventTimeOrder() throws Exception {
        var h = harness();
        h.processBroadcastElement(V1, 0);
        Observation a = observation("s", 1_000, 1.0, 2.0);
        Observation b = observation("s", 2_000, 1.5, 0.0);
        Observation c = observation("s", 3_000, 0.5, 1.0);
        observe(h, c);
        observe(h, a);
        observe(h, b);
        assertEquals(3, h.numEventTimeTimers(), "each waits for the watermark");
        h.processWatermark(3_000);
        assertEquals(0, h.numEventTimeTimers());
        assertForecastFrom(reference(V1, a, b, c), V1, ask(h, "s", 4_000), 4_000);
        assertTrue(h.getSideOutput(PosteriorUpdater.LATE) == null || h.getSideOutput(PosteriorUpdater.LATE).isEmpty());
    }

    @Test
    void anObservationOlderThanTheSeriesStateGoesToTheLateOutputAndChangesNothing() throws Exception {
        var h = harness();
        h.processBroadcastElement(V1, 0);
        Observation a = observation("s", 1_000, 1.0, 2.0);
        Observation b = observation("s", 5_000, 1.5, 0.0);
        observe(h, a);
        observe(h, b);
        h.processWatermark(5_000);
        Observation late = observation("s", 4_000, 9.0, 9.0);
        observe(h, late);
        assertEquals(List.of(late), h.getSideOutput(PosteriorUpdater.LATE).stream().map(StreamRecord::getValue).toList());
        assertForecastFrom(reference(V1, a, b), V1, ask(h, "s", 6_000), 6_000);
    }

    @Test
    void afterARestoreAnObservationOlderThanTheSeriesStateIsLateAtOnceThoughTheWatermarkStartedAfresh()
            throws Exception {
        var h = harness();
        h.processBroadcastElement(V1, 0);
        Observation a = observation("s", 1_000, 1.0, 2.0);
        Observation b = observation("s", 5_000, 1.5, 0.0);
        observe(h, a);
        observe(h, b);
        h.processWatermark(5_000);
        var restored = harness(settings(), h.snapshot(1, 0));
        Observation late = observation("s", 4_000, 9.0, 9.0);
        observe(restored, late); // no watermark yet after the restore: it must not wait for one
        assertEquals(List.of(late),
                restored.getSideOutput(PosteriorUpdater.LATE).stream().map(StreamRecord::getValue).toList());
        assertEquals(0, restored.numEventTimeTimers(), "nothing left pending for it");
    }

    @Test
    void requestsWithAnAsOfTimeAreAnsweredInEventTimeOrderWithTheObservations() throws Exception {
        var h = harness();
        h.processBroadcastElement(V1, 0);
        Observation a = observation("s", 1_000, 1.0, 2.0);
        Observation b = observation("s", 3_000, 1.5, 0.0);
        observe(h, a);
        observe(h, b);
        ForecastRequest asOf2 = ForecastRequest.newBuilder().setRequestId("q").setSeriesId("s")
                .setQueryTimes(List.of(Instant.ofEpochMilli(6_000))).setAsOf(Instant.ofEpochMilli(2_000)).build();
        h.processElement(Either.Right(asOf2), 2_000);
        assertTrue(h.extractOutputValues().isEmpty(), "waits for the watermark");
        h.processWatermark(3_000);
        Forecast f = h.extractOutputValues().get(0);
        assertForecastFrom(reference(V1, a), V1, f, 6_000); // as of t=2000: only the first observation
    }

    @Test
    void aSurprisingObservationRaisesOneAlertScoredBeforeTheUpdate() throws Exception {
        // An untrained model: its scores drift, so alert on a raw threshold (the calibrated path is
        // AlertPolicyTest's and the end-to-end test's, with a trained model). The threshold is in the
        // Monte-Carlo mixture's scale (the spike is ~e²/2 from the nearest sample at the noise σ); the sigma
        // points' Gaussian adds the points' spread to σ², so the same spike scores lower there.
        UpdaterSettings monteCarlo = settings().withAlertPolicy(new AlertPolicy(1000, 1000, 0.001, 5_000, 0.2, 0));
        var h = harness(monteCarlo.withMonitor(monteCarlo.monitor().withScoreMode(ScoreMode.MONTE_CARLO)), null);
        h.processBroadcastElement(V1, 0);
        long t = 1_000;
        for (int i = 0; i < 100; i++, t += 1_000) {
            observe(h, observation("s", t, Math.sin(i / 5.0), Math.cos(i / 5.0)));
        }
        observe(h, observation("s", t, 40.0, 1.0)); // a spike on channel 0
        long spike = t;
        t += 1_000;
        for (int i = 0; i < 5; i++, t += 1_000) {
            observe(h, observation("s", t, Math.sin((101 + i) / 5.0), Math.cos((101 + i) / 5.0)));
        }
        h.processWatermark(t);
        List<AnomalyAlert> anomalies = alerts(h).stream().filter(a -> a.getKind() == AlertKind.ANOMALY).toList();
        assertEquals(1, anomalies.size(), "one alert: " + anomalies);
        AnomalyAlert alert = anomalies.get(0);
        assertEquals(spike, alert.getEventTime().toEpochMilli());
        assertTrue(alert.getScore() > alert.getThreshold());
        assertEquals(40.0, alert.getObserved().get(0));
        assertTrue(Math.abs(alert.getChannelZScores().get(0)) > Math.abs(alert.getChannelZScores().get(1)),
                "channel 0 is the surprising one: " + alert.getChannelZScores());
        assertEquals(5_000, alert.getThreshold());
    }

    @Test
    void aNewModelIsServedWithoutRestartAndSeriesAreReencodedLazilyFromTheirRecentObservations() throws Exception {
        var h = harness();
        h.processBroadcastElement(V1, 0);
        Observation a = observation("s", 1_000, 1.0, 2.0);
        Observation b = observation("s", 2_000, 1.5, null);
        observe(h, a);
        observe(h, b);
        h.processWatermark(2_000);
        h.processBroadcastElement(V2, 0);
        Forecast f = ask(h, "s", 5_000);
        assertForecastFrom(reference(V2, a, b), V2, f, 5_000);
        // rollback: an older version republished is served again
        h.processBroadcastElement(V1, 0);
        assertForecastFrom(reference(V1, a, b), V1, ask(h, "s", 5_000), 5_000);
    }

    @Test
    void observationsBeforeAnyModelAreKeptAndEncodedWhenTheFirstModelArrives() throws Exception {
        var h = harness();
        Observation a = observation("s", 1_000, 1.0, 2.0);
        observe(h, a);
        h.processWatermark(1_000);
        Forecast early = ask(h, "s", 2_000);
        assertTrue(early.getPoints().isEmpty());
        assertTrue(early.getError().contains("no model"), early.getError());
        h.processBroadcastElement(V1, 0);
        assertForecastFrom(reference(V1, a), V1, ask(h, "s", 2_000), 2_000);
    }

    @Test
    void artifactsThatFailTheGateAreRejectedWithTheReasonAndTheServedModelStays() throws Exception {
        var h = harness();
        h.processBroadcastElement(V1, 0);
        ModelArtifact unsigned = TestModels.model(2, 3).toArtifact(TestModels.MODEL_ID, 3, null, Map.of(), Map.of());
        ModelArtifact tampered = ModelArtifact.newBuilder(TestModels.signed(4, 4)).build();
        tampered.getParameters().set(0, 123.0);
        ModelArtifact wider = TestModels.sign(TestModels.model(3, 5).toArtifact(TestModels.MODEL_ID, 5, null, Map.of(),
                Map.of()));
        ModelArtifact sameVersionOtherContent = TestModels.signed(1, 99);
        for (ModelArtifact bad : List.of(unsigned, tampered, wider, sameVersionOtherContent)) {
            h.processBroadcastElement(bad, 0);
        }
        List<String> reasons = alerts(h).stream().filter(a -> a.getKind() == AlertKind.MODEL_REJECTED)
                .map(AnomalyAlert::getMessage).toList();
        assertEquals(4, reasons.size(), reasons.toString());
        assertTrue(reasons.get(0).contains("UNSIGNED"), reasons.get(0));
        assertTrue(reasons.get(1).contains("CHECKSUM_MISMATCH"), reasons.get(1));
        assertTrue(reasons.get(2).contains("3 channels"), reasons.get(2));
        assertTrue(reasons.get(3).contains("immutable"), reasons.get(3));
        Observation a = observation("s", 1_000, 1.0, 2.0);
        observe(h, a);
        h.processWatermark(1_000);
        assertForecastFrom(reference(V1, a), V1, ask(h, "s", 2_000), 2_000);
        h.processBroadcastElement(TestModels.sign(TestModels.model(2, 6).toArtifact("another-model", 9, null, Map.of(),
                Map.of())), 0);
        assertEquals(4, alerts(h).size(), "another lineage is not this job's business: ignored, not rejected");
    }

    @Test
    void aSolverFailureKeepsTheLastGoodStateAndSaysSo() throws Exception {
        var h = harness();
        // encoder dynamics that overflow: the solve between two observations cannot finish
        ModelArtifact exploding = TestModels.withParameters(1, 7, "encoder.dynamics", 1e200);
        h.processBroadcastElement(exploding, 0);
        Observation a = observation("s", 1_000, 1.0, 2.0);
        observe(h, a);
        observe(h, observation("s", 60_000, 1.0, 2.0));
        h.processWatermark(60_000);
        List<AnomalyAlert> errors = alerts(h).stream().filter(x -> x.getKind() == AlertKind.MODEL_ERROR).toList();
        assertEquals(1, errors.size(), alerts(h).toString());
        assertTrue(errors.get(0).getMessage().contains("last good state"), errors.get(0).getMessage());
        Forecast f = ask(h, "s", 61_000);
        assertEquals(1_000, f.getStateTime().toEpochMilli(), "the state before the failed update");
    }

    @Test
    void aSeriesWhoseUpdatesKeepFailingRestartsFromItsNewestObservation() throws Exception {
        var h = harness();
        h.processBroadcastElement(TestModels.withParameters(1, 7, "encoder.dynamics", 1e200), 0);
        observe(h, observation("s", 1_000, 1.0, 2.0));
        for (int i = 1; i <= PosteriorUpdater.RESTART_AFTER_FAILURES; i++) {
            observe(h, observation("s", 1_000 + i * 60_000L, 1.0, 2.0));
        }
        h.processWatermark(Long.MAX_VALUE - 1);
        List<String> errors = alerts(h).stream().filter(x -> x.getKind() == AlertKind.MODEL_ERROR)
                .map(AnomalyAlert::getMessage).toList();
        assertEquals(PosteriorUpdater.RESTART_AFTER_FAILURES, errors.size(), errors.toString());
        assertTrue(errors.get(errors.size() - 1).contains("restarts from this observation"), errors.toString());
        long newest = 1_000 + PosteriorUpdater.RESTART_AFTER_FAILURES * 60_000L;
        assertEquals(newest, ask(h, "s", newest + 1_000).getStateTime().toEpochMilli());
    }

    @Test
    void silentSeriesExpireWithTheirStateAndTimers() throws Exception {
        var h = harness(settings().withPeriodicForecasts(Duration.ofSeconds(10), Duration.ofSeconds(5)), null);
        h.setProcessingTime(0);
        h.processBroadcastElement(V1, 0);
        observe(h, observation("s", 1_000, 1.0, 2.0));
        observe(h, observation("t", 1_000, 1.0, 2.0));
        observe(h, observation("t", 50_000, 1.0, 2.0)); // waits for the watermark
        h.processWatermark(1_000);
        assertTrue(stateEntries(h) > 0);
        h.setProcessingTime(TTL.toMillis() / 2);
        h.processWatermark(50_000);
        h.setProcessingTime(TTL.toMillis() + 1); // "s" is silent for the whole TTL; "t" was touched at 0 too
        assertEquals(0, stateEntries(h), "every entry of both series is gone");
        assertEquals(0, h.numProcessingTimeTimers());
        assertEquals(0, h.numEventTimeTimers(), "no periodic forecast timer is left behind");
        Forecast f = ask(h, "s", 2_000);
        assertTrue(f.getError().contains("expired"), f.getError());
    }

    @Test
    void periodicForecastsFollowActiveSeriesAndStopWhenTheyFallSilent() throws Exception {
        var h = harness(settings().withPeriodicForecasts(Duration.ofSeconds(10), Duration.ofSeconds(5),
                Duration.ofSeconds(20)), null);
        h.processBroadcastElement(V1, 0);
        observe(h, observation("s", 1_000, 1.0, 2.0));
        observe(h, observation("s", 4_000, 1.0, 2.0));
        h.processWatermark(30_000);
        List<Forecast> periodic = h.extractOutputValues().stream()
                .filter(f -> f.getRequestId().startsWith("periodic-")).toList();
        assertEquals(1, periodic.size(), "one forecast 10 s after the first observation, none after silence");
        assertEquals(List.of(9_000L, 24_000L), periodic.get(0).getPoints().stream()
                .map(p -> p.getTime().toEpochMilli()).toList(), "horizons after the last observation (t=4000)");
        assertEquals(0, h.numEventTimeTimers());
    }

    @Test
    void aRestoredOperatorContinuesWithEveryPosteriorIntact() throws Exception {
        restoreContinuesWithEveryPosteriorIntact(null);
    }

    @Test
    void theSameHoldsOnTheRocksDbStateBackend() throws Exception {
        // RocksDB serialises state on every access: the POJO state types must round-trip exactly.
        restoreContinuesWithEveryPosteriorIntact(new EmbeddedRocksDBStateBackend());
    }

    private void restoreContinuesWithEveryPosteriorIntact(StateBackend backend) throws Exception {
        var h = harness(settings(), null, backend);
        h.processBroadcastElement(V1, 0);
        Observation a = observation("s", 1_000, 1.0, 2.0);
        Observation b = observation("s", 2_000, 0.5, 1.0);
        Observation c = observation("s", 3_000, 0.2, null); // still pending at the snapshot
        observe(h, a);
        observe(h, b);
        h.processWatermark(2_000);
        observe(h, c);
        OperatorSubtaskState snapshot = h.snapshot(1, 0);
        var restored = harness(settings(), snapshot, backend);
        restored.processWatermark(3_000);
        assertForecastFrom(reference(V1, a, b, c), V1, ask(restored, "s", 4_000), 4_000);
    }

    @Test
    void nonFiniteValuesAreTreatedAsMissing() throws Exception {
        var h = harness();
        h.processBroadcastElement(V1, 0);
        Observation withNaN = observation("s", 1_000, Double.NaN, 2.0);
        observe(h, withNaN);
        h.processWatermark(1_000);
        assertForecastFrom(reference(V1, observation("s", 1_000, null, 2.0)), V1, ask(h, "s", 2_000), 2_000);
    }

    private static int stateEntries(PosteriorUpdaterHarness h) {
        var operator = h.updater();
        return ((HeapKeyedStateBackend<?>) operator.getKeyedStateBackend()).numKeyValueStateEntries();
    }
}
