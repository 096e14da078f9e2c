package io.odestream.ode.rk;

/**
 * Kutta's 3/8 rule, order 4 — what torchdiffeq calls "rk4" ({@code rk4_alt_step_func}), so
 * results can be compared with it step for step.
 */
public final class RungeKutta38 {
    public static final ButcherTableau TABLEAU = new ButcherTableau("rk4-3/8", 4, 0,
            new double[] {0, 1.0 / 3, 2.0 / 3, 1},
            new double[][] {{}, {1.0 / 3}, {-1.0 / 3, 1}, {1, -1, 1}},
            new double[] {1.0 / 8, 3.0 / 8, 3.0 / 8, 1.0 / 8},
            null, null, 0);

    private RungeKutta38() {
    }
}
