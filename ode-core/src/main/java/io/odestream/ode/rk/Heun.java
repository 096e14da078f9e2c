package io.odestream.ode.rk;

/** Heun's method (explicit trapezoidal rule), order 2. Fixed step only. */
public final class Heun {
    public static final ButcherTableau TABLEAU = new ButcherTableau("heun", 2, 0,
            new double[] {0, 1},
            new double[][] {{}, {1}},
            new double[] {0.5, 0.5},
            null, null, 0);

    private Heun() {
    }
}
