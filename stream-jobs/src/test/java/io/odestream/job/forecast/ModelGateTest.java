package io.odestream.job.forecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.job.ServingModel;
import io.odestream.job.TestModels;
import io.odestream.schema.AlertKind;
import io.odestream.schema.AnomalyAlert;
import io.odestream.schema.ModelArtifact;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.tasks.TestProcessingTimeService;
import org.junit.jupiter.api.Test;

/**
 * {@link ModelGate}: which artifacts concern the job, which are served, why the others are rejected,
 * and the start-up hold of event time until the first model.
 */
class ModelGateTest {
    private static final ModelArtifact V1 = TestModels.signed(1, 11);
    private static final ModelArtifact V2 = TestModels.signed(2, 22);
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final UpdaterSettings settings = UpdaterSettings.defaults(TestModels.MODEL_ID, TestModels.VERIFIER);
    private final OperatorParts.HeapBroadcastState<String, ModelArtifact> serving = new OperatorParts.HeapBroadcastState<>();
    private final UpdaterMetrics metrics = OperatorParts.metrics();
    private final OperatorParts.CollectingOutput output = new OperatorParts.CollectingOutput();
    private final UpdaterOutput out = new UpdaterOutput(output, metrics);
    private final TestProcessingTimeService time = new TestProcessingTimeService();
    private int waitsOver;

    ModelGateTest() throws Exception {
        time.setCurrentTime(0); // the test service starts at Long.MIN_VALUE
    }

    private ModelGate gate(boolean reportsModelEvents) {
        return new ModelGate(settings, serving, metrics, out, reportsModelEvents);
    }

    private ModelGate gate() {
        return gate(true);
    }

    private List<AnomalyAlert> rejections() {
        return output.side(PosteriorUpdater.ALERTS).stream().filter(a -> a.getKind() == AlertKind.MODEL_REJECTED)
                .toList();
    }

    /** Asserts that {@code bad} is rejected while V1 is served: one alert with the reason, V1 stays. */
    private AnomalyAlert assertRejectedAndV1Stays(ModelGate gate, ModelArtifact bad) throws Exception {
        assertTrue(gate.admit(V1, 0));
        assertFalse(gate.admit(bad, 0), "rejected");
        assertEquals(1, gate.served().version(), "the served version stays");
        assertSame(V1, serving.get("serving"), "broadcast state still holds the served artifact");
        assertEquals(1, metrics.rejectedModels.getCount());
        List<AnomalyAlert> alerts = rejections();
        assertEquals(1, alerts.size());
        AnomalyAlert alert = alerts.get(0);
        assertEquals(bad.getVersion(), alert.getModelVersion());
        assertEquals("model:" + TestModels.MODEL_ID, alert.getSeriesId());
        assertTrue(alert.getMessage().contains("version 1 stays in service"), alert.getMessage());
        return alert;
    }

    // ------------------------------------------------------------------ which artifacts concern the job

    @Test
    void anArtifactOfAnotherLineageIsIgnored() throws Exception {
        ModelArtifact other = TestModels.sign(TestModels.model(2, 6).toArtifact("another-model", 9, null, Map.of(),
                Map.of()));
        ModelGate gate = gate();
        assertFalse(gate.concerns(other), "before any model");
        gate.admit(V1, 0);
        assertFalse(gate.concerns(other), "while one is served");
        assertTrue(rejections().isEmpty(), "ignored, not rejected");
    }

    @Test
    void withoutAServedModelEveryArtifactOfTheLineageConcernsTheGate() throws Exception {
        assertTrue(gate().concerns(V1));
    }

    @Test
    void aReplayOfTheServedArtifactChangesNothing() throws Exception {
        ModelGate gate = gate();
        gate.admit(V1, 0);
        ModelArtifact replay = ModelArtifact.newBuilder(V1).build(); // an equal copy, as read back from the topic
        assertFalse(gate.concerns(replay));
    }

