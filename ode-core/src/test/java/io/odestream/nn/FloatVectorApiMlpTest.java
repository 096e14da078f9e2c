package io.odestream.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The float32 forward pass (the serving option {@code -Dodestream.fieldPrecision=float32}) is the
 * double MLP's to within {@value #TOLERANCE} of the outputs' scale on every shape (register blocks,
 * widths that are not a whole number of vectors, rows that are not a whole number of blocks, several
 * hidden layers); a row's result does not depend on the batch it comes in; it follows parameter updates;
 * and the VJPs stay the double kernel's, to the bit.
 */
class FloatVectorApiMlpTest {
    /** Worst |float32 − float64| over max(1, max |y|): float's rounding (6e-8) over a few dozen terms; 3e-7 measured. */
    static final double TOLERANCE = 1e-6;

    @ParameterizedTest(name = "{0} rows, sizes {1}")
    @CsvSource({
        "13, 6 32 6", // the demo model's decoder field at its 2L + 1 = 13 sigma points: 2 blocks, 3 padding rows
        "16, 6 32 6", // the same at K = 16 Monte Carlo samples
        "1, 6 32 6", // the mean's path: one row in a block of 8
        "13, 20 32 20", // the demo's encoder field (H = 20): widths of one vector and a bit
        "64, 16 64 16", // register blocks only
        "9, 3 50 3", // the spiral's field: narrow output, one row past the block
        "23, 17 33 40 5", // three layers, every width padded
        "130, 4 32 32 4", // two hidden layers, many blocks
        "12, 7 7", // depth 1: a linear field, no tanh
        "16, 5 9 1"}) // a single output column
    void staysWithinToleranceOfTheDoubleMlp(int rows, String sizeList) {
        MlpSpec spec = new MlpSpec(MlpFixtures.sizes(sizeList), Activation.TANH, Activation.IDENTITY);
        Parameters parameters = MlpFixtures.parametersFor(spec, rows);
        Mlp float64 = new Mlp(spec, parameters, "mlp", true, FieldPrecision.FLOAT64);
        Mlp float32 = new Mlp(spec, parameters, "mlp", true, FieldPrecision.FLOAT32);
        assertEquals(FieldPrecision.FLOAT32, float32.forwardPrecision());

        double[] x = FiniteDifferences.gaussian(new Random(rows), rows * spec.inputSize(), 2.0);
        double[] expected = new double[rows * spec.outputSize()];
        double[] actual = new double[rows * spec.outputSize()];
        float64.forward(x, expected, rows);
        float32.forward(x, actual, rows);
        double error = relativeError(expected, actual);
        System.out.printf("float32 forward, %d rows of %s: worst error %.3g of the outputs' scale%n", rows, sizeList,
                error);
        assertTrue(error <= TOLERANCE, "worst error " + error);
        assertTrue(error > 0.0, "float32 arithmetic leaves some difference: the float kernel ran");
    }

    @Test
    void aRowsResultDoesNotDependOnItsBatch() {
        MlpSpec spec = MlpSpec.of(Activation.TANH, Activation.IDENTITY, 6, 32, 32, 6);
        Parameters parameters = MlpFixtures.parametersFor(spec, 2);
        Mlp mlp = new Mlp(spec, parameters, "mlp", true, FieldPrecision.FLOAT32);
        int rows = 21;
        int in = spec.inputSize();
        int out = spec.outputSize();
        double[] x = FiniteDifferences.gaussian(new Random(3), rows * in, 1.5);
        double[] batch = new double[rows * out];
        mlp.forward(x, batch, rows);
        double[] one = new double[out];
        double[] five = new double[5 * out];
        for (int r = 0; r < rows; r++) {
            mlp.forward(Arrays.copyOfRange(x, r * in, (r + 1) * in), one, 1);
            assertArrayEquals(Arrays.copyOfRange(batch, r * out, (r + 1) * out), one, "row " + r + " alone");
        }
        // rows 16..20 as a batch of their own: they sat in the last, padded block and now in the first
        mlp.forward(Arrays.copyOfRange(x, 16 * in, rows * in), five, 5);
        assertArrayEquals(Arrays.copyOfRange(batch, 16 * out, rows * out), five);
        // a larger batch before does not leave anything behind in the padding
        double[] again = new double[rows * out];
        mlp.forward(x, again, rows);
        assertArrayEquals(batch, again);
    }

    @Test
    void seesParameterUpdatesOnceSignalled() {
        MlpSpec spec = MlpSpec.of(Activation.TANH, Activation.IDENTITY, 6, 32, 6);
        int rows = 13;
        Parameters parameters = MlpFixtures.parametersFor(spec, 5);
        Mlp float32 = new Mlp(spec, parameters, "mlp", true, FieldPrecision.FLOAT32);
        Mlp float64 = new Mlp(spec, parameters, "mlp", true, FieldPrecision.FLOAT64);
        double[] x = FiniteDifferences.gaussian(new Random(6), rows * 6, 1.0);
        double[] before = new double[rows * 6];
        float32.forward(x, before, rows);
        parameters.values()[parameters.offset("mlp.0.weight")] += 0.25;
        parameters.values()[parameters.offset("mlp.1.bias") + 5] -= 0.5;
        parameters.markChanged();
        double[] after = new double[rows * 6];
        double[] expected = new double[rows * 6];
        float32.forward(x, after, rows);
        float64.forward(x, expected, rows);
        assertTrue(relativeError(expected, after) <= TOLERANCE, "follows the new parameters");
        assertTrue(relativeError(before, after) > 0.01, "the changed parameters moved the output");
    }

    @Test
    void theVjpsStayDoubleToTheBit() {
        MlpSpec spec = MlpSpec.of(Activation.TANH, Activation.IDENTITY, 6, 32, 6);
        int rows = 13;
        Parameters parameters = MlpFixtures.parametersFor(spec, 8);
        Mlp float32 = new Mlp(spec, parameters, "mlp", true, FieldPrecision.FLOAT32);
        Mlp float64 = new Mlp(spec, parameters, "mlp", true, FieldPrecision.FLOAT64);
        Random random = new Random(9);
        double[] x = FiniteDifferences.gaussian(random, rows * 6, 1.0);
        double[] gy = FiniteDifferences.gaussian(random, rows * 6, 1.0);
        double[] y32 = new double[rows * 6];
        double[] y64 = new double[rows * 6];
        double[] gx32 = new double[rows * 6];
        double[] gx64 = new double[rows * 6];
        double[] theta32 = new double[parameters.size()];
        double[] theta64 = new double[parameters.size()];
        float32.forwardAndVjp(x, gy, y32, gx32, theta32, 0, rows);
        float64.forwardAndVjp(x, gy, y64, gx64, theta64, 0, rows);
        assertArrayEquals(y64, y32, "the fused call's forward is the VJP's own, in double");
        assertArrayEquals(gx64, gx32);
        assertArrayEquals(theta64, theta32);
    }

    private static double relativeError(double[] expected, double[] actual) {
        double scale = 1.0;
        double worst = 0.0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        return worst / scale;
    }
}
