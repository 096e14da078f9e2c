package io.odestream.ode.rk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.odestream.ode.Solution;
import io.odestream.ode.control.StepControl;
import io.odestream.ode.testing.NonlinearTestProblem;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every method's observed order equals its nominal order: global error at T by step halving on a
 * nonlinear problem with a known solution, slope fitted by least squares over four halvings.
 * Tolerance ±0.3, as the issue asks; the grids are chosen so errors stay well above round-off
 * (≥ 1e-12) and in the asymptotic range.
 */
class ConvergenceOrderTest {
    private static final double T = 2.0;
    private static final int HALVINGS = 4;

    static Stream<ButcherTableau> methods() {
        return Tableaus.ALL.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("methods")
    void solutionConvergesAtTheNominalOrder(ButcherTableau method) {
        double observed = observedOrder(method, false);
        assertEquals(method.order(), observed, 0.3, method + ": observed order " + observed);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("methods")
    void denseOutputConvergesAtItsNominalOrder(ButcherTableau method) {
        double observed = observedOrder(method, true);
        assertEquals(method.denseOrder(), observed, 0.3, method + ": observed dense-output order " + observed);
    }

    /** Least-squares slope of log(error) against log(h). */
    static double observedOrder(ButcherTableau method, boolean dense) {
        int firstSteps = firstGrid(method.order());
        double[] logH = new double[HALVINGS];
        double[] logE = new double[HALVINGS];
        for (int i = 0; i < HALVINGS; i++) {
            int n = firstSteps << i;
            double h = T / n;
            logH[i] = Math.log(h);
            logE[i] = Math.log(error(method, h, dense));
        }
        return slope(logH, logE);
    }

    static int firstGrid(int order) {
        return switch (order) {
            case 1 -> 64;
            case 2 -> 32;
            case 3, 4 -> 16;
            default -> 24;
        };
    }

    private static double error(ButcherTableau method, double h, boolean dense) {
        RungeKuttaSolver solver = new RungeKuttaSolver(method, StepControl.fixed(h));
        NonlinearTestProblem problem = new NonlinearTestProblem();
        // Dense: times that fall at varying positions inside the steps, never on the grid.
        double[] times = dense ? new double[] {0.3 * h, 0.61, 1.0 + 0.5 * h, 1.37, T - 0.77 * h, T}
                : new double[] {T};
        Solution s = solver.solve(problem, NonlinearTestProblem.Z0.clone(), 1, 0.0, times);
        double worst = 0;
        int count = dense ? times.length - 1 : 1;
        for (int q = 0; q < count; q++) {
            worst = Math.max(worst, NonlinearTestProblem.maxError(s.rowState(0, q), 0, times[q]));
        }
        return worst;
    }

    private static double slope(double[] x, double[] y) {
        double mx = 0;
        double my = 0;
        for (int i = 0; i < x.length; i++) {
            mx += x[i] / x.length;
            my += y[i] / y.length;
        }
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
        }
        return sxy / sxx;
    }
}
