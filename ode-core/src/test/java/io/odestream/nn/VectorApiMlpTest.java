package io.odestream.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The Vector API kernel is a faster route to the same numbers: outputs and input cotangents equal
 * the loops' to the bit for any shape (register blocks, single vectors, masked last vectors where
 * the columns are not a multiple of the vector, short row groups where the rows are not a multiple
 * of 8), so results do not depend on the JVM's flags; parameter cotangents, sums over rows taken in
 * another order, agree to 1e-13 of their largest entry. A masked store writes nothing outside its
 * result, whatever lies next to it in the array.
 */
class VectorApiMlpTest {

    @Test
    void theBuildsTestsRunWithTheVectorApi() {
        assertTrue(VectorKernels.enabled(), "the tests run with --add-modules jdk.incubator.vector "
                + "(pom.xml, vector.api.jvm.arg): " + VectorKernels.describe());
        assertTrue(Mlp.create(MlpSpec.of(Activation.TANH, Activation.IDENTITY, 2, 4, 2), 1).usesVectorApi());
    }

    @ParameterizedTest(name = "{0} rows, sizes {1}")
    @CsvSource({
        "64, 16 64 16", // the issue-4 field: register blocks only
        "8, 16 64 16",
        "9, 3 50 3", // the spiral's field: scalar output columns, one row past the block
        "23, 17 33 40 5", // three layers, every kind of tail
        "130, 4 32 32 4", // the latent dynamics' shape, more rows than Mlp's column blocks
        "16, 6 32 6", // the demo model's decoder field at K = 16: two blocks of 8 rows, all-tail output
        "13, 6 32 6", // the same at its 2L + 1 = 13 sigma points: a block and 5 rows of tail
        "12, 7 7", // depth 1: a linear field, no tanh
        "16, 5 9 1",
        // narrow outputs, 1 … 7 columns (one masked vector), rows not a multiple of 8 (a short group)
        "13, 6 32 1",
        "11, 6 32 2",
        "21, 6 32 3",
        "9, 6 32 4",
        "15, 6 32 5",
        "26, 6 32 6", // two series' sigma points in one batch
        "8, 6 32 7",
        "17, 6 32 7",
        // widths not a multiple of 8 in every layer, and the encoder's field batched
        "19, 9 11 13",
        "31, 20 32 20",
        "10, 3 5 2 1",
        "8, 1 1",
        // fewer rows than a group: row by row (1, 2) or one short group (3 … 7)
        "1, 20 32 20", // the encoder's field at one series' update
        "2, 6 32 6",
        "3, 6 32 6",
        "5, 9 11 13",
        "7, 16 64 16"})
    void givesTheLoopsBitsForOutputsAndInputCotangents(int rows, String sizeList) {
        int[] sizes = MlpFixtures.sizes(sizeList);
        MlpSpec spec = new MlpSpec(sizes, Activation.TANH, Activation.IDENTITY);
        Parameters parameters = MlpFixtures.parametersFor(spec, rows);
        Mlp loops = new Mlp(spec, parameters, "mlp", false);
        Mlp vector = new Mlp(spec, parameters, "mlp", true);
        assertFalse(loops.usesVectorApi());
        assertTrue(vector.usesVectorApi());

        Random random = new Random(rows);
        double[] x = FiniteDifferences.gaussian(random, rows * spec.inputSize(), 2.0);
        double[] gy = FiniteDifferences.gaussian(random, rows * spec.outputSize(), 1.0);
        double[] yLoops = new double[rows * spec.outputSize()];
        double[] yVector = new double[rows * spec.outputSize()];
        loops.forward(x, yLoops, rows);
        vector.forward(x, yVector, rows);
        assertArrayEquals(yLoops, yVector, "forward");

        double[] gxLoops = new double[rows * spec.inputSize()];
        double[] gxVector = new double[rows * spec.inputSize()];
        double[] thetaLoops = new double[parameters.size()];
        double[] thetaVector = new double[parameters.size()];
        double[] yFused = new double[rows * spec.outputSize()];
        loops.vjp(x, gy, gxLoops, thetaLoops, rows);
        vector.forwardAndVjp(x, gy, yFused, gxVector, thetaVector, 0, rows);
        assertArrayEquals(yLoops, yFused, "forward of the fused call");
        assertArrayEquals(gxLoops, gxVector, "input cotangent");
        assertClose(thetaLoops, thetaVector, 1e-13);
    }

