package io.odestream.registry;

import io.odestream.schema.ArtifactDigest;
import io.odestream.schema.ModelArtifact;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Small unsigned artifacts with a correct checksum. */
final class TestArtifacts {
    private TestArtifacts() {
    }

    static ModelArtifact unsigned(String modelId, long version, Long parent) {
        List<Double> parameters = List.of(0.5, -1.25, 3.0, version * 0.1);
        ModelArtifact a = ModelArtifact.newBuilder()
                .setModelId(modelId)
                .setVersion(version)
                .setParentVersion(parent)
                .setCreatedAt(Instant.ofEpochMilli(1_700_000_000_000L + version))
                .setModelType("neural-vector-field")
                .setSpecJson("{\"specVersion\":1,\"dimension\":2}")
                .setParameters(parameters)
                .setMetrics(Map.of("val_nll", 1.5 / version, "train_loss", 2.0))
                .setLineage(Map.of("data", "nab/sample"))
                .setChecksum("")
                .build();
        a.setChecksum(ArtifactDigest.sha256Hex(a));
        return a;
    }
}