    @Test
    void anotherVersionOrAnotherContentUnderTheServedVersionConcernsTheGate() throws Exception {
        ModelGate gate = gate();
        gate.admit(V1, 0);
        assertTrue(gate.concerns(V2), "a new version");
        assertTrue(gate.concerns(TestModels.signed(1, 99)), "the served version with other content: to be rejected");
    }

    // ------------------------------------------------------------------ admission

    @Test
    void theFirstValidArtifactIsServedAndKeptInBroadcastState() throws Exception {
        ModelGate gate = gate();
        assertNull(gate.served(), "nothing is served before the first artifact");
        assertTrue(gate.admit(V1, 0));
        assertEquals(1, gate.served().version());
        assertSame(V1, serving.get("serving"));
        assertTrue(output.sides.isEmpty(), "admission raises no alert");
    }

    @Test
    void aNewerValidArtifactIsServed() throws Exception {
        ModelGate gate = gate();
        gate.admit(V1, 0);
        assertTrue(gate.admit(V2, 0));
        assertEquals(2, gate.served().version());
        assertSame(V2, serving.get("serving"));
        assertEquals(0, metrics.rejectedModels.getCount());
    }

    @Test
    void anUnsignedArtifactIsRejectedWithTheReasonAndTheServedVersionStays() throws Exception {
        ModelArtifact unsigned = TestModels.model(2, 3).toArtifact(TestModels.MODEL_ID, 3, null, Map.of(), Map.of());
        AnomalyAlert alert = assertRejectedAndV1Stays(gate(), unsigned);
        assertTrue(alert.getMessage().contains("UNSIGNED"), alert.getMessage());
    }

    @Test
    void aTamperedArtifactIsRejectedWithTheReasonAndTheServedVersionStays() throws Exception {
        ModelArtifact tampered = ModelArtifact.newBuilder(TestModels.signed(4, 4)).build();
        tampered.getParameters().set(0, 123.0);
        AnomalyAlert alert = assertRejectedAndV1Stays(gate(), tampered);
        assertTrue(alert.getMessage().contains("CHECKSUM_MISMATCH"), alert.getMessage());
    }

    @Test
    void anArtifactOfAnotherWidthIsRejectedWithTheReasonAndTheServedVersionStays() throws Exception {
        ModelArtifact wider = TestModels.sign(TestModels.model(3, 5).toArtifact(TestModels.MODEL_ID, 5, null, Map.of(),
                Map.of()));
        AnomalyAlert alert = assertRejectedAndV1Stays(gate(), wider);
        assertTrue(alert.getMessage().contains("3 channels"), alert.getMessage());
    }

    @Test
    void aRollbackToAnArtifactWithoutNamesIsServedAndKeepsTheServedNames() throws Exception {
        // artifacts written before channel names existed stay valid rollback targets of a named lineage
        List<String> names = List.of("flow", "pressure");
        io.odestream.latent.LatentOdeModel namedModel = io.odestream.latent.LatentOdeModel.create(
                TestModels.model(2, 33).spec().withChannelNames(names), 33);
        ModelArtifact named = TestModels.sign(namedModel.toArtifact(TestModels.MODEL_ID, 3, null, Map.of(), Map.of()));
        ModelGate gate = gate();
        assertTrue(gate.admit(named, 0));
        assertTrue(gate.admit(V2, 0), "the nameless version is admitted");
        assertEquals(2, gate.served().version());
        assertEquals(names, gate.served().channelNames(), "it takes the names of the version it replaced");
        assertTrue(rejections().isEmpty());
    }

    @Test
    void otherContentUnderTheServedVersionIsRejectedBecauseVersionsAreImmutable() throws Exception {
        AnomalyAlert alert = assertRejectedAndV1Stays(gate(), TestModels.signed(1, 99));
        assertTrue(alert.getMessage().contains("immutable"), alert.getMessage());
    }

