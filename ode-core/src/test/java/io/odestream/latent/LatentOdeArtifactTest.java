package io.odestream.latent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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

    /**
     * An RNN-encoder model round-trips like any other: the encoder kind travels in the spec, the
     * parameters bit for bit, and a filter on the reloaded model predicts exactly the same numbers.
     */
    @Test
    void anRnnEncoderModelRoundTripsAndPredictsBitForBitTheSame(@TempDir Path dir) throws Exception {
        LatentOdeSpec spec = SPEC.withEncoder(LatentOdeSpec.Encoder.RNN);
        LatentOdeModel model = LatentOdeModel.create(spec, 4);
        Path file = dir.resolve("rnn.avro");
        ModelArtifacts.write(model.toArtifact("sensors", 3, null, Map.of(), Map.of()), file);
        ModelArtifact artifact = ModelArtifacts.read(file);
        assertTrue(artifact.getSpecJson().contains("\"encoder\":\"RNN\""), artifact.getSpecJson());
        LatentFilter original = new LatentFilter(model, "sensors", 3);
        LatentFilter reloaded = LatentFilter.init(artifact);
        assertEquals(spec, reloaded.model().spec());
        assertEquals(LatentOdeSpec.Encoder.RNN, reloaded.model().spec().encoder());
        FilterState a = original.start(0);
        FilterState b = reloaded.start(0);
        long[] times = {0, 90_000, 200_000, 205_000};
        double[][] values = {{11, -3}, {9.5, Double.NaN}, {10.2, -2.6}, {12, -3.4}};
        for (int k = 0; k < times.length; k++) {
            a = original.update(a, times[k], values[k], null);
            b = reloaded.update(b, times[k], values[k], null);
        }
        assertEquals(a, b);
        Prediction pa = original.predict(a, new long[] {100_000, 400_000}, 16, 5);
        Prediction pb = reloaded.predict(b, new long[] {100_000, 400_000}, 16, 5);
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(pa.mean()[i], pb.mean()[i], 0.0);
            assertArrayEquals(pa.std()[i], pb.std()[i], 0.0);
            assertArrayEquals(pa.q05()[i], pb.q05()[i], 0.0);
        }
        // The layouts differ (no encoder dynamics, one more GRU input), so the kinds cannot be confused.
        assertNotEquals(LatentOdeModel.create(SPEC, 4).parameters().size(), model.parameters().size());
    }

    /**
     * Every artifact written before the encoder kind existed has no "encoder" field: it is an
     * ODE-RNN. ODE-RNN specs are still written that way (same bytes, same checksums, loadable by
     * older jobs); only the RNN encoder is named.
     */
    @Test
    void aSpecJsonWithoutTheEncoderFieldReadsAsTheOdeRnn() {
        String old = "{\"specVersion\":1,\"channels\":2,\"latent\":3,\"hidden\":5,\"encoderDynamicsHidden\":[7],"
                + "\"decoderDynamicsHidden\":[6],\"activation\":\"TANH\",\"timeUnitMillis\":60000.0,"
                + "\"method\":\"dopri5\",\"rtol\":1.0E-5,\"atol\":1.0E-7,\"channelMean\":[10.0,-3.0],"
                + "\"channelStd\":[2.0,0.5]}";
        LatentOdeSpec spec = LatentOdeSpec.fromJson(old);
        assertEquals(LatentOdeSpec.Encoder.ODE_RNN, spec.encoder());
        assertEquals(SPEC, spec);
        assertArrayEquals(new int[] {7}, spec.encoderDynamicsHidden());
        assertEquals(old, SPEC.toJson(), "an ODE-RNN spec is written as before");
        LatentOdeSpec rnn = SPEC.withEncoder(LatentOdeSpec.Encoder.RNN);
        assertTrue(rnn.toJson().endsWith(",\"encoder\":\"RNN\"}"), rnn.toJson());
        assertEquals(rnn, LatentOdeSpec.fromJson(rnn.toJson()));
        assertNotEquals(SPEC, rnn);
    }

    @Test
    void theEncoderKindIsShownAndItsConstraintsAreExplained() {
        LatentOdeSpec rnn = SPEC.withEncoder(LatentOdeSpec.Encoder.RNN);
        assertTrue(SPEC.toString().contains("encoder ODE_RNN [7]"), SPEC.toString());
        assertTrue(rnn.toString().contains("encoder RNN"), rnn.toString());
        assertArrayEquals(new int[0], rnn.encoderDynamicsHidden(), "the RNN encoder has no dynamics sizes");
        assertEquals(1, rnn.specVersion());
        assertEquals(LatentOdeSpec.Encoder.ODE_RNN, new LatentOdeSpec(1, 2, 3, 5, new int[] {7}, new int[] {6},
                io.odestream.nn.Activation.TANH, 1000.0, "dopri5", 1e-5, 1e-7, new double[2], new double[] {1, 1})
                .encoder(), "the 13-argument constructor builds the ODE-RNN");
        InvalidArtifactException withSizes = assertThrows(InvalidArtifactException.class, () -> new LatentOdeSpec(1, 2,
                3, 5, new int[] {7}, new int[] {6}, io.odestream.nn.Activation.TANH, 1000.0, "dopri5", 1e-5, 1e-7,
                new double[2], new double[] {1, 1}, LatentOdeSpec.Encoder.RNN));
        assertTrue(withSizes.getMessage().contains("encoderDynamicsHidden must be empty"), withSizes.getMessage());
        IllegalArgumentException back = assertThrows(IllegalArgumentException.class,
                () -> rnn.withEncoder(LatentOdeSpec.Encoder.ODE_RNN));
        assertTrue(back.getMessage().contains("encoderDynamicsHidden"), back.getMessage());
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
