package io.odestream.latent;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.odestream.nn.GruCell;
import io.odestream.nn.Parameters;
import io.odestream.ode.control.StepControl;
import io.odestream.ode.rk.DormandPrince54;
import io.odestream.ode.rk.RungeKuttaSolver;
import io.odestream.ode.testing.Anchors;
import io.odestream.ode.testing.MlpCase;
import org.junit.jupiter.api.Test;

/**
 * The reference case {@code anchors/odernn_case.json} (a test resource): 4 sequences of 50 irregular
 * observations (4 channels) filtered by an ODE-RNN — the MLP field of mlp_case between
 * observations, torch's GRUCell(4, 16) at them — by torch + torchdiffeq. Our encoder with the same
 * weights reproduces the final hidden states.
 */
class OdeRnnAnchorCaseTest {

    @Test
    void reproducesTorchdiffeqsFinalHiddenStates() throws Exception {
        JsonNode json = Anchors.json("odernn_case.json");
        GruCell cell = GruCell.create(4, 16, false, 0);
        Parameters p = cell.parameters();
        copy(json.get("gru_weight_ih"), p, "gru.weight_ih");
        copy(json.get("gru_weight_hh"), p, "gru.weight_hh");
        copy(json.get("gru_bias_ih"), p, "gru.bias_ih");
        copy(json.get("gru_bias_hh"), p, "gru.bias_hh");
        p.markChanged();
        double[][] gaps = MlpCase.matrix(json.get("gaps"));
        JsonNode xs = json.get("x");
        int rows = gaps.length;
        double[][][] x = new double[rows][][];
        for (int r = 0; r < rows; r++) {
            x[r] = MlpCase.matrix(xs.get(r));
        }
        double[] expectedTight = MlpCase.flatten(json.get("results").get("tight").get("z_final"));
        double[] expectedBench = MlpCase.flatten(json.get("results").get("bench_f64").get("z_final"));
        int torchRowEvaluations = json.get("results").get("bench_f64").get("nfe_total").asInt();

        OdeRnnEncoder tight = new OdeRnnEncoder(MlpCase.load().field(), cell,
                new RungeKuttaSolver(DormandPrince54.TABLEAU, StepControl.adaptive(1e-10, 1e-12).build()));
        double[] h = tight.encode(new double[rows * 16], gaps, x, null, rows);
        // Both solves are ~1e-10 accurate per gap; 50 gaps and GRU jumps keep it well below 1e-8.
        assertTrue(maxDifference(expectedTight, h) < 1e-8, "tight: max difference " + maxDifference(expectedTight, h));

        OdeRnnEncoder bench = new OdeRnnEncoder(MlpCase.load().field(), cell,
                new RungeKuttaSolver(DormandPrince54.TABLEAU, StepControl.adaptive(1e-6, 1e-8).build()));
        double[] hb = bench.encode(new double[rows * 16], gaps, x, null, rows);
        assertTrue(maxDifference(expectedTight, hb) < 1e-5, "rtol 1e-6: max difference from the exact states "
                + maxDifference(expectedTight, hb) + " (torchdiffeq's: " + maxDifference(expectedTight, expectedBench) + ")");
        // Per-row control does each sequence's own work, batched: no more than torchdiffeq's per-sequence solves.
        assertTrue(bench.rowEvaluations() <= torchRowEvaluations, "row evaluations " + bench.rowEvaluations()
                + " vs torchdiffeq's per-sequence NFE " + torchRowEvaluations);
        assertTrue(bench.evaluations() < bench.rowEvaluations(), "evaluations are batched across the sequences");
    }

    private static void copy(JsonNode values, Parameters p, String slice) {
        double[] flat = MlpCase.flatten(values);
        System.arraycopy(flat, 0, p.values(), p.offset(slice), flat.length);
    }

    private static double maxDifference(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
