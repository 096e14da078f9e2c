package io.odestream.latent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.model.InvalidArtifactException;
import io.odestream.model.ModelArtifacts;
import io.odestream.schema.ModelArtifact;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A latent-ODE artifact round-trips exactly and is refused, with the reason, when it is not usable. */
class LatentOdeArtifactTest {
    private static final LatentOdeSpec SPEC = LatentOdeSpec.of(2, 3, 5, new int[] {7}, new int[] {6}, 60_000.0)
            .withNormalisation(new double[] {10, -3}, new double[] {2, 0.5});

    @Test
    void specParametersAndNormalisationRoundTripThroughAFile(@TempDir Path dir) throws Exception {
        LatentOdeModel model = LatentOdeModel.create(SPEC, 4);
        Path file = dir.resolve("latent.avro");
        ModelArtifacts.write(model.toArtifact("sensors", 7, 6L, Map.of("val_elbo", -1.5), Map.of("data", "x")), file);
        LatentOdeModel back = LatentOdeModel.fromArtifact(ModelArtifacts.read(file));
        assertEquals(SPEC, back.spec());
        assertEquals(java.util.Arrays.toString(model.parameters().values()),
                java.util.Arrays.toString(back.parameters().values()));
    }

    @Test
    void aTamperedParameterIsRefused() {
        ModelArtifact a = LatentOdeModel.create(SPEC, 4).toArtifact("sensors", 1, null, Map.of(), Map.of());
        a.getParameters().set(0, a.getParameters().get(0) * 2);
        InvalidArtifactException e = assertThrows(InvalidArtifactException.class, () -> LatentOdeModel.fromArtifact(a));
        assertTrue(e.getMessage().contains("corrupt or was modified"), e.getMessage());
    }

    @Test
    void parametersOfTheWrongShapeAreRefusedWithBothCounts() {
        LatentOdeModel small = LatentOdeModel.create(LatentOdeSpec.of(2, 3, 4, new int[] {7}, new int[] {6}, 60_000.0), 4);
        ModelArtifact a = ModelArtifacts.create("sensors", 1, null, LatentOdeSpec.MODEL_TYPE, SPEC.toJson(),
                small.parameters().values(), Map.of(), Map.of());
        InvalidArtifactException e = assertThrows(InvalidArtifactException.class, () -> LatentOdeModel.fromArtifact(a));
        assertTrue(e.getMessage().contains("has " + small.parameters().size() + " parameters"), e.getMessage());
    }

    @Test
    void nonFiniteParametersAndOtherModelTypesAreRefused() {
        double[] p = LatentOdeModel.create(SPEC, 4).parameters().values().clone();
        p[3] = Double.NaN;
        ModelArtifact nan = ModelArtifacts.create("sensors", 1, null, LatentOdeSpec.MODEL_TYPE, SPEC.toJson(), p,
                Map.of(), Map.of());
        assertTrue(assertThrows(InvalidArtifactException.class, () -> LatentOdeModel.fromArtifact(nan)).getMessage()
                .contains("non-finite parameter at index 3"));
        ModelArtifact other = ModelArtifacts.create("sensors", 1, null, "neural-vector-field", SPEC.toJson(),
                new double[] {1}, Map.of(), Map.of());
        assertTrue(assertThrows(InvalidArtifactException.class, () -> LatentOdeModel.fromArtifact(other)).getMessage()
                .contains("not a 'latent-ode'"));
        ModelArtifact badSpec = ModelArtifacts.create("sensors", 1, null, LatentOdeSpec.MODEL_TYPE, "{\"channels\": 0}",
                new double[] {1}, Map.of(), Map.of());
        assertThrows(InvalidArtifactException.class, () -> LatentOdeModel.fromArtifact(badSpec));
    }
}
