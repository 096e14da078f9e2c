package io.odestream.ode.testing;

import com.fasterxml.jackson.databind.JsonNode;

/** The torchdiffeq reference case {@code anchors/mlp_case.json} (a test resource, see {@link Anchors}). */
public final class MlpCase {
    public final JsonNode json;
    public final int b;
    public final int d;
    public final double t0;
    public final double t1;
    public final double[] z0;

    private MlpCase(JsonNode json) {
        this.json = json;
        this.b = json.get("B").asInt();
        this.d = json.get("D").asInt();
        this.t0 = json.get("t0").asDouble();
        this.t1 = json.get("t1").asDouble();
        this.z0 = flatten(json.get("z0"));
    }

    public static MlpCase load() {
        return new MlpCase(Anchors.json("mlp_case.json"));
    }

    public TanhMlpField field() {
        return new TanhMlpField(matrix(json.get("W1")), vector(json.get("b1")), matrix(json.get("W2")),
                vector(json.get("b2")));
    }

    /** A B×D result such as {@code dopri5.tight.zT}, flattened row-major. */
    public double[] rows(String... path) {
        JsonNode n = json;
        for (String p : path) {
            n = n.get(p);
        }
        return flatten(n);
    }

    public int intAt(String... path) {
        JsonNode n = json;
        for (String p : path) {
            n = n.get(p);
        }
        return n.asInt();
    }

    public static double[] flatten(JsonNode rows) {
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

    public static double[] vector(JsonNode n) {
        return flatten(n);
    }

    public static double[][] matrix(JsonNode n) {
        double[][] m = new double[n.size()][];
        for (int i = 0; i < n.size(); i++) {
            m[i] = flatten(n.get(i));
        }
        return m;
    }
}
