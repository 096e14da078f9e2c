package io.odestream.ode.rk;

/** The classic fourth-order Runge–Kutta method. Fixed step only. */
public final class RungeKutta4 {
    public static final ButcherTableau TABLEAU = new ButcherTableau("rk4", 4, 0,
            new double[] {0, 0.5, 0.5, 1},
            new double[][] {{}, {0.5}, {0, 0.5}, {0, 0, 1}},
            new double[] {1.0 / 6, 1.0 / 3, 1.0 / 3, 1.0 / 6},
            null, null, 0);

    private RungeKutta4() {
    }
}
