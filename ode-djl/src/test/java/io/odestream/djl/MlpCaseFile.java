package io.odestream.djl;

import com.fasterxml.jackson.databind.JsonNode;
import io.odestream.nn.Activation;
import io.odestream.nn.NeuralVectorField;
import io.odestream.ode.testing.Anchors;

/** The torchdiffeq reference case {@code anchors/mlp_case.json} (D=16, H=64, B=4, t ∈ [0, 5]), from ode-core's test-jar. */
final class MlpCaseFile {
    final JsonNode json;
    final int b;
    final int d;
    final double t0;
    final double t1;
    final double[] z0;

    private MlpCaseFile(JsonNode json) {
        this.json = json;
        this.b = json.get("B").asInt();
        this.d = json.get("D").asInt();
        this.t0 = json.get("t0").asDouble();
        this.t1 = json.get("t1").asDouble();
        this.z0 = flatten(json.get("z0"));
    }

    static MlpCaseFile load() {
        return new MlpCaseFile(Anchors.json("mlp_case.json"));
    }

    /** ode-core's field {@code W2 tanh(W1 z + b1) + b2} with the case's weights (slices mlp.0.*, mlp.1.*). */
    NeuralVectorField javaField() {
        NeuralVectorField field = NeuralVectorField.create(d, new int[] {json.get("H").asInt()}, Activation.TANH,
                Activation.IDENTITY, false, 0L);
        double[] p = concat(flatten(json.get("W1")), flatten(json.get("b1")), flatten(json.get("W2")),
                flatten(json.get("b2")));
        field.mlp().parameters().set(p);
        return field;
    }

    double[] rows(String... path) {
        JsonNode n = json;
        for (String p : path) {
            n = n.get(p);
        }
        return flatten(n);
    }

    int intAt(String... path) {
        JsonNode n = json;
        for (String p : path) {
            n = n.get(p);
        }
        return n.asInt();
    }

    static double[] flatten(JsonNode rows) {
        int n = 0;
        for (JsonNode row : rows) {
            n += row.isArray() ? row.size() : 1;
        }
        double[] out = new double[n];
        int i = 0;
        for (JsonNode row : rows) {
            if (row.isArray()) {
                for (JsonNode v : row) {
                    out[i++] = v.asDouble();
                }
            } else {
                out[i++] = row.asDouble();
            }
        }
        return out;
    }

    private static double[] concat(double[]... parts) {
        int n = 0;
        for (double[] p : parts) {
            n += p.length;
        }
        double[] out = new double[n];
        int i = 0;
        for (double[] p : parts) {
            System.arraycopy(p, 0, out, i, p.length);
            i += p.length;
        }
        return out;
    }
}
