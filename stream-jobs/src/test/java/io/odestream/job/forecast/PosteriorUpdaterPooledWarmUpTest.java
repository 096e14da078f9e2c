package io.odestream.job.forecast;

import static io.odestream.job.TestModels.observation;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.alert.AlertPolicy;
import io.odestream.alert.PooledWarmUp;
import io.odestream.alert.ZMoments;
import io.odestream.job.TestModels;
import io.odestream.schema.AnomalyAlert;
import io.odestream.schema.ModelArtifact;
import io.odestream.schema.Observation;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The pooled warm-up rule in the job: the z-moments pooled over a subtask's series are operator state,
 * so a job restored from a checkpoint holds the pool it had and judges as the job that never stopped,
 * and a subtask that takes over several subtasks' state on a rescale holds the sum of their pools.
 */
class PosteriorUpdaterPooledWarmUpTest {
    private static final ModelArtifact V1 = TestModels.signed(1, 11);
    /** Every observation is judged by the warm-up rule (minHistory above the stream), on |z| ≥ 5. */
    private static final UpdaterSettings SETTINGS = pooled(UpdaterSettings.defaults(TestModels.MODEL_ID,
            TestModels.VERIFIER).withSamples(32, 8).withAlertPolicy(
                    new AlertPolicy(1_000, 1_000, 0.02, 8.0, 0.2, 0).withWarmUpZ(5)));
    private static final int SERIES = 6;
    private static final int EACH = 30;

    private final List<PosteriorUpdaterHarness> harnesses = new ArrayList<>();

    private static UpdaterSettings pooled(UpdaterSettings s) {
        return s.withMonitor(s.monitor().withPooledWarmUp(new PooledWarmUp(20, 3)));
    }

    @AfterEach
    void close() throws Exception {
        for (var h : harnesses) {
            h.close();
        }
    }

    private PosteriorUpdaterHarness harness(OperatorSubtaskState restoreFrom) throws Exception {
        var h = PosteriorUpdaterHarness.opened(new PosteriorUpdater(SETTINGS), restoreFrom);
        harnesses.add(h);
        h.processBroadcastElement(V1, 0);
        return h;
    }

    /** Six series of two channels, one second apart, a one-channel jump in two of them late in the stream. */
    private static List<Observation> stream() {
        Random random = new Random(8);
        List<Observation> out = new ArrayList<>();
        for (int i = 0; i < EACH; i++) {
            for (int k = 0; k < SERIES; k++) {
                long t = 1_000L * (i + 1) + 100L * k;
                double jump = (k == 1 && i == 24) || (k == 4 && i == 27) ? 20.0 : 0.0;
                out.add(observation("s" + k, t, Math.sin(t / 4_000.0 + k) + jump + 0.05 * random.nextGaussian(),
                        Math.cos(t / 5_000.0 + k) + 0.05 * random.nextGaussian()));
            }
        }
        return out;
    }

    /** Observations {@code from} to {@code to}; after every 12th (two event seconds) a watermark 1 s behind. */
    private static void run(PosteriorUpdaterHarness h, List<Observation> stream, int from, int to) throws Exception {
        for (int i = from; i < to; i++) {
            Observation o = stream.get(i);
            h.processElement(Either.Left(o), o.getEventTime().toEpochMilli());
            if ((i + 1) % 12 == 0) {
                h.processWatermark(o.getEventTime().toEpochMilli() - 1_000);
            }
        }
    }

    private static List<AnomalyAlert> alerts(PosteriorUpdaterHarness h) {
        var out = h.getSideOutput(PosteriorUpdater.ALERTS);
        return out == null ? List.of() : out.stream().map(StreamRecord::getValue).toList();
    }

    private static void assertSameMoments(ZMoments want, ZMoments got, String what) {
        assertArrayEquals(want.sums(), got.sums(), what + ": sums");
        assertArrayEquals(want.counts(), got.counts(), what + ": counts");
    }

    @Test
    void aRestoredJobHoldsThePoolItHadAndJudgesAsTheJobThatNeverStopped() throws Exception {
        List<Observation> stream = stream();
        int cut = 12 * 10; // after a watermark: 20 of the 30 event seconds
        var uninterrupted = harness(null);
        run(uninterrupted, stream, 0, stream.size());
        uninterrupted.processWatermark(Long.MAX_VALUE);

        var first = harness(null);
        run(first, stream, 0, cut);
        assertTrue(first.updater().pool().publishedMoments().count(0, 1) >= 20,
                "precondition: the pool judges before the checkpoint");
        OperatorSubtaskState checkpoint = first.snapshot(1, 0);
        var restored = harness(checkpoint);
        assertSameMoments(first.updater().pool().moments(), restored.updater().pool().moments(), "pooled");
        assertSameMoments(first.updater().pool().publishedMoments(), restored.updater().pool().publishedMoments(),
                "published");
        run(restored, stream, cut, stream.size());
        restored.processWatermark(Long.MAX_VALUE);

        assertTrue(!alerts(restored).isEmpty(), "precondition: a jump after the restart alerts");
        List<AnomalyAlert> before = alerts(first);
        List<AnomalyAlert> resumed = new ArrayList<>(before);
        resumed.addAll(alerts(restored));
        assertEquals(alerts(uninterrupted), resumed, "the same alerts, scores and thresholds, bit for bit");
        assertSameMoments(uninterrupted.updater().pool().moments(), restored.updater().pool().moments(), "at the end");
    }

    @Test
    void scaledInOneSubtaskHoldsTheSumOfThePoolsItTookOver() throws Exception {
        List<Observation> stream = stream();
        var low = harness(null);
        var high = harness(null);
        for (Observation o : stream) { // s0–s2 on one subtask, s3–s5 on the other
            var h = o.getSeriesId().compareTo("s3") < 0 ? low : high;
            h.processElement(Either.Left(o), o.getEventTime().toEpochMilli());
        }
        low.processWatermark(Long.MAX_VALUE);
        high.processWatermark(Long.MAX_VALUE);
        OperatorSubtaskState both = PosteriorUpdaterHarness.repackageState(low.snapshot(1, 0), high.snapshot(1, 0));
        var merged = harness(both);
        ZMoments a = low.updater().pool().moments();
        ZMoments b = high.updater().pool().moments();
        assertTrue(a.count(0, 1) > 0 && b.count(0, 1) > 0, "precondition: both subtasks pooled events");
        for (int k = 0; k < 4; k++) {
            assertEquals(a.sums()[k] + b.sums()[k], merged.updater().pool().moments().sums()[k], "sum " + k);
            assertEquals(a.counts()[k] + b.counts()[k], merged.updater().pool().moments().counts()[k], "count " + k);
        }
    }
}
