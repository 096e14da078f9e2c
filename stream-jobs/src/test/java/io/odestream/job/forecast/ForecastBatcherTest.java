package io.odestream.job.forecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.job.JobRecords;
import io.odestream.job.TestModels;
import io.odestream.latent.FilterState;
import io.odestream.latent.LatentFilter;
import io.odestream.latent.LevelFrame;
import io.odestream.latent.Prediction;
import io.odestream.schema.Forecast;
import io.odestream.schema.ModelArtifact;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.api.common.externalresource.ExternalResourceInfo;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ForecastBatcherTest {
    private static final ModelArtifact V1 = TestModels.signed(1, 11);
    private static final ModelArtifact V2 = TestModels.signed(2, 22);

    private final List<TwoInputStreamOperatorTestHarness<PendingForecast, ModelArtifact, Forecast>> harnesses =
            new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (var h : harnesses) {
            h.close();
        }
    }

    @Test
    void aFullBatchIsAnsweredAtOnceWithTheFiltersOwnNumbers() throws Exception {
        var h = harness(new MicroBatching("java", "cpu", 3, Duration.ofHours(1)), null);
        h.processElement2(V1, 0);
        List<PendingForecast> asked = List.of(pending("a", V1, 1_000), pending("b", V1, 2_000), pending("c", V1, 3_000));
        h.processElement1(asked.get(0), 0);
        h.processElement1(asked.get(1), 0);
        assertEquals(0, h.extractOutputValues().size(), "two of three: the batch is not full yet");
        h.processElement1(asked.get(2), 0);

        List<Forecast> out = h.extractOutputValues();
        assertEquals(3, out.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(unbatched(V1, asked.get(i)), issuedAtEpoch(out.get(i)),
                    "forecast " + i + " differs from LatentFilter.predict");
        }
    }

    /**
     * A series whose level moved ({@link LevelFrame}) is forecast in its frame and answered in the
     * data's units: the shift goes with the pending forecast, as it was when the series' state was taken.
     */
    @Test
    void aMovedSeriesIsForecastInItsFrameAndAnsweredInTheDataUnits() throws Exception {
        var h = harness(new MicroBatching("java", "cpu", 2, Duration.ofHours(1)), null);
        h.processElement2(V1, 0);
        LevelFrame frame = LevelFrame.of(2);
        frame.shift[1] = -40;
        PendingForecast moved = pending("a", V1, 1_000).inFrame(frame);
        frame.shift[1] = 7; // the series moves on; the forecast keeps the frame of its state
        PendingForecast unmoved = pending("b", V1, 2_000).inFrame(LevelFrame.of(2));
        assertNull(unmoved.levelShift, "an unmoved frame travels as nothing");
        h.processElement1(moved, 0);
        h.processElement1(unmoved, 0);

        List<Forecast> out = h.extractOutputValues();
        Prediction inFrame = LatentFilter.init(V1).predict(moved.query().state(), moved.queryTimesMillis, moved.samples,
                moved.seed);
        LevelFrame shifted = LevelFrame.of(2);
        shifted.shift[1] = -40;
        Forecast expected = issuedAtEpoch(JobRecords.forecast(moved.requestId, moved.seriesId, V1.getVersion(),
                moved.stateMillis, shifted.unshifted(inFrame), null));
        assertEquals(expected, issuedAtEpoch(out.get(0)));
        assertEquals(unbatched(V1, unmoved), issuedAtEpoch(out.get(1)));
    }

    @Test
    void aPartialBatchIsAnsweredWhenItsOldestForecastHasWaitedTheDelay() throws Exception {
        var h = harness(new MicroBatching("java", "cpu", 100, Duration.ofMillis(50)), null);
        h.processElement2(V1, 0);
        h.setProcessingTime(1_000);
        h.processElement1(pending("a", V1, 1_000), 0);
        h.setProcessingTime(1_030);
        h.processElement1(pending("b", V1, 2_000), 0);
        h.setProcessingTime(1_049);
        assertEquals(0, h.extractOutputValues().size());
        h.setProcessingTime(1_050);
        assertEquals(2, h.extractOutputValues().size(), "both go when the first has waited 50 ms");
    }

    @Test
    void everyForecastIsAnsweredBeforeTheCheckpointBarrier() throws Exception {
        var h = harness(new MicroBatching("java", "cpu", 100, Duration.ofHours(1)), null);
        h.processElement2(V1, 0);
        h.processElement1(pending("a", V1, 1_000), 0);
        h.processElement1(pending("b", V1, 2_000), 0);

        h.prepareSnapshotPreBarrier(1);
        assertEquals(2, h.extractOutputValues().size(),
                "the updater's checkpoint counts these requests as handled, so their answers go before the barrier");
        OperatorSubtaskState snapshot = h.snapshot(1, 1);
        var restored = harness(new MicroBatching("java", "cpu", 100, Duration.ofMillis(10)), snapshot);
        restored.setProcessingTime(100);
        restored.prepareSnapshotPreBarrier(2);
        assertEquals(0, restored.extractOutputValues().size(), "nothing answered twice after a restore");
    }

    @Test
    void aForecastWaitsForItsModelVersionAcrossARestore() throws Exception {
        var h = harness(new MicroBatching("java", "cpu", 100, Duration.ofMillis(10)), null);
        h.processElement2(V1, 0);
        PendingForecast forV2 = pending("a", V2, 1_000);
        h.processElement1(forV2, 0);
        h.prepareSnapshotPreBarrier(1);
        assertEquals(0, h.extractOutputValues().size(), "version 2 has not arrived on the models input yet");
        OperatorSubtaskState snapshot = h.snapshot(1, 1);

        var restored = harness(new MicroBatching("java", "cpu", 100, Duration.ofMillis(10)), snapshot);
        restored.setProcessingTime(5);
        restored.processElement2(V2, 0);
        restored.setProcessingTime(15);
        List<Forecast> out = restored.extractOutputValues();
        assertEquals(1, out.size());
        assertEquals(unbatched(V2, forV2), issuedAtEpoch(out.get(0)));
    }

    @Test
    void anArtifactWithTheVersionButNotTheChecksumTheUpdaterAdmittedIsNotUsed() throws Exception {
        var h = harness(new MicroBatching("java", "cpu", 1, Duration.ofMillis(10)), null);
        ModelArtifact impostor = TestModels.signed(1, 99); // same version, other weights
        h.processElement2(impostor, 0);
        h.processElement1(pending("a", V1, 1_000), 0);
        assertEquals(0, h.extractOutputValues().size());
        h.processElement2(V1, 0);
        h.setProcessingTime(20);
        assertEquals(1, h.extractOutputValues().size(), "answered once the admitted artifact is there");
    }

    @Test
    void theGpuDeviceIsTheOneTheTaskManagersGpuResourceAssigns() {
        assertEquals("gpu:1", ForecastBatcher.resolveDevice("gpu", Set.of(gpu("1"))));
        assertEquals("gpu:3", ForecastBatcher.resolveDevice("gpu:3", Set.of()), "an explicit index is kept");
        assertEquals("cpu", ForecastBatcher.resolveDevice("cpu", Set.of(gpu("0"))));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ForecastBatcher.resolveDevice("gpu", Set.of()));
        assertTrue(e.getMessage().contains("external-resources: gpu"), e.getMessage());
    }

    private TwoInputStreamOperatorTestHarness<PendingForecast, ModelArtifact, Forecast> harness(
            MicroBatching batching, OperatorSubtaskState restoreFrom) throws Exception {
        var h = new TwoInputStreamOperatorTestHarness<>(new ForecastBatcher(TestModels.MODEL_ID, batching));
        harnesses.add(h);
        h.setup();
        if (restoreFrom != null) {
            h.initializeState(restoreFrom);
        }
        h.open();
        return h;
    }

    /** A forecast of series {@code id} after one observation, as the updater would prepare it. */
    private static PendingForecast pending(String id, ModelArtifact artifact, long stateMillis) {
        LatentFilter filter = LatentFilter.init(artifact);
        FilterState state = filter.update(filter.start(stateMillis - 500), stateMillis, new double[] {0.3, -0.2}, null);
        return new PendingForecast("req-" + id, id, artifact.getChecksum(), state,
                new long[] {stateMillis + 1_000, stateMillis + 5_000}, 8, id.hashCode());
    }

    private static Forecast unbatched(ModelArtifact artifact, PendingForecast p) {
        Prediction expected = LatentFilter.init(artifact).predict(p.query().state(), p.queryTimesMillis, p.samples, p.seed);
        return issuedAtEpoch(JobRecords.forecast(p.requestId, p.seriesId, artifact.getVersion(), p.stateMillis,
                expected, null));
    }

    /** The issue time is the wall clock's; everything else must match bit for bit. */
    private static Forecast issuedAtEpoch(Forecast f) {
        return Forecast.newBuilder(f).setIssuedAt(Instant.EPOCH).build();
    }

    private static ExternalResourceInfo gpu(String index) {
        return new ExternalResourceInfo() {
            @Override
            public Optional<String> getProperty(String key) {
                return "index".equals(key) ? Optional.of(index) : Optional.empty();
            }

            @Override
            public Collection<String> getKeys() {
                return List.of("index");
            }
        };
    }
}
