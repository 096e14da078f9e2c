package io.odestream.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.odestream.ode.testing.Anchors;
import org.junit.jupiter.api.Test;

/**
 * The torchdiffeq reference case ({@code anchors/mlp_case.json}, a test resource): its weights, stored in
 * torch's layout, load into an Mlp 16→64→16 (tanh, identity) as they are, and f(z0) agrees with
 * a plain nested-loop computation of {@code W2·tanh(W1·z + b1) + b2} using Math.tanh.
 */
class MlpAnchorCaseTest {

    @Test
    void torchWeightsLoadAsTheyAreAndGiveTheReferenceField() {
        JsonNode json = Anchors.json("mlp_case.json");
        int d = json.get("D").asInt();
        int h = json.get("H").asInt();
        int b = json.get("B").asInt();
        double[][] w1 = matrix(json.get("W1"));
        double[] b1 = vector(json.get("b1"));
        double[][] w2 = matrix(json.get("W2"));
        double[] b2 = vector(json.get("b2"));
        double[][] z0 = matrix(json.get("z0"));
        assertEquals(h, w1.length, "W1 is out×in = H×D in torch's layout");
        assertEquals(d, w1[0].length);
        assertEquals(d, w2.length, "W2 is out×in = D×H");
        assertEquals(h, w2[0].length);

        MlpSpec spec = MlpSpec.of(Activation.TANH, Activation.IDENTITY, d, h, d);
        Parameters.Builder layout = Parameters.builder();
        Mlp.declare(layout, "mlp", spec);
        // torch's state_dict order and row-major weights: the flat vector is W1, b1, W2, b2 back to back
        Parameters p = layout.wrap(concat(flatten(w1), b1, flatten(w2), b2));
        assertArrayEquals(new int[] {h, d}, p.slice("mlp.0.weight").shape());
        assertArrayEquals(new int[] {d, h}, p.slice("mlp.1.weight").shape());
        assertEquals(w1[3][5], p.values()[p.offset("mlp.0.weight") + 3 * d + 5], 0.0, "W1[3][5] at row 3, column 5");
        assertEquals(w2[7][60], p.values()[p.offset("mlp.1.weight") + 7 * h + 60], 0.0);
        Mlp mlp = new Mlp(spec, p, "mlp");

        double[] f = new double[b * d];
        mlp.forward(flatten(z0), f, b);

        double worst = 0;
        for (int r = 0; r < b; r++) {
            double[] hidden = new double[h];
            for (int i = 0; i < h; i++) {
                double s = b1[i];
                for (int j = 0; j < d; j++) {
                    s += w1[i][j] * z0[r][j];
                }
                hidden[i] = Math.tanh(s);
            }
            for (int o = 0; o < d; o++) {
                double s = b2[o];
                double magnitude = Math.abs(b2[o]);
                for (int i = 0; i < h; i++) {
                    s += w2[o][i] * hidden[i];
                    magnitude += Math.abs(w2[o][i] * hidden[i]);
                }
                // BranchFreeTanh is within a few ulps (≤ 6.6e-16 relative measured) of Math.tanh; the
                // pre-activations are summed in the same order in both (ours with fused multiply–adds,
                // one rounding less a term), so the outputs differ by at most that times Σ|W2·hidden|
                // (plus the sums' own rounding)
                double tolerance = 2e-15 * magnitude;
                double error = Math.abs(f[r * d + o] - s);
                assertTrue(error <= tolerance, "f(z0)[" + r + "," + o + "] = " + f[r * d + o] + ", reference " + s);
                worst = Math.max(worst, error / magnitude);
            }
        }
        System.out.println("mlp_case f(z0): worst difference from the Math.tanh reference " + worst
                + " relative to Σ|W2·hidden|");
    }

    private static double[][] matrix(JsonNode rows) {
        double[][] m = new double[rows.size()][];
        for (int i = 0; i < rows.size(); i++) {
            m[i] = vector(rows.get(i));
        }
        return m;
    }

    private static double[] vector(JsonNode values) {
        double[] v = new double[values.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = values.get(i).doubleValue();
        }
        return v;
    }

    private static double[] flatten(double[][] m) {
        double[] out = new double[m.length * m[0].length];
        for (int i = 0; i < m.length; i++) {
            System.arraycopy(m[i], 0, out, i * m[0].length, m[0].length);
        }
        return out;
    }

    private static double[] concat(double[]... parts) {
        int n = 0;
        for (double[] part : parts) {
            n += part.length;
        }
        double[] out = new double[n];
        int k = 0;
        for (double[] part : parts) {
            System.arraycopy(part, 0, out, k, part.length);
            k += part.length;
        }
        return out;
    }
}
