package io.odestream.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Neural ODE right-hand side f(t, z; θ) = mlp(z) or mlp([z, t]) and the three VJPs the
 * adjoint integrates: aᵀ∂f/∂z, aᵀ∂f/∂θ and aᵀ∂f/∂t.
 */
class NeuralVectorFieldTest {

    static Stream<Arguments> fields() {
        // rows, D, hidden sizes, activation, time-dependent, seed
        return Stream.of(Arguments.of(1, 1, new int[] {3}, Activation.TANH, false, 1L),
                Arguments.of(1, 1, new int[] {3}, Activation.TANH, true, 2L),
                Arguments.of(4, 16, new int[] {64}, Activation.TANH, false, 3L),
                Arguments.of(4, 16, new int[] {64}, Activation.TANH, true, 4L),
                Arguments.of(3, 2, new int[] {7, 5}, Activation.ELU, true, 5L),
                Arguments.of(5, 3, new int[] {9}, Activation.SOFTPLUS, false, 6L),
                Arguments.of(2, 5, new int[] {4, 4}, Activation.SIGMOID, true, 7L));
    }

    @ParameterizedTest
    @MethodSource("fields")
    void vjpMatchesFiniteDifferencesForStateParametersAndTime(int rows, int d, int[] hidden, Activation act,
            boolean timeDependent, long seed) {
        NeuralVectorField f = NeuralVectorField.create(d, hidden, act, Activation.IDENTITY, timeDependent, seed);
        Random random = new Random(seed);
        MlpTest.perturbBiases(f.mlp(), random);
        double[] t = FiniteDifferences.gaussian(random, rows, 1.0);
        double[] z = FiniteDifferences.gaussian(random, rows * d, 1.0);
        double[] a = FiniteDifferences.gaussian(random, rows * d, 1.0);
        double[] dz = new double[rows * d];
        FiniteDifferences.Scalar loss = () -> {
            f.evaluate(t, z, dz, rows);
            return FiniteDifferences.dot(a, dz, dz.length);
        };
        double[] az = new double[rows * d];
        double[] at = new double[rows];
        double[] aTheta = new double[f.parameterCount()];
        f.vjp(t, z, a, az, at, aTheta, rows);
        String what = f.mlp().spec() + (timeDependent ? " with time" : "");
        FiniteDifferences.assertClose(az, FiniteDifferences.gradient(z, loss), what + ": aᵀ∂f/∂z");
        FiniteDifferences.assertClose(aTheta,
                FiniteDifferences.gradient(f.parameters(), 0, f.parameterCount(), loss, f::parametersChanged),
                what + ": aᵀ∂f/∂θ");
        if (timeDependent) {
            // per-row times: the finite difference of the summed scalar in t[r] is row r's aᵀ∂f/∂t
            FiniteDifferences.assertClose(at, FiniteDifferences.gradient(t, loss), what + ": aᵀ∂f/∂t");
        } else {
            assertArrayEquals(new double[rows], at, 0.0);
        }
        // the interface's overload gives the same state and parameter cotangents
        double[] az2 = new double[rows * d];
        double[] aTheta2 = new double[f.parameterCount()];
        f.vjp(t, z, a, az2, aTheta2, rows);
        assertArrayEquals(az, az2, 0.0);
        assertArrayEquals(aTheta, aTheta2, 0.0);
    }