    @Test
    void aRejectionBeforeAnyModelSaysSoAndStillNothingIsServed() throws Exception {
        ModelGate gate = gate();
        ModelArtifact unsigned = TestModels.model(2, 3).toArtifact(TestModels.MODEL_ID, 3, null, Map.of(), Map.of());
        assertFalse(gate.admit(unsigned, 0));
        assertNull(gate.served());
        assertTrue(serving.map.isEmpty());
        assertTrue(rejections().get(0).getMessage().contains("no model is served yet"), rejections().toString());
    }

    @Test
    void theRejectionAlertIsTimedAtTheWatermark() throws Exception {
        ModelGate gate = gate();
        ModelArtifact unsigned = TestModels.model(2, 3).toArtifact(TestModels.MODEL_ID, 3, null, Map.of(), Map.of());
        gate.admit(unsigned, 42_000);
        assertEquals(Instant.ofEpochMilli(42_000), rejections().get(0).getEventTime());
    }

    @Test
    void onlyTheReportingSubtaskAlertsOnARejectionButEverySubtaskRejectsAndCountsIt() throws Exception {
        ModelGate silent = gate(false);
        silent.admit(V1, 0);
        ModelArtifact unsigned = TestModels.model(2, 3).toArtifact(TestModels.MODEL_ID, 3, null, Map.of(), Map.of());
        assertFalse(silent.admit(unsigned, 0));
        assertEquals(1, silent.served().version());
        assertEquals(1, metrics.rejectedModels.getCount());
        assertTrue(output.sides.isEmpty(), "no alert from a subtask that does not speak for all");
    }

    @Test
    void afterARestoreTheArtifactInBroadcastStateIsServedWithoutPassingTheGateAgain() throws Exception {
        serving.put("serving", V1);
        ModelGate gate = gate();
        ServingModel served = gate.served();
        assertEquals(1, served.version());
        assertSame(served, gate.served(), "the filter is built once per artifact, not per call");
        assertFalse(gate.concerns(V1), "its replay changes nothing");
    }

    // ------------------------------------------------------------------ the start-up hold

    @Test
    void aSubtaskWithoutAModelHoldsEventTimeUntilTheFirstOneArrives() throws Exception {
        ModelGate gate = gate();
        gate.holdForFirstModel(time, WAIT, () -> waitsOver++);
        assertTrue(gate.holds(new Watermark(5_000)));
        assertTrue(gate.holds(new Watermark(7_000)));
        gate.admit(V1, 0);
        assertEquals(new Watermark(7_000), gate.release(), "only the newest held watermark takes effect");
        assertFalse(gate.holds(new Watermark(8_000)), "after the release watermarks pass");
        assertNull(gate.release(), "nothing is held any more");
        time.setCurrentTime(WAIT.toMillis());
        assertEquals(0, waitsOver, "the end of the wait means nothing once the hold is over");
    }

    @Test
    void withoutAModelTheHoldEndsWhenTheWaitIsOver() throws Exception {
        ModelGate gate = gate();
        gate.holdForFirstModel(time, WAIT, () -> waitsOver++);
        assertTrue(gate.holds(new Watermark(5_000)));
        time.setCurrentTime(WAIT.toMillis() - 1);
        assertEquals(0, waitsOver, "not before the wait is over");
        time.setCurrentTime(WAIT.toMillis());
        assertEquals(1, waitsOver);
        assertEquals(new Watermark(5_000), gate.release());
    }

    @Test
    void aSubtaskRestoredWithItsModelHoldsNothing() throws Exception {
        serving.put("serving", V1);
        ModelGate gate = gate();
        gate.holdForFirstModel(time, WAIT, () -> waitsOver++);
        assertFalse(gate.holds(new Watermark(5_000)));
        assertEquals(0, time.getNumActiveTimers(), "no wait is scheduled");
    }

    @Test
    void aGateThatWasNeverToldToHoldLetsWatermarksPass() {
        assertFalse(gate().holds(new Watermark(5_000)));
    }
}
