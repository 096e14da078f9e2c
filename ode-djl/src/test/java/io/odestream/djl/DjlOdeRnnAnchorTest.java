package io.odestream.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.odestream.nn.GruCell;
import io.odestream.nn.Parameters;
import io.odestream.ode.control.AdaptiveStep;
import io.odestream.ode.control.StepControl;
import io.odestream.ode.rk.DormandPrince54;
import io.odestream.ode.testing.Anchors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The reference case {@code anchors/odernn_case.json} on the djl backend: 4 sequences of 50
 * irregular observations filtered by an ODE-RNN (mlp_case's field between observations, torch's
 * GRUCell(4, 16) at them), all four sequences batched with their own gaps by
 * {@link DjlRowSpanSolver} and jumped by {@link DjlGruCell}. torch computed the same batched,
 * time-rescaled scheme ("batched_time_rescaled_bench_f64") and the exact states ("tight"). With
 * torchdiffeq's step-control conventions the djl run makes the same number of evaluations as torch's
 * batched run, which is what shows that the schemes are the same.
 */
class DjlOdeRnnAnchorTest {
    private static final DjlDevice DEVICE = DjlDevice.fromSystemProperty();
    private static final MlpCaseFile MLP = MlpCaseFile.load();
    private static final DjlMlpField FIELD = DjlMlpField.of(MLP.javaField(), DEVICE);

    @AfterAll
    static void close() {
        FIELD.close();
    }

    @Test
    void batchedRescaledOdeRnnReproducesTorchsFinalHiddenStates() throws Exception {
        JsonNode json = Anchors.json("odernn_case.json");
        GruCell cell = GruCell.create(4, 16, false, 0L);
        Parameters p = cell.parameters();
        for (String name : new String[] {"weight_ih", "weight_hh", "bias_ih", "bias_hh"}) {
            double[] flat = MlpCaseFile.flatten(json.get("gru_" + name));
            System.arraycopy(flat, 0, p.values(), p.offset("gru." + name), flat.length);
        }
        p.markChanged();
        JsonNode results = json.get("results");
        double[] tight = MlpCaseFile.flatten(results.get("tight").get("z_final"));
        double[] torchBatched = MlpCaseFile.flatten(results.get("batched_time_rescaled_bench_f64").get("z_final"));
        int torchBatchedNfe = results.get("batched_time_rescaled_bench_f64").get("nfe_total").asInt();

        try (DjlGruCell gru = DjlGruCell.of(cell, "gru", DEVICE)) {
            Run exact = filter(json, gru, StepControl.adaptive(1e-10, 1e-12).build());
            // Both are ~1e-10 accurate per gap; 50 gaps and bounded GRU jumps keep it below 1e-8 (as ode-core's test).
            double dTight = maxDifference(exact.h, tight);
            Run torchLike = filter(json, gru, AdaptiveStep.torchdiffeqCompatible(1e-6, 1e-8));
            double dTorch = maxDifference(torchLike.h, torchBatched);
            System.out.printf("odernn anchor: tight %.2e; torchdiffeq-compatible rtol 1e-6 vs torch batched %.2e, "
                    + "NFE %d vs torch %d; vs exact %.2e%n", dTight, dTorch, torchLike.nfe, torchBatchedNfe,
                    maxDifference(torchLike.h, tight));
            assertTrue(dTight < 1e-8, "tight: max difference " + dTight);
            assertTrue(maxDifference(torchLike.h, tight) < 1e-5, "rtol 1e-6 vs the exact states");
            assertEquals(torchBatchedNfe, torchLike.nfe, "same scheme, same step decisions as torchdiffeq");
            // Same step decisions (the NFE), yet not round-off apart: measured 2.4e-8, while this run is 2e-11 from
            // the exact states. Both are rtol-1e-6 solutions, so the bound is the tolerance's, as vs the exact states.
            assertTrue(dTorch < 1e-5, "same scheme as torch's batched run: " + dTorch);
        }
    }

    private record Run(double[] h, long nfe) {
    }

    private Run filter(JsonNode json, DjlGruCell gru, StepControl control) {
        double[][] gaps = new double[4][];
        double[][] x = new double[4][];
        for (int r = 0; r < 4; r++) {
            gaps[r] = MlpCaseFile.flatten(json.get("gaps").get(r));
            x[r] = MlpCaseFile.flatten(json.get("x").get(r));
        }
        DjlRowSpanSolver solver = new DjlRowSpanSolver(new DjlRungeKutta(DormandPrince54.TABLEAU, control));
        double[] h = new double[4 * 16];
        double[] xk = new double[4 * 4];
        long nfe = 0;
        for (int k = 0; k < gaps[0].length; k++) {
            double[][] times = new double[4][];
            for (int r = 0; r < 4; r++) {
                times[r] = new double[] {gaps[r][k]};
                System.arraycopy(x[r], k * 4, xk, r * 4, 4);
            }
            RowTimeSolution s = solver.solve(FIELD, DEVICE, h, 4, new double[4], times);
            nfe += s.stats().evaluations();
            for (int r = 0; r < 4; r++) {
                System.arraycopy(s.states()[r], 0, h, r * 16, 16);
            }
            double[] next = new double[4 * 16];
            gru.forward(xk, h, next, 4);
            h = next;
        }
        return new Run(h, nfe);
    }

    private static double maxDifference(double[] a, double[] b) {
        assertEquals(b.length, a.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