    @ParameterizedTest
    @MethodSource("fields")
    void perRowVjpKeepsEachRowsParameterCotangentApart(int rows, int d, int[] hidden, Activation act,
            boolean timeDependent, long seed) {
        NeuralVectorField f = NeuralVectorField.create(d, hidden, act, Activation.IDENTITY, timeDependent, seed);
        Random random = new Random(seed + 50);
        MlpTest.perturbBiases(f.mlp(), random);
        double[] t = FiniteDifferences.gaussian(random, rows, 1.0);
        double[] z = FiniteDifferences.gaussian(random, rows * d, 1.0);
        double[] a = FiniteDifferences.gaussian(random, rows * d, 1.0);
        int p = f.parameterCount();
        double[] az = new double[rows * d];
        double[] perRow = new double[rows * p];
        f.vjpPerRow(t, z, a, az, perRow, rows);
        // the interface's reference implementation: one vjp per row into a fresh buffer
        DifferentiableVectorFieldReference reference = new DifferentiableVectorFieldReference(f);
        double[] azReference = new double[rows * d];
        double[] perRowReference = new double[rows * p];
        reference.vjpPerRow(t, z, a, azReference, perRowReference, rows);
        assertArrayEquals(azReference, az, 0.0);
        assertArrayEquals(perRowReference, perRow, 0.0);
        // and the rows' slots add up to the batch's parameter cotangent
        double[] batch = new double[p];
        f.vjp(t, z, a, new double[rows * d], batch, rows);
        for (int k = 0; k < p; k++) {
            double sum = 0;
            double magnitude = 0;
            for (int r = 0; r < rows; r++) {
                sum += perRow[r * p + k];
                magnitude += Math.abs(perRow[r * p + k]);
            }
            assertEquals(batch[k], sum, 1e-14 * (1 + magnitude), "parameter " + k);
        }
        f.vjpPerRow(t, z, a, az, perRow, rows);
        for (int k = 0; k < perRow.length; k++) {
            assertEquals(2 * perRowReference[k], perRow[k], 1e-15 * Math.abs(perRowReference[k]), "accumulated twice");
        }
    }

    /** Delegates everything but vjpPerRow, so the interface's default implementation runs. */
    private record DifferentiableVectorFieldReference(NeuralVectorField f)
            implements io.odestream.ode.DifferentiableVectorField {
        @Override
        public int dimension() {
            return f.dimension();
        }

        @Override
        public void evaluate(double[] t, double[] z, double[] dz, int rows) {
            f.evaluate(t, z, dz, rows);
        }

        @Override
        public int parameterCount() {
            return f.parameterCount();
        }

        @Override
        public double[] parameters() {
            return f.parameters();
        }

        @Override
        public void vjp(double[] t, double[] z, double[] a, double[] az, double[] aTheta, int rows) {
            f.vjp(t, z, a, az, aTheta, rows);
        }
    }

    @Test
    void timeIsTheLastInputOfTheMlp() {
        NeuralVectorField f = NeuralVectorField.create(3, new int[] {5}, Activation.TANH, Activation.IDENTITY, true, 8);
        double[] z = {0.1, -0.2, 0.3, 1.0, 2.0, 3.0};
        double[] t = {0.7, -1.5};
        double[] dz = new double[6];
        f.evaluate(t, z, dz, 2);
        double[] direct = new double[6];
        f.mlp().forward(new double[] {0.1, -0.2, 0.3, 0.7, 1.0, 2.0, 3.0, -1.5}, direct, 2);
        assertArrayEquals(direct, dz, 0.0);
        assertEquals(4, f.mlp().inputSize());
    }

    @Test
    void anAutonomousFieldIgnoresTime() {
        NeuralVectorField f = NeuralVectorField.create(3, new int[] {5}, Activation.TANH, Activation.IDENTITY, false, 9);
        double[] z = {0.1, -0.2, 0.3};
        double[] at0 = new double[3];
        double[] at1 = new double[3];
        f.evaluate(new double[] {0}, z, at0, 1);
        f.evaluate(new double[] {1e6}, z, at1, 1);
        assertArrayEquals(at0, at1, 0.0);
    }

