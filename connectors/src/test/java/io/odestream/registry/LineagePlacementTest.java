package io.odestream.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.schema.ArtifactDigest;
import io.odestream.schema.ModelArtifact;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** An artifact trained offline joins its lineage as the next version and says where it came from. */
class LineagePlacementTest {
    /** What `train` writes: always version 1, no parent, different weights from every published version. */
    private final ModelArtifact trainedOffline = withWeights(TestArtifacts.unsigned("m", 1, null), 42.0);

    @Test
    void theFirstArtifactOfAModelIsVersionOne() {
        LineagePlacement p = LineagePlacement.place(snapshot(), trainedOffline, null, "model.avro");
        assertFalse(p.alreadyPublished());
        assertEquals(1L, p.artifact().getVersion());
        assertNull(p.artifact().getParentVersion());
    }

    @Test
    void anOfflineRetrainBecomesTheNextVersionWithoutAParentUnlessOneIsNamed() {
        RegistrySnapshot s = snapshot(1, 2, 15);
        LineagePlacement scratch = LineagePlacement.place(s, trainedOffline, null, "retrain.avro");
        assertEquals(16L, scratch.artifact().getVersion());
        assertNull(scratch.artifact().getParentVersion(), "trained from scratch");

        LineagePlacement fromTwo = LineagePlacement.place(s, trainedOffline, 2L, "retrain.avro");
        assertEquals(16L, fromTwo.artifact().getVersion());
        assertEquals(2L, fromTwo.artifact().getParentVersion());
    }

    @Test
    void itRecordsWhereItCameFromAndKeepsTheTrainingLineageAndDigest() {
        ModelArtifact placed = LineagePlacement.place(snapshot(1), trainedOffline, null, "/data/retrain.avro").artifact();
        assertEquals("/data/retrain.avro", placed.getLineage().get(LineagePlacement.SOURCE));
        assertEquals("1", placed.getLineage().get(LineagePlacement.SOURCE_VERSION));
        assertEquals("nab/sample", placed.getLineage().get("data"), "the training metadata stays");
        assertEquals(trainedOffline.getChecksum(), ArtifactDigest.sha256Hex(placed), "weights and spec untouched");
    }

    @Test
    void aParentTheFileNamesIsKeptOnlyWhenTheRegistryHasIt() {
        ModelArtifact childOfTwo = withWeights(TestArtifacts.unsigned("m", 3, 2L), 7.0);
        assertEquals(2L, LineagePlacement.place(snapshot(1, 2), childOfTwo, null, "f").artifact().getParentVersion());
        assertNull(LineagePlacement.place(snapshot(1), childOfTwo, null, "f").artifact().getParentVersion());
    }

    @Test
    void publishingTheSameContentAgainFindsTheVersionItAlreadyHas() {
        ModelArtifact v2 = TestArtifacts.unsigned("m", 2, 1L);
        LineagePlacement again = LineagePlacement.place(snapshot(1, 2, 3), v2, null, "f");
        assertTrue(again.alreadyPublished());
        assertEquals(2L, again.artifact().getVersion());
    }

    @Test
    void anUnknownParentIsAClearError() {
        RegistryException e = assertThrows(RegistryException.class,
                () -> LineagePlacement.place(snapshot(1, 2), trainedOffline, 9L, "f"));
        assertTrue(e.getMessage().contains("--parent 9") && e.getMessage().contains("[1, 2]"), e.getMessage());
    }

    private static RegistrySnapshot snapshot(long... published) {
        NavigableMap<Long, ModelArtifact> versions = new TreeMap<>();
        for (long v : published) {
            versions.put(v, TestArtifacts.unsigned("m", v, v == 1 ? null : v - 1));
        }
        return new RegistrySnapshot(published.length == 0 ? Map.of() : Map.of("m", versions), Map.of(), List.of());
    }

    private static ModelArtifact withWeights(ModelArtifact a, double first) {
        ModelArtifact copy = ModelArtifact.newBuilder(a).setParameters(List.of(first, 1.0)).build();
        copy.setChecksum(ArtifactDigest.sha256Hex(copy));
        return copy;
    }
}
