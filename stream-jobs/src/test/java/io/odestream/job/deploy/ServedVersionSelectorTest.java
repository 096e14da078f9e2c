package io.odestream.job.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.job.TestModels;
import io.odestream.schema.ModelArtifact;
import io.odestream.schema.RegistryServing;
import io.odestream.schema.RegistryServingAction;
import io.odestream.schema.RegistryServingChange;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The serving job follows the registry's pointer: publishing does not deploy, promote and rollback do. */
class ServedVersionSelectorTest {
    private static final ModelArtifact V1 = TestModels.signed(1, 11);
    private static final ModelArtifact V2 = TestModels.signed(2, 12);
    private static final ModelArtifact V3 = TestModels.signed(3, 13);
    private final List<KeyedTwoInputStreamOperatorTestHarness<?, ?, ?, ?>> harnesses = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (var h : harnesses) {
            h.close();
        }
    }

    private KeyedTwoInputStreamOperatorTestHarness<String, ModelArtifact, RegistryServing, ModelArtifact> harness(
            OperatorSubtaskState restoreFrom) throws Exception {
        var h = new KeyedTwoInputStreamOperatorTestHarness<>(new KeyedCoProcessOperator<>(new ServedVersionSelector()),
                ModelArtifact::getModelId, RegistryServing::getModelId, Types.STRING);
        harnesses.add(h);
        h.setup();
        if (restoreFrom != null) {
            h.initializeState(restoreFrom);
        }
        h.open();
        return h;
    }

    private static RegistryServing pointer(long version) {
        return RegistryServing.newBuilder().setModelId(TestModels.MODEL_ID).setServingVersion(version)
                .setHistory(List.of(RegistryServingChange.newBuilder().setVersion(version)
                        .setAction(RegistryServingAction.PROMOTED).setReason("test")
                        .setChangedAt(Instant.ofEpochMilli(1_000)).build()))
                .build();
    }

    private static List<Long> served(KeyedTwoInputStreamOperatorTestHarness<?, ?, ?, ModelArtifact> h) {
        return h.extractOutputValues().stream().map(ModelArtifact::getVersion).toList();
    }

    private static List<Long> candidates(KeyedTwoInputStreamOperatorTestHarness<?, ?, ?, ModelArtifact> h) {
        var out = h.getSideOutput(ServedVersionSelector.CANDIDATES);
        return out == null ? List.of() : out.stream().map(StreamRecord::getValue).map(ModelArtifact::getVersion).toList();
    }

    @Test
    void nothingIsServedBeforeThePointerThenExactlyThePointedVersion() throws Exception {
        var h = harness(null);
        h.processElement1(new StreamRecord<>(V1));
        h.processElement1(new StreamRecord<>(V2));
        assertEquals(List.of(), served(h), "published, not promoted: not served");
        h.processElement2(new StreamRecord<>(pointer(1)));
        assertEquals(List.of(1L), served(h));
        assertEquals(List.of(2L), candidates(h), "v2 was published before the pointer came: it is the candidate");
    }

    @Test
    void aPointerAheadOfItsArtifactServesItWhenTheArtifactArrives() throws Exception {
        var h = harness(null);
        h.processElement2(new StreamRecord<>(pointer(2)));
        h.processElement1(new StreamRecord<>(V1));
        h.processElement1(new StreamRecord<>(V2));
        assertEquals(List.of(2L), served(h));
    }

    @Test
    void aNewerPublishedVersionIsACandidateUntilPromotedAndRollbackServesTheOldOneAgain() throws Exception {
        var h = harness(null);
        h.processElement1(new StreamRecord<>(V1));
        h.processElement2(new StreamRecord<>(pointer(1)));
        h.processElement1(new StreamRecord<>(V2)); // fine-tuning published it (manual or shadow mode)
        assertEquals(List.of(1L), served(h));
        assertEquals(List.of(2L), candidates(h));

        h.processElement2(new StreamRecord<>(pointer(2))); // odestream models promote 2 ...
        h.processElement1(new StreamRecord<>(V2)); // ... republishes v2 in the same transaction
        assertEquals(List.of(1L, 2L, 2L), served(h), "v2 served (the repeat is a no-op in the updater's gate)");

        h.processElement2(new StreamRecord<>(pointer(1))); // odestream models rollback
        assertEquals(List.of(1L, 2L, 2L, 1L), served(h));
        h.processElement1(new StreamRecord<>(V3));
        assertEquals(List.of(1L, 2L, 2L, 1L), served(h), "a newer publication never deploys by itself");
        assertEquals(3L, candidates(h).get(candidates(h).size() - 1));
    }

    @Test
    void anOldVersionIsNeverACandidate() throws Exception {
        var h = harness(null);
        h.processElement1(new StreamRecord<>(V2));
        h.processElement2(new StreamRecord<>(pointer(2)));
        h.processElement1(new StreamRecord<>(V1));
        assertEquals(List.of(2L), served(h));
        assertEquals(List.of(), candidates(h));
    }

    @Test
    void onlyTheNewestVersionsAndTheServedOneAreHeld() throws Exception {
        var h = harness(null);
        h.processElement1(new StreamRecord<>(V1));
        h.processElement2(new StreamRecord<>(pointer(1)));
        for (long v = 2; v <= 30; v++) {
            h.processElement1(new StreamRecord<>(ModelArtifact.newBuilder(V2).setVersion(v).build()));
        }
        h.processElement2(new StreamRecord<>(pointer(1))); // the served one was kept despite 29 newer ones
        assertEquals(List.of(1L, 1L), served(h));
        h.processElement2(new StreamRecord<>(pointer(5))); // dropped from the held ones: waits for the republish
        assertEquals(List.of(1L, 1L), served(h));
        h.processElement1(new StreamRecord<>(ModelArtifact.newBuilder(V2).setVersion(5).build()));
        assertEquals(List.of(1L, 1L, 5L), served(h));
    }

    @Test
    void aRestoredSelectorKeepsThePointerAndTheHeldArtifacts() throws Exception {
        var h = harness(null);
        h.processElement1(new StreamRecord<>(V1));
        h.processElement1(new StreamRecord<>(V2));
        h.processElement2(new StreamRecord<>(pointer(1)));
        var restored = harness(h.snapshot(1, 0));
        restored.processElement1(new StreamRecord<>(V3));
        assertEquals(List.of(), served(restored), "v3 is a candidate after the restore too");
        assertEquals(List.of(3L), candidates(restored));
        restored.processElement2(new StreamRecord<>(pointer(2)));
        assertEquals(List.of(2L), served(restored), "v2 was held across the restore");
    }
}
