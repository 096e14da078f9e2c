package io.odestream.ode.rk;

/** Explicit midpoint rule, order 2. Fixed step only. */
public final class Midpoint {
    public static final ButcherTableau TABLEAU = new ButcherTableau("midpoint", 2, 0,
            new double[] {0, 0.5},
            new double[][] {{}, {0.5}},
            new double[] {0, 1},
            null, null, 0);

    private Midpoint() {
    }
}
