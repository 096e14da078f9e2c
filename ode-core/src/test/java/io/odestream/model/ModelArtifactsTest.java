package io.odestream.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.nn.Activation;
import io.odestream.ode.DifferentiableVectorField;
import io.odestream.schema.ModelArtifact;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Artifacts round-trip exactly and refuse to load when damaged, saying what is wrong. */
class ModelArtifactsTest {
    private static final NeuralFieldSpec SPEC = new NeuralFieldSpec(1, 3, new int[] {8}, Activation.TANH,
            Activation.IDENTITY, true, NeuralFieldSpec.InputTransform.IDENTITY);

    @Test
    void aFieldRoundTripsThroughAFile(@TempDir Path dir) throws Exception {
        DifferentiableVectorField field = SPEC.newField(5);
        Path file = dir.resolve("m.avro");
        ModelArtifacts.write(SPEC.toArtifact(field, "m", 3, 2L, Map.of("loss", 0.5), Map.of("data", "abc")), file);
        ModelArtifact back = ModelArtifacts.read(file);
        assertArrayEquals(field.parameters(), NeuralFieldSpec.load(back).parameters(), 0.0);
        assertTrue(back.getParentVersion() == 2L && back.getVersion() == 3);
    }

    @Test
    void aModifiedParameterIsCaughtByTheChecksum() {
        ModelArtifact artifact = SPEC.toArtifact(SPEC.newField(5), "m", 1, null, Map.of(), Map.of());
        artifact.getParameters().set(4, artifact.getParameters().get(4) + 1e-12);
        InvalidArtifactException e = assertThrows(InvalidArtifactException.class, () -> NeuralFieldSpec.load(artifact));
        assertTrue(e.getMessage().contains("is corrupt or was modified"), e.getMessage());
    }

    @Test
    void parametersThatDoNotFitTheSpecAreRejectedWithBothSizes() {
        DifferentiableVectorField small = new NeuralFieldSpec(1, 3, new int[] {4}, Activation.TANH, Activation.IDENTITY,
                true, NeuralFieldSpec.InputTransform.IDENTITY).newField(1);
        ModelArtifact wrong = ModelArtifacts.create("m", 1, null, NeuralFieldSpec.MODEL_TYPE, SPEC.toJson(),
                small.parameters(), Map.of(), Map.of());
        InvalidArtifactException e = assertThrows(InvalidArtifactException.class, () -> NeuralFieldSpec.load(wrong));
        assertTrue(e.getMessage().contains("has " + small.parameterCount() + " parameters"), e.getMessage());
    }

    @Test
    void aTruncatedFileIsNotAModel(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("m.avro");
        ModelArtifacts.write(SPEC.toArtifact(SPEC.newField(5), "m", 1, null, Map.of(), Map.of()), file);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        InvalidArtifactException e = assertThrows(InvalidArtifactException.class, () -> ModelArtifacts.read(file));
        assertTrue(e.getMessage().contains("is not a readable model artifact"), e.getMessage());
        assertThrows(InvalidArtifactException.class, () -> ModelArtifacts.read(dir.resolve("missing.avro")));
    }
}