    @ParameterizedTest(name = "{0} rows, sizes {1}")
    @CsvSource({
        "8, 16 64 16",
        "13, 6 32 6", // masked weight-cotangent columns (6 inputs), short row groups (6 outputs)
        "9, 5 3 7",
        "12, 3 1"})
    void accumulatesIntoItsSlotOfAPerRowGradientAndNothingElse(int rows, String sizeList) {
        MlpSpec spec = new MlpSpec(MlpFixtures.sizes(sizeList), Activation.TANH, Activation.IDENTITY);
        int in = spec.inputSize();
        int out = spec.outputSize();
        Parameters parameters = MlpFixtures.parametersFor(spec, 3);
        Mlp vector = new Mlp(spec, parameters, "mlp", true);
        Mlp loops = new Mlp(spec, parameters, "mlp", false);
        Random random = new Random(4);
        double[] x = FiniteDifferences.gaussian(random, rows * in, 1.0);
        double[] gy = FiniteDifferences.gaussian(random, rows * out, 1.0);
        int p = parameters.size();
        double[] expected = new double[p];
        java.util.Arrays.fill(expected, 0.5);
        loops.vjp(x, gy, null, expected, 0, rows);

        double[] slots = new double[3 * p];
        java.util.Arrays.fill(slots, 0.5);
        vector.vjp(x, gy, null, slots, p, rows);
        for (int i = 0; i < p; i++) {
            assertEquals(0.5, slots[i], "before the slot");
            assertEquals(0.5, slots[2 * p + i], "after the slot");
        }
        assertClose(expected, java.util.Arrays.copyOfRange(slots, p, 2 * p), 1e-13);

        double[] lastSlot = new double[2 * p]; // the slot ends where the array does
        java.util.Arrays.fill(lastSlot, 0.5);
        vector.vjp(x, gy, null, lastSlot, p, rows);
        for (int i = 0; i < p; i++) {
            assertEquals(0.5, lastSlot[i], "before the last slot");
        }
        assertArrayEquals(java.util.Arrays.copyOfRange(slots, p, 2 * p), java.util.Arrays.copyOfRange(lastSlot, p,
                2 * p), "the same sums at the array's end");
    }

    @ParameterizedTest(name = "{0} rows, sizes {1}")
    @CsvSource({"13, 6 32 6", "9, 5 9 3", "17, 7 7"})
    void writesItsRowsOfOutputsAndInputCotangentsAndNothingPast(int rows, String sizeList) {
        MlpSpec spec = new MlpSpec(MlpFixtures.sizes(sizeList), Activation.TANH, Activation.IDENTITY);
        int in = spec.inputSize();
        int out = spec.outputSize();
        Parameters parameters = MlpFixtures.parametersFor(spec, 7);
        Mlp loops = new Mlp(spec, parameters, "mlp", false);
        VectorApiMlp kernel = new VectorApiMlp(spec, parameters, "mlp");
        Random random = new Random(8);
        double[] x = FiniteDifferences.gaussian(random, rows * in, 1.0);
        double[] gy = FiniteDifferences.gaussian(random, rows * out, 1.0);
        double[] yLoops = new double[rows * out];
        double[] gxLoops = new double[rows * in];
        loops.forwardAndVjp(x, gy, yLoops, gxLoops, new double[parameters.size()], 0, rows);

        double sentinel = -7.25;
        double[] y = new double[rows * out + 2 * VectorApiMlp.lanes()];
        double[] gx = new double[rows * in + 2 * VectorApiMlp.lanes()];
        java.util.Arrays.fill(y, sentinel);
        java.util.Arrays.fill(gx, sentinel);
        kernel.vjp(x, gy, y, gx, new double[parameters.size()], 0, rows);
        assertArrayEquals(yLoops, java.util.Arrays.copyOf(y, rows * out), "outputs");
        assertArrayEquals(gxLoops, java.util.Arrays.copyOf(gx, rows * in), "input cotangents");
        for (int i = rows * out; i < y.length; i++) {
            assertEquals(sentinel, y[i], "past the outputs");
        }
        for (int i = rows * in; i < gx.length; i++) {
            assertEquals(sentinel, gx[i], "past the input cotangents");
        }
    }

    @Test
    void seesParameterUpdatesOnceSignalled() {
        MlpSpec spec = MlpSpec.of(Activation.TANH, Activation.IDENTITY, 16, 32, 16);
        int rows = 16;
        Parameters parameters = MlpFixtures.parametersFor(spec, 5);
        Mlp vector = new Mlp(spec, parameters, "mlp", true);
        Mlp loops = new Mlp(spec, parameters, "mlp", false);
        double[] x = FiniteDifferences.gaussian(new Random(6), rows * 16, 1.0);
        double[] before = new double[rows * 16];
        vector.forward(x, before, rows);
        parameters.values()[parameters.offset("mlp.0.weight")] += 0.25;
        parameters.markChanged();
        double[] after = new double[rows * 16];
        double[] expected = new double[rows * 16];
        vector.forward(x, after, rows);
        loops.forward(x, expected, rows);
        assertArrayEquals(expected, after);
        assertFalse(java.util.Arrays.equals(before, after), "the changed weight moved the output");
    }

    @Test
    void otherActivationsKeepTheLoops() {
        assertFalse(VectorApiMlp.supports(MlpSpec.of(Activation.SOFTPLUS, Activation.IDENTITY, 4, 8, 4)));
        assertFalse(VectorApiMlp.supports(MlpSpec.of(Activation.TANH, Activation.TANH, 4, 8, 4)));
        assertFalse(Mlp.create(MlpSpec.of(Activation.RELU, Activation.IDENTITY, 4, 8, 4), 1).usesVectorApi());
    }

    private static void assertClose(double[] expected, double[] actual, double relative) {
        double scale = 0.0;
        double worst = 0.0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(scale > 0.0, "a zero gradient checks nothing");
        assertTrue(worst <= relative * scale, "parameter cotangent differs by " + worst + " of " + scale);
    }
}
