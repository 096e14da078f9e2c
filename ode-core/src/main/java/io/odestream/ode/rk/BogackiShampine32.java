package io.odestream.ode.rk;

/**
 * Bogacki–Shampine 3(2) (Bogacki &amp; Shampine 1989), FSAL, propagating the third-order
 * solution. Dense output: cubic Hermite (derived), which is third order here.
 */
public final class BogackiShampine32 {
    private static final double[] B = {2.0 / 9, 1.0 / 3, 4.0 / 9, 0};
    private static final double[] B_EMBEDDED = {7.0 / 24, 1.0 / 4, 1.0 / 3, 1.0 / 8};

    public static final ButcherTableau TABLEAU = new ButcherTableau("bosh3", 3, 2,
            new double[] {0, 0.5, 0.75, 1},
            new double[][] {{}, {0.5}, {0, 0.75}, {2.0 / 9, 1.0 / 3, 4.0 / 9}},
            B,
            ButcherTableau.difference(B, B_EMBEDDED),
            null, 0);

    private BogackiShampine32() {
    }
}
