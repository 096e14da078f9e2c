package io.odestream.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A linear layer computes x Wᵀ + b with torch's out×in weight, and its VJP is the exact derivative. */
class LinearTest {

    static Stream<Arguments> shapes() {
        // rows, in, out, seed: single row, scalar layer, odd sizes, the MLP case's sizes
        return Stream.of(Arguments.of(1, 1, 1, 1L), Arguments.of(1, 5, 3, 2L), Arguments.of(3, 7, 2, 3L),
                Arguments.of(5, 1, 9, 4L), Arguments.of(4, 16, 64, 5L), Arguments.of(2, 64, 16, 6L));
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void forwardIsTheTextbookFusedSumInIndexOrderBitForBit(int rows, int in, int out, long seed) {
        Random random = new Random(seed);
        Parameters p = randomLayer(random, in, out);
        Linear layer = new Linear(p, "l", in, out);
        double[] x = FiniteDifferences.gaussian(random, rows * in, 1.0);
        double[] y = new double[rows * out];
        layer.forward(x, y, rows);
        double[] v = p.values();
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                double s = v[p.offset("l.bias") + o];
                for (int i = 0; i < in; i++) {
                    s = Math.fma(v[p.offset("l.weight") + o * in + i], x[r * in + i], s);
                }
                assertEquals(s, y[r * out + o], 0.0, "y[" + r + "," + o + "]");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void vjpMatchesFiniteDifferencesForInputsAndParameters(int rows, int in, int out, long seed) {
        Random random = new Random(seed);
        Parameters p = randomLayer(random, in, out);
        Linear layer = new Linear(p, "l", in, out);
        double[] x = FiniteDifferences.gaussian(random, rows * in, 1.0);
        double[] a = FiniteDifferences.gaussian(random, rows * out, 1.0);
        double[] y = new double[rows * out];
        FiniteDifferences.Scalar loss = () -> {
            layer.forward(x, y, rows);
            return FiniteDifferences.dot(a, y, rows * out);
        };
        double[] gx = new double[rows * in];
        double[] gTheta = p.newGradient();
        layer.backward(x, a, gx, gTheta, rows);
        FiniteDifferences.assertClose(gx, FiniteDifferences.gradient(x, loss), "Linear input cotangent");
        FiniteDifferences.assertClose(gTheta,
                FiniteDifferences.gradient(p.values(), 0, p.size(), loss, p::markChanged), "Linear parameter cotangent");
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void featureMajorBlockKernelsAgreeWithTheRowKernels(int ignoredRows, int in, int out, long seed) {
        Random random = new Random(seed);
        Parameters p = randomLayer(random, in, out);
        Linear layer = new Linear(p, "l", in, out);
        int cols = 19;
        double[] x = FiniteDifferences.gaussian(random, cols * in, 1.0);
        double[] gy = FiniteDifferences.gaussian(random, cols * out, 1.0);
        double[] y = new double[cols * out];
        double[] gx = new double[cols * in];
        double[] gTheta = p.newGradient();
        layer.forward(x, y, cols);
        layer.backward(x, gy, gx, gTheta, cols);
        double[][] xT = new double[in][cols];
        double[][] gyT = new double[out][cols];
        for (int c = 0; c < cols; c++) {
            for (int i = 0; i < in; i++) {
                xT[i][c] = x[c * in + i];
            }
            for (int o = 0; o < out; o++) {
                gyT[o][c] = gy[c * out + o];
            }
        }
        double[][] yT = new double[out][cols];
        double[][] gxT = new double[in][cols];
        double[] gThetaColumns = p.newGradient();
        layer.forwardColumns(xT, yT, cols);
        layer.backwardColumns(xT, gyT, gxT, gThetaColumns, cols);
        for (int c = 0; c < cols; c++) {
            for (int o = 0; o < out; o++) {
                assertEquals(y[c * out + o], yT[o][c], 0.0, "y bits, row " + c);
            }
            for (int i = 0; i < in; i++) {
                assertEquals(gx[c * in + i], gxT[i][c], 0.0, "gx bits, row " + c);
            }
        }
        // parameter cotangents sum over rows, in a different order: equal to rounding
        for (int k = 0; k < gTheta.length; k++) {
            assertEquals(gTheta[k], gThetaColumns[k], 1e-13 * (1 + Math.abs(gTheta[k])), "gTheta[" + k + "]");
        }
    }

    @Test
    void parameterCotangentsAccumulateAndInputCotangentsAreOverwritten() {
        Random random = new Random(11);
        Parameters p = randomLayer(random, 4, 3);
        Linear layer = new Linear(p, "l", 4, 3);
        double[] x = FiniteDifferences.gaussian(random, 8, 1.0);
        double[] a = FiniteDifferences.gaussian(random, 6, 1.0);
        double[] once = p.newGradient();
        double[] gx = new double[8];
        layer.backward(x, a, gx, once, 2);
        double[] gxOnce = gx.clone();
        double[] twice = p.newGradient();
        layer.backward(x, a, gx, twice, 2);
        layer.backward(x, a, gx, twice, 2);
        for (int k = 0; k < once.length; k++) {
            assertEquals(2 * once[k], twice[k], 1e-15 * Math.abs(once[k]), "gTheta[" + k + "]");
        }
        assertArrayEquals(gxOnce, gx, 0.0);
    }

    @Test
    void aChangedWeightIsUsedOnceTheChangeIsSignalled() {
        Parameters p = randomLayer(new Random(3), 2, 2);
        Linear layer = new Linear(p, "l", 2, 2);
        double[] y = new double[2];
        layer.forward(new double[] {1, 0}, y, 1);
        p.values()[p.offset("l.weight")] += 1.0; // W[0,0]
        p.markChanged();
        double[] y2 = new double[2];
        layer.forward(new double[] {1, 0}, y2, 1);
        assertEquals(y[0] + 1.0, y2[0], 1e-15);
        assertEquals(y[1], y2[1], 0.0);
    }

    static Parameters randomLayer(Random random, int in, int out) {
        Parameters.Builder layout = Parameters.builder();
        Linear.declare(layout, "l", in, out);
        Parameters p = layout.build();
        double[] v = FiniteDifferences.gaussian(random, p.size(), 0.5);
        p.set(v);
        return p;
    }
}
