package io.odestream.ode.rk;

/** Forward Euler, order 1. Fixed step only. */
public final class Euler {
    public static final ButcherTableau TABLEAU = new ButcherTableau("euler", 1, 0,
            new double[] {0},
            new double[][] {{}},
            new double[] {1},
            null, null, 0);

    private Euler() {
    }
}
