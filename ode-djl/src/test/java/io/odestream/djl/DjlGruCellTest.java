package io.odestream.djl;

import static io.odestream.djl.Agreement.assertClose;
import static io.odestream.djl.Agreement.gaussian;
import static io.odestream.djl.Agreement.maxScaledDifference;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.odestream.nn.GruCell;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * {@link DjlGruCell} against ode-core's {@link GruCell}, same parameter vector, float64.
 *
 * <p><b>Tolerance 1e-14 in {@code |djl − java| / (1 + |java|)}.</b> Both compute the same
 * expression; they differ in the summation order of the 2I- and H-term dot products (≤ n·ε·Σ|terms|,
 * with H = 16..40 and unit-sized terms about 40 · 1.1e-16 ≈ 4e-15), in σ (ode-core: 1/(1 + e^−|u|)
 * folded by sign; PyTorch: its own) and in tanh (ode-core's FastTanh vs PyTorch's), each a few ulps;
 * the gates are bounded (|σ|, |tanh| ≤ 1), so nothing amplifies these. Measured: below 1e-15.
 */
class DjlGruCellTest {
    private static final double TOLERANCE = 1e-14;
    private static final DjlDevice DEVICE = DjlDevice.fromSystemProperty();

    @ParameterizedTest(name = "masked, B = {0}")
    @ValueSource(ints = {1, 7, 300})
    void maskedCellMatchesOdeCoreWithMissingChannelsAsNaN(int rows) {
        int in = 5;
        int hidden = 24;
        GruCell java = GruCell.create(in, hidden, true, 11L);
        double[] x = gaussian(rows * in, 3L, 1.5);
        double[] mask = new double[rows * in];
        Random random = new Random(4L);
        for (int i = 0; i < mask.length; i++) {
            mask[i] = random.nextDouble() < 0.3 ? 0.0 : 1.0;
            if (mask[i] == 0.0) {
                x[i] = Double.NaN; // a missing value must never be read
            }
        }
        double[] h = gaussian(rows * hidden, 5L, 0.8);
        double[] expected = new double[rows * hidden];
        java.forward(x, mask, h, expected, rows);
        try (DjlGruCell djl = DjlGruCell.of(java, "gru", DEVICE)) {
            double[] host = new double[rows * hidden];
            djl.forward(x, mask, h, host, rows);
            assertClose(host, expected, TOLERANCE, "host arrays");
            try (NDManager m = DEVICE.newManager()) {
                NDArray out = djl.forward(DjlMlpField.upload(m, x, rows, in), DjlMlpField.upload(m, mask, rows, in),
                        DjlMlpField.upload(m, h, rows, hidden));
                assertClose(out.toDoubleArray(), expected, TOLERANCE, "tensors");
            }
            System.out.printf("GRU masked B=%d: max scaled diff %.1e%n", rows, maxScaledDifference(host, expected));
        }
    }

    @Test
    void plainCellMatchesOdeCore() {
        int rows = 33;
        GruCell java = GruCell.create(4, 16, false, 21L);
        double[] x = gaussian(rows * 4, 6L, 1.0);
        double[] h = gaussian(rows * 16, 7L, 1.0);
        double[] expected = new double[rows * 16];
        java.forward(x, h, expected, rows);
        try (DjlGruCell djl = DjlGruCell.of(java, "gru", DEVICE); NDManager m = DEVICE.newManager()) {
            NDArray out = djl.forward(DjlMlpField.upload(m, x, rows, 4), DjlMlpField.upload(m, h, rows, 16));
            assertClose(out.toDoubleArray(), expected, TOLERANCE, "plain cell");
        }
    }

    @Test
    void followsInPlaceParameterUpdatesAndKeepsOnlyItsWeightsResident() {
        GruCell java = GruCell.create(3, 8, true, 1L);
        double[] x = gaussian(6, 8L, 1.0);
        double[] mask = {1, 1, 0, 0, 1, 1};
        double[] h = gaussian(16, 9L, 1.0);
        try (DjlGruCell djl = DjlGruCell.of(java, "gru", DEVICE)) {
            double[] before = new double[16];
            djl.forward(x, mask, h, before, 2);
            java.initialise(new Random(99L)); // new weights, in place, marks the parameters changed
            double[] expected = new double[16];
            java.forward(x, mask, h, expected, 2);
            double[] after = new double[16];
            djl.forward(x, mask, h, after, 2);
            assertTrue(maxScaledDifference(before, expected) > 1e-3, "the update changed the output");
            assertClose(after, expected, TOLERANCE, "after the update");
            assertEquals(4, djl.residentArrays(), "weight_ih, weight_hh, bias_ih, bias_hh only");
        }
    }

    @Test
    void refusesBadMasksAndShapes() {
        GruCell java = GruCell.create(2, 4, true, 1L);
        try (DjlGruCell djl = DjlGruCell.of(java, "gru", DEVICE); NDManager m = DEVICE.newManager()) {
            double[] h = new double[4];
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> djl.forward(new double[] {1, 2}, new double[] {1, 0.5}, h, new double[4], 1));
            assertTrue(e.getMessage().contains("mask"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> djl.forward(
                    DjlMlpField.upload(m, new double[] {1, 2}, 1, 2), DjlMlpField.upload(m, new double[] {1, 2}, 1, 2),
                    DjlMlpField.upload(m, h, 1, 4)));
            assertThrows(IllegalArgumentException.class, () -> djl.forward(
                    DjlMlpField.upload(m, new double[] {1, 2, 3}, 1, 3), DjlMlpField.upload(m, new double[] {1, 1, 1}, 1, 3),
                    DjlMlpField.upload(m, h, 1, 4)));
            assertThrows(IllegalStateException.class, () -> djl.forward(new double[2], h, new double[4], 1));
        }
    }
}
