package io.odestream.djl;

import static io.odestream.djl.Agreement.gaussian;
import static io.odestream.djl.Agreement.maxScaledDifference;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.nn.Activation;
import io.odestream.nn.NeuralVectorField;
import io.odestream.ode.Solution;
import io.odestream.ode.control.StepControl;
import io.odestream.ode.rk.DormandPrince54;
import io.odestream.ode.rk.RungeKuttaSolver;
import io.odestream.ode.rk.Tableaus;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Rows with different spans in one batched solve ({@link DjlRowSpanSolver}) against ode-core
 * solving each row on its own (B = 1, its own step sequence), on a D = 6, H = 32 tanh field.
 *
 * <p><b>Tolerance: a multiple of rtol, not round-off.</b> The batched solve takes one step
 * sequence for all rows on rescaled time; a per-row solve takes its own. Each is within its global
 * error of the exact flow, and with error-per-step control that error is of order rtol·|z| times
 * the flow's growth over the span (here ≤ ~3). The shared RMS norm lets one row's local error
 * exceed the tolerance by up to √(rows) when the others are quiet (√48 ≈ 7; the worst-row RMS norm
 * removes that), and dense output
 * adds its own error of the same order. So the bound for |batched − per-row|/(1 + |per-row|) is
 * 100·rtol: at rtol 1e-10 (atol 1e-12) that is 1e-8, at rtol 1e-6 it is 1e-4. Measured: see the
 * printed lines and ode-djl/README.md.
 */
class DjlRowSpanSolverTest {
    private static final DjlDevice DEVICE = DjlDevice.fromSystemProperty();
    private static final int D = 6;
    private static final NeuralVectorField JAVA = NeuralVectorField.create(D, new int[] {32}, Activation.TANH,
            Activation.IDENTITY, false, 77L);
    private static final DjlMlpField DJL = DjlMlpField.of(JAVA, DEVICE);

    @AfterAll
    static void close() {
        DJL.close();
    }

    @ParameterizedTest(name = "{0} rtol {1}, {3} norm")
    @CsvSource({"dopri5, 1e-10, 1e-12, worst-row", "dopri5, 1e-6, 1e-8, worst-row", "tsit5, 1e-10, 1e-12, worst-row",
        "bosh3, 1e-8, 1e-10, worst-row", "dopri5, 1e-10, 1e-12, batch-rms", "dopri5, 1e-6, 1e-8, batch-rms"})
    void rowsWithTheirOwnSpansAgreeWithPerRowSolvesWithinTheSolverTolerance(String method, double rtol,
                                                                            double atol, String norm) {
        int rows = 48;
        Random random = new Random(5L);
        double[] z0 = gaussian(rows * D, 6L, 1.0);
        double[] t0 = new double[rows];
        double[][] times = new double[rows][];
        for (int r = 0; r < rows; r++) {
            t0[r] = 10 * random.nextDouble() - 5;
            double direction = r % 4 == 3 ? -1 : 1; // some rows backwards in time
            int q = 1 + random.nextInt(4);
            double span = r == 5 ? 0.0 : direction * (0.01 + 3 * random.nextDouble()); // row 5: zero span
            times[r] = new double[q];
            for (int i = 0; i < q; i++) {
                times[r][i] = t0[r] + span * (i + 1) / q;
            }
            if (r % 7 == 0) {
                times[r][0] = t0[r]; // an output at the start
            }
        }
        times[9] = new double[] {t0[9] + 0.5, t0[9] + 0.5, t0[9] + 1.0}; // a repeated time
        StepControl control = StepControl.adaptive(rtol, atol).build();
        StepControl batchControl = norm.equals("worst-row")
                ? StepControl.adaptive(rtol, atol).norm(WorstRowRmsNorm.INSTANCE).build() : control;
        RowTimeSolution batched = new DjlRowSpanSolver(new DjlRungeKutta(Tableaus.byName(method), batchControl))
                .solve(DJL, DEVICE, z0, rows, t0, times);
        RungeKuttaSolver perRow = new RungeKuttaSolver(Tableaus.byName(method), control);
        double worst = 0;
        for (int r = 0; r < rows; r++) {
            double[] expected = new double[times[r].length * D];
            double[] start = Arrays.copyOfRange(z0, r * D, (r + 1) * D);
            if (times[r][times[r].length - 1] == t0[r]) {
                for (int q = 0; q < times[r].length; q++) {
                    System.arraycopy(start, 0, expected, q * D, D);
                }
                assertArrayEquals(expected, batched.states()[r], "a zero-span row keeps its initial state exactly");
                continue;
            }
            Solution s = perRow.solve(JAVA, start, 1, t0[r], times[r]);
            for (int q = 0; q < times[r].length; q++) {
                System.arraycopy(s.rowState(0, q), 0, expected, q * D, D);
            }
            worst = Math.max(worst, maxScaledDifference(batched.states()[r], expected));
        }
        System.out.printf("row spans %s rtol %.0e %s: max |batched - per-row|/(1+|per-row|) = %.2e (%d NFE)%n",
                method, rtol, norm, worst, batched.stats().evaluations());
        assertTrue(worst <= 100 * rtol, method + " rtol " + rtol + ": " + worst + " > 100·rtol");
        assertTrue(worst > 0, "the step sequences differ, so the results cannot be identical");
    }

    @Test
    void refusesTimeDependentFieldsAndRowsWithTimesOnBothSides() {
        NeuralVectorField timed = NeuralVectorField.create(2, new int[] {4}, Activation.TANH, Activation.IDENTITY,
                true, 1L);
        DjlRowSpanSolver solver = new DjlRowSpanSolver(new DjlRungeKutta(DormandPrince54.TABLEAU,
                StepControl.adaptive(1e-6, 1e-8).build()));
        try (DjlMlpField f = DjlMlpField.of(timed, DEVICE)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> solver.solve(f, DEVICE, new double[2], 1, new double[1], new double[][] {{1.0}}));
            assertTrue(e.getMessage().contains("autonomous"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> solver.solve(DJL, DEVICE,
                new double[D], 1, new double[] {0.0}, new double[][] {{-1.0, 2.0}}));
        assertTrue(e.getMessage().contains("two rows"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> solver.solve(DJL, DEVICE, new double[D], 1,
                new double[] {0.0}, new double[][] {{2.0, 1.0}}));
        assertThrows(IllegalArgumentException.class, () -> solver.solve(DJL, DEVICE, new double[D], 1,
                new double[] {0.0, 1.0}, new double[][] {{2.0}}));
        assertEquals(0, solver.solve(DJL, DEVICE, new double[D], 1, new double[1], new double[][] {{}})
                .states()[0].length, "a row without times gets no outputs");
    }
}
