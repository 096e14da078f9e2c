package io.odestream.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each activation's derivative is its slope, and the batch loops agree with the element functions. */
class ActivationTest {

    @ParameterizedTest
    @EnumSource(Activation.class)
    void derivativeMatchesCentralDifferences(Activation activation) {
        double h = 1e-6;
        for (double u = -6.0; u <= 6.0; u += 0.0137) {
            if (Math.abs(u) < 2 * h) {
                continue; // relu's kink
            }
            double numeric = (activation.value(u + h) - activation.value(u - h)) / (2 * h);
            double analytic = activation.derivative(u, activation.value(u));
            assertEquals(numeric, analytic, 1e-8 * Math.max(1.0, Math.abs(analytic)), activation + "' at " + u);
        }
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void batchLoopsEqualTheElementFunctionsBitForBit(Activation activation) {
        Random random = new Random(7);
        int n = 37;
        double[] u = FiniteDifferences.gaussian(random, n, 3.0);
        double[] y = new double[n];
        activation.apply(u, y, n);
        double[] g = FiniteDifferences.gaussian(random, n, 1.0);
        double[] gBefore = g.clone();
        activation.backpropagate(u, y, g, n);
        for (int i = 0; i < n; i++) {
            assertEquals(activation.value(u[i]), y[i], 0.0, activation + " at " + u[i]);
            assertEquals(gBefore[i] * activation.derivative(u[i], y[i]), g[i], 0.0, activation + "' at " + u[i]);
        }
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void largeInputsStayFinite(Activation activation) {
        for (double u : new double[] {-1e3, -800, 800, 1e3}) {
            double y = activation.value(u);
            assertTrue(Double.isFinite(y), activation + "(" + u + ") = " + y);
            assertTrue(Double.isFinite(activation.derivative(u, y)), activation + "'(" + u + ")");
        }
        assertEquals(800.0, Activation.SOFTPLUS.value(800.0), 0.0);
        assertEquals(-1.0, Activation.ELU.value(-800.0), 0.0);
    }
}
