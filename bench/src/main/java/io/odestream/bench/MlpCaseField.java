package io.odestream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.odestream.nn.Activation;
import io.odestream.nn.NeuralVectorField;
import io.odestream.nn.Parameters;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Random;

/**
 * The torchdiffeq reference case's field (D = 16, H = 64, tanh) with its weights, so our figures and
 * torchdiffeq's in {@code ode-core/src/test/resources/anchors/README.md} are for the same dynamics.
 */
final class MlpCaseField {
    static final int D = 16;
    static final int H = 64;

    private MlpCaseField() {
    }

    static NeuralVectorField load() {
        JsonNode json = read();
        NeuralVectorField field = NeuralVectorField.create(D, new int[] {H}, Activation.TANH, Activation.IDENTITY,
                false, 0);
        Parameters p = field.mlp().parameters();
        double[] theta = field.parameters();
        copyMatrix(json.get("W1"), theta, p.offset("mlp.0.weight"));
        copyVector(json.get("b1"), theta, p.offset("mlp.0.bias"));
        copyMatrix(json.get("W2"), theta, p.offset("mlp.1.weight"));
        copyVector(json.get("b2"), theta, p.offset("mlp.1.bias"));
        field.parametersChanged();
        return field;
    }

    /** B initial states: standard normal, like the case's z0 rows (seeded). */
    static double[] initialStates(int rows, long seed) {
        Random random = new Random(seed);
        double[] z = new double[rows * D];
        for (int i = 0; i < z.length; i++) {
            z[i] = random.nextGaussian();
        }
        return z;
    }

    private static void copyMatrix(JsonNode m, double[] theta, int offset) {
        int k = offset;
        for (JsonNode row : m) {
            for (JsonNode v : row) {
                theta[k++] = v.asDouble();
            }
        }
    }

    private static void copyVector(JsonNode v, double[] theta, int offset) {
        int k = offset;
        for (JsonNode x : v) {
            theta[k++] = x.asDouble();
        }
    }

    /** {@code anchors/mlp_case.json} from the classpath: ode-core's test-jar, packed into benchmarks.jar. */
    private static JsonNode read() {
        String resource = "/anchors/mlp_case.json";
        try (InputStream in = MlpCaseField.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the classpath; it comes from ode-core's test-jar "
                        + "(ode-core/src/test/resources/anchors): build with mvn -pl bench -am package -DskipTests "
                        + "(not -Dmaven.test.skip, which skips that jar)");
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