    @Test
    void rowsGiveTheSameBitsAloneAndInsideBatchesOfAnySize() {
        NeuralVectorField f = NeuralVectorField.create(16, new int[] {64}, Activation.TANH, Activation.IDENTITY, true,
                10);
        Random random = new Random(11);
        int rows = 1024;
        double[] t = FiniteDifferences.gaussian(random, rows, 1.0);
        double[] z = FiniteDifferences.gaussian(random, rows * 16, 1.0);
        double[] dz = new double[rows * 16];
        f.evaluate(t, z, dz, rows);
        NeuralVectorField single = new NeuralVectorField(new Mlp(f.mlp().spec(), f.mlp().parameters(), "mlp"), true);
        double[] dzr = new double[16];
        for (int r = 0; r < rows; r += 97) {
            single.evaluate(new double[] {t[r]}, Arrays.copyOfRange(z, r * 16, (r + 1) * 16), dzr, 1);
            assertArrayEquals(Arrays.copyOfRange(dz, r * 16, (r + 1) * 16), dzr, 0.0, "row " + r);
        }
        double[] dz64 = new double[64 * 16];
        f.evaluate(Arrays.copyOfRange(t, 64, 128), Arrays.copyOfRange(z, 64 * 16, 128 * 16), dz64, 64);
        assertArrayEquals(Arrays.copyOfRange(dz, 64 * 16, 128 * 16), dz64, 0.0, "rows 64..127 as a batch of 64");
    }

    @Test
    void theFusedCallGivesTheSeparateCallsBits() {
        for (boolean timeDependent : new boolean[] {false, true}) {
            NeuralVectorField f = NeuralVectorField.create(16, new int[] {64}, Activation.TANH, Activation.IDENTITY,
                    timeDependent, 13);
            Random random = new Random(14);
            for (int rows : new int[] {3, 64}) {
                double[] t = FiniteDifferences.gaussian(random, rows, 1.0);
                double[] z = FiniteDifferences.gaussian(random, rows * 16, 1.0);
                double[] a = FiniteDifferences.gaussian(random, rows * 16, 1.0);
                double[] dz = new double[rows * 16];
                double[] az = new double[rows * 16];
                double[] theta = new double[f.parameterCount()];
                f.evaluate(t, z, dz, rows);
                f.vjp(t, z, a, az, theta, rows);
                double[] dzFused = new double[rows * 16];
                double[] azFused = new double[rows * 16];
                double[] thetaFused = new double[f.parameterCount()];
                f.evaluateAndVjp(t, z, a, dzFused, azFused, thetaFused, rows);
                String label = (timeDependent ? "time-dependent, " : "") + rows + " rows";
                assertArrayEquals(dz, dzFused, 0.0, label);
                assertArrayEquals(az, azFused, 0.0, label);
                assertArrayEquals(theta, thetaFused, 0.0, label);

                double[] thetaRows = new double[rows * f.parameterCount()];
                double[] thetaRowsFused = new double[rows * f.parameterCount()];
                f.vjpPerRow(t, z, a, az, thetaRows, rows);
                f.evaluateAndVjpPerRow(t, z, a, dzFused, azFused, thetaRowsFused, rows);
                assertArrayEquals(dz, dzFused, 0.0, "per row, " + label);
                assertArrayEquals(az, azFused, 0.0, "per row, " + label);
                assertArrayEquals(thetaRows, thetaRowsFused, 0.0, "per row, " + label);
            }
        }
    }

    @Test
    void writtenParametersTakeEffectOnceSignalled() {
        NeuralVectorField f = NeuralVectorField.create(2, new int[] {4}, Activation.TANH, Activation.IDENTITY, false,
                12);
        double[] z = {0.5, -0.5};
        double[] before = new double[2];
        f.evaluate(new double[1], z, before, 1);
        f.parameters()[f.mlp().parameters().offset("mlp.1.bias")] += 1.0;
        f.parametersChanged();
        double[] after = new double[2];
        f.evaluate(new double[1], z, after, 1);
        assertEquals(before[0] + 1.0, after[0], 1e-15);
        assertNotEquals(before[0], after[0]);
    }

    @Test
    void anMlpOfTheWrongShapeIsRejectedWithTheReason() {
        Mlp mlp = Mlp.create(MlpSpec.of(Activation.TANH, Activation.IDENTITY, 3, 8, 3), 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new NeuralVectorField(mlp, true));
        assertTrue(e.getMessage().contains("4 inputs"), e.getMessage());
    }
}
