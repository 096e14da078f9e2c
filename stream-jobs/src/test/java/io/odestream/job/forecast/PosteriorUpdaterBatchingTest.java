package io.odestream.job.forecast;

import static io.odestream.job.TestModels.observation;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.alert.AlertPolicy;
import io.odestream.alert.PooledWarmUp;
import io.odestream.job.TestModels;
import io.odestream.latent.FilterState;
import io.odestream.latent.LatentFilter;
import io.odestream.latent.Prediction;
import io.odestream.latent.ScoreMode;
import io.odestream.schema.AnomalyAlert;
import io.odestream.schema.ForecastRequest;
import io.odestream.schema.ModelArtifact;
import io.odestream.schema.Observation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PosteriorUpdater with micro-batching: the observations due across series are scored and absorbed
 * one per series per backend call, and batching changes no number. The {@code counting} backend
 * (java's numbers) logs every call.
 */
class PosteriorUpdaterBatchingTest {
    private static final ModelArtifact V1 = TestModels.signed(1, 11);
    private static final ModelArtifact V2 = TestModels.signed(2, 22);
    private static final MicroBatching LARGE = new MicroBatching("counting", "cpu", 1_000, Duration.ofHours(1));

    private final List<PosteriorUpdaterHarness> harnesses = new ArrayList<>();

    @BeforeEach
    void resetCalls() {
        CountingBatchBackend.reset();
    }

    @AfterEach
    void close() throws Exception {
        for (var h : harnesses) {
            h.close();
        }
    }

    private static UpdaterSettings settings() {
        // warm-up rule only (minHistory above the stream's length): a raw score above 8 alerts
        return UpdaterSettings.defaults(TestModels.MODEL_ID, TestModels.VERIFIER).withSamples(32, 8)
                .withAlertPolicy(new AlertPolicy(1_000, 1_000, 0.02, 8.0, 0.2, 0));
    }

    private PosteriorUpdaterHarness harness(MicroBatching batching, OperatorSubtaskState restoreFrom) throws Exception {
        return harness(settings(), batching, restoreFrom);
    }

    private PosteriorUpdaterHarness harness(UpdaterSettings settings, MicroBatching batching,
                                            OperatorSubtaskState restoreFrom) throws Exception {
        var h = PosteriorUpdaterHarness.opened(new PosteriorUpdater(settings, batching), restoreFrom);
        harnesses.add(h);
        return h;
    }

    private static void observe(PosteriorUpdaterHarness h, Observation o) throws Exception {
        h.processElement(Either.Left(o), o.getEventTime().toEpochMilli());
    }

    private static void ask(PosteriorUpdaterHarness h, String series, String id) throws Exception {
        h.processElement(Either.Right(ForecastRequest.newBuilder().setRequestId(id).setSeriesId(series)
                .setQueryTimes(List.of(Instant.ofEpochMilli(1_000_000))).build()), Long.MIN_VALUE);
    }

    /** The filter states the batched updater handed to the forecast batcher, by request id. */
    private static Map<String, FilterState> pendingStates(PosteriorUpdaterHarness h) {
        Map<String, FilterState> states = new HashMap<>();
        var out = h.getSideOutput(PosteriorUpdater.PENDING_FORECASTS);
        if (out != null) {
            for (StreamRecord<PendingForecast> r : out) {
                states.put(r.getValue().requestId, r.getValue().query().state());
            }
        }
        return states;
    }

    private static List<AnomalyAlert> alerts(PosteriorUpdaterHarness h) {
        var out = h.getSideOutput(PosteriorUpdater.ALERTS);
        return out == null ? List.of() : out.stream().map(StreamRecord::getValue).toList();
    }

    private static Map<String, List<AnomalyAlert>> bySeries(List<AnomalyAlert> alerts) {
        Map<String, List<AnomalyAlert>> out = new java.util.TreeMap<>();
        for (AnomalyAlert a : alerts) {
            out.computeIfAbsent(a.getSeriesId(), k -> new ArrayList<>()).add(a);
        }
        return out;
    }

    /**
     * The state without the step its last score ended with, which {@link #reference} does not score
     * for (FilterBatchUpdaterTest checks it): the encoding, with the encoder's carried step.
     */
    private static FilterState encoding(FilterState s) {
        return new FilterState(s.modelId(), s.modelVersion(), s.originMillis(), s.timeMillis(), s.hidden(),
                s.lastValues(), s.lastObservedMillis(), 0.0, s.encoderStep());
    }

    private static FilterState reference(ModelArtifact artifact, List<Observation> in) {
        LatentFilter f = LatentFilter.init(artifact);
        FilterState s = null;
        for (Observation o : in) {
            long t = o.getEventTime().toEpochMilli();
            double[] x = new double[2];
            boolean[] m = new boolean[2];
            for (int j = 0; j < 2; j++) {
                m[j] = o.getValues().get(j) != null;
                x[j] = m[j] ? o.getValues().get(j) : 0;
            }
            s = f.update(s == null ? f.start(t) : s, t, x, m);
        }
        return s;
    }

    /** Four series, 40 observations each at irregular times, one with a jump, watermarks every 5 s. */
    private static List<Observation> stream() {
        Random random = new Random(3);
        List<Observation> out = new ArrayList<>();
        long[] next = {1_000, 1_300, 1_700, 2_100};
        for (int i = 0; i < 40; i++) {
            for (int k = 0; k < 4; k++) {
                double jump = k == 2 && i == 30 ? 40.0 : 0.0;
                Double second = random.nextDouble() < 0.2 ? null : Math.cos(next[k] / 3_000.0);
                out.add(observation("s" + k, next[k], Math.sin(next[k] / 2_000.0) + jump + 0.05 * random.nextGaussian(),
                        second));
                next[k] += 200 + random.nextInt(1_500);
            }
        }
        return out;
    }

    private static void run(PosteriorUpdaterHarness h, List<Observation> stream) throws Exception {
        long watermark = 0;
        for (Observation o : stream) {
            observe(h, o);
            long t = o.getEventTime().toEpochMilli();
            if (t - watermark > 5_000) {
                watermark = t - 2_000;
                h.processWatermark(watermark);
            }
        }
        h.processWatermark(Long.MAX_VALUE);
    }

    @Test
    void batchingChangesNoNumberOnlyHowManyCallsTheBackendGets() throws Exception {
        batchedAndPlainAgree(settings());
    }

    /**
     * The java backend solves a batch's sigma points of all series as one grouped solve (2L + 1 = 7
     * rows per series here, so the rows of two series share a kernel block): the alerts and states are
     * still the unbatched job's, bit for bit.
     */
    @Test
    void sigmaPointScoresBatchedAcrossSeriesAreTheUnbatchedJobs() throws Exception {
        UpdaterSettings sigma = settings();
        batchedAndPlainAgree(sigma.withMonitor(sigma.monitor().withScoreMode(ScoreMode.SIGMA_POINTS)));
    }

    /** Along the mean's path one row per series is solved, batched across series: still the unbatched job's bits. */
    @Test
    void meanPathScoresBatchedAcrossSeriesAreTheUnbatchedJobs() throws Exception {
        UpdaterSettings path = settings();
        batchedAndPlainAgree(path.withMonitor(path.monitor().withScoreMode(ScoreMode.MEAN_PATH)));
    }

    /**
     * The pooled warm-up rule judging (ready after 20 pooled events, the raw warm-up threshold replaced
     * by |z| 5): each path publishes the pool at every watermark, after the same observations, so
     * batching still changes no alert.
     */
    @Test
    void thePooledWarmUpRuleJudgesAlikeBatchedAndUnbatched() throws Exception {
        UpdaterSettings base = settings().withAlertPolicy(settings().alertPolicy().withWarmUpZ(5));
        var plain = batchedAndPlainAgree(base.withMonitor(base.monitor().withPooledWarmUp(new PooledWarmUp(20, 3))));
        assertTrue(plain.updater().pool().publishedMoments().count(0, 1) > 40,
                "precondition: the pool judged the later observations (" + plain.updater().pool().publishedMoments()
                        .count(0, 1) + " pooled events with both channels)");
    }

    /** {@code stream} run through the unbatched and the batched updater under V1: {plain, batched}. */
    private PosteriorUpdaterHarness[] plainAndBatched(UpdaterSettings settings, List<Observation> stream)
            throws Exception {
        var plain = harness(settings, null, null);
        plain.processBroadcastElement(V1, 0);
        run(plain, stream);
        var batched = harness(settings, LARGE, null);
        batched.processBroadcastElement(V1, 0);
        run(batched, stream);
        return new PosteriorUpdaterHarness[] {plain, batched};
    }

    private PosteriorUpdaterHarness batchedAndPlainAgree(UpdaterSettings settings) throws Exception {
        List<Observation> stream = stream();
        PosteriorUpdaterHarness[] both = plainAndBatched(settings, stream);
        var plain = both[0];
        var batched = both[1];
        for (int k = 0; k < 4; k++) {
            ask(batched, "s" + k, "q" + k);
        }
        batched.endInput1();

        List<AnomalyAlert> expected = alerts(plain);
        assertFalse(expected.isEmpty(), "precondition: the jump raises an alert");
        // across series the order may change (a batch runs series side by side), within a series it may not
        assertEquals(bySeries(expected), bySeries(alerts(batched)), "same alerts, same scores, bit for bit");
        Map<String, FilterState> states = pendingStates(batched);
        for (int k = 0; k < 4; k++) {
            String series = "s" + k;
            FilterState want = reference(V1, stream.stream().filter(o -> o.getSeriesId().equals(series)).toList());
            assertEquals(want, encoding(states.get("q" + k)), series + "'s state is the in-order filter's, bit for bit");
        }
        List<Integer> sizes = CountingBatchBackend.callSizes();
        assertEquals(160, sizes.stream().mapToInt(Integer::intValue).sum(), "every observation absorbed once");
        assertTrue(sizes.stream().allMatch(n -> n <= 4), "at most one observation per series per call: " + sizes);
        assertTrue(sizes.size() <= 160 / 2, "calls hold several series (" + sizes.size() + " calls)");
        return plain;
    }

    /**
     * A series whose level leaves the model's range (s3's channel 0 +40, the job's default bound being
     * 8 training σ = 8) moves its frame on either path: the batched job's alerts are the unbatched
     * job's, bit for bit, and the forecast it hands the batcher, answered in its frame and shifted
     * back, is the unbatched job's answer.
     */
    @Test
    void aMovedLevelFrameIsBatchedAsUnbatched() throws Exception {
        UpdaterSettings settings = settings();
        List<Observation> stream = new ArrayList<>();
        for (Observation o : stream()) {
            boolean moved = o.getSeriesId().equals("s3") && o.getEventTime().toEpochMilli() > 20_000;
            stream.add(!moved ? o : observation("s3", o.getEventTime().toEpochMilli(), o.getValues().get(0) + 40,
                    o.getValues().get(1)));
        }
        long last = stream.stream().mapToLong(o -> o.getEventTime().toEpochMilli()).max().orElseThrow();
        PosteriorUpdaterHarness[] both = plainAndBatched(settings, stream);
        var plain = both[0];
        var batched = both[1];
        ForecastRequest request = ForecastRequest.newBuilder().setRequestId("q3").setSeriesId("s3")
                .setQueryTimes(List.of(Instant.ofEpochMilli(last + 1_000))).build();
        plain.processElement(Either.Right(request), Long.MIN_VALUE);
        batched.processElement(Either.Right(request), Long.MIN_VALUE);
        batched.endInput1();

        assertEquals(bySeries(alerts(plain)), bySeries(alerts(batched)), "same alerts, same scores, bit for bit");
        PendingForecast pending = batched.getSideOutput(PosteriorUpdater.PENDING_FORECASTS).stream()
                .map(StreamRecord::getValue).filter(f -> f.requestId.equals("q3")).findFirst().orElseThrow();
        assertNotNull(pending.levelShift, "s3's state is in a moved frame");
        assertTrue(Math.abs(pending.levelShift[0] - 40) < 2, "moved by about the level: " + pending.levelShift[0]);
        Prediction inFrame = LatentFilter.init(V1).predict(pending.query().state(), pending.queryTimesMillis,
                pending.samples, pending.seed);
        List<Double> answered = plain.extractOutputValues().get(0).getPoints().get(0).getMean();
        assertEquals(List.of(pending.unshifted(inFrame).mean()[0][0], pending.unshifted(inFrame).mean()[0][1]),
                answered, "the unbatched answer, in the data's units");
        assertTrue(answered.get(0) > 30, "near the new level: " + answered);
    }

    @Test
    void aSeriesWithSeveralDueObservationsGetsOneRoundEachInItsOrder() throws Exception {
        var h = harness(LARGE, null);
        h.processBroadcastElement(V1, 0);
        List<Observation> a = List.of(observation("a", 1_000, 1.0, 2.0), observation("a", 2_000, 1.5, null),
                observation("a", 3_000, 0.5, 1.0));
        List<Observation> b = List.of(observation("b", 1_500, 0.0, 0.0));
        for (Observation o : List.of(a.get(0), b.get(0), a.get(1), a.get(2))) {
            observe(h, o);
        }
        assertTrue(CountingBatchBackend.calls().isEmpty(), "nothing is due before the watermark");
        h.processWatermark(3_000);
        assertEquals(List.of(List.of(1_000L, 1_500L), List.of(2_000L), List.of(3_000L)),
                CountingBatchBackend.calls().stream().map(CountingBatchBackend.Call::eventTimes).toList(),
                "round 1: a's first and b's only observation; then a's others, one per round");
        ask(h, "a", "qa");
        ask(h, "b", "qb");
        h.endInput1();
        assertEquals(reference(V1, a), encoding(pendingStates(h).get("qa")));
        assertEquals(reference(V1, b), encoding(pendingStates(h).get("qb")));
    }

    @Test
    void aBatchRunsWhenFullOrWhenItsOldestHasWaitedTheDelay() throws Exception {
        var h = harness(new MicroBatching("counting", "cpu", 2, Duration.ofMillis(20)), null);
        h.processBroadcastElement(V1, 0);
        h.processWatermark(10_000); // from here on every observation is due at once
        h.setProcessingTime(0);
        observe(h, observation("a", 10_000, 1.0, 2.0));
        assertEquals(List.of(), CountingBatchBackend.callSizes(), "one due observation waits for company");
        observe(h, observation("b", 10_000, 1.0, 2.0));
        assertEquals(List.of(2), CountingBatchBackend.callSizes(), "a full batch runs at once");
        observe(h, observation("c", 10_000, 1.0, 2.0));
        h.setProcessingTime(19);
        assertEquals(List.of(2), CountingBatchBackend.callSizes());
        h.setProcessingTime(20);
        assertEquals(List.of(2, 1), CountingBatchBackend.callSizes(), "the oldest waited the delay");
    }

    @Test
    void aCheckpointNeverHoldsAHalfAppliedBatch() throws Exception {
        var h = harness(LARGE, null);
        h.processBroadcastElement(V1, 0);
        h.processWatermark(10_000);
        Observation a = observation("a", 10_000, 1.0, 2.0);
        Observation b = observation("b", 10_000, 0.5, 0.0);
        observe(h, a);
        observe(h, b);
        assertEquals(List.of(), CountingBatchBackend.callSizes());
        h.prepareSnapshotPreBarrier(1); // what the task does before it sends a barrier on
        assertEquals(List.of(2), CountingBatchBackend.callSizes(), "applied before the barrier");
        OperatorSubtaskState snapshot = h.snapshot(1, 0);

        var restored = harness(LARGE, snapshot);
        ask(restored, "a", "qa");
        ask(restored, "b", "qb");
        restored.endInput1();
        assertEquals(List.of(2), CountingBatchBackend.callSizes(), "nothing is applied twice after the restore");
        assertEquals(reference(V1, List.of(a)), pendingStates(restored).get("qa"));
        assertEquals(reference(V1, List.of(b)), pendingStates(restored).get("qb"));
    }

    @Test
    void whatBecameDueUnderOneModelIsAppliedUnderItBeforeASwap() throws Exception {
        var h = harness(LARGE, null);
        h.processBroadcastElement(V1, 0);
        h.processWatermark(10_000);
        observe(h, observation("a", 9_000, 1.0, 2.0));
        observe(h, observation("b", 9_500, 1.0, 2.0));
        h.processBroadcastElement(V2, 0);
        observe(h, observation("a", 10_000, 1.0, 2.0));
        h.endInput1();
        assertEquals(List.of(1L, 2L), CountingBatchBackend.calls().stream().map(CountingBatchBackend.Call::modelVersion)
                .toList(), "the batch queued under v1 ran on v1, the next on v2");
        assertArrayEquals(new Object[] {List.of(9_000L, 9_500L), List.of(10_000L)},
                CountingBatchBackend.calls().stream().map(CountingBatchBackend.Call::eventTimes).toArray());
    }
}
