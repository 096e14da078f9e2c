package io.odestream.ode.rk;

/**
 * Dormand–Prince 5(4) (Dormand &amp; Prince 1980), FSAL, propagating the fifth-order solution —
 * torchdiffeq's and scipy's default "dopri5"/"RK45".
 *
 * <p>Dense output: the fourth-order continuous extension of Hairer, Nørsett &amp; Wanner,
 * <i>Solving ODEs I</i>, II.6 (the {@code CONTD5} form of their DOPRI5 code):
 * {@code y(θ) = y0 + θY + θ(1−θ)(hk1 − Y) + θ²(1−θ)(2Y − hk1 − hk7) + θ²(1−θ)² hΣ d_i k_i}
 * with {@code Y = y1 − y0 = hΣ b_i k_i}; converted here to per-stage polynomials.
 */
public final class DormandPrince54 {
    private static final double[] B = {35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84, 0};
    /**
     * The embedded fourth-order solution that torchdiffeq, diffrax and JAX's odeint use for their
     * error estimate (not the 5179/57600 one of Hairer's DOPRI5 code). Both are fourth order;
     * with this one our step sequence is the field's reference implementations' step sequence
     * (same NFE as torchdiffeq under {@code AdaptiveStep.torchdiffeqCompatible}).
     */
    private static final double[] B_EMBEDDED =
            {1951.0 / 21600, 0, 22642.0 / 50085, 451.0 / 720, -12231.0 / 42400, 649.0 / 6300, 1.0 / 60};
    private static final double[] D = {
        -12715105075.0 / 11282082432.0, 0, 87487479700.0 / 32700410799.0, -10690763975.0 / 1880347072.0,
        701980252875.0 / 199316789632.0, -1453857185.0 / 822651844.0, 69997945.0 / 29380423.0};

    public static final ButcherTableau TABLEAU = new ButcherTableau("dopri5", 5, 4,
            new double[] {0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1, 1},
            new double[][] {
                {},
                {1.0 / 5},
                {3.0 / 40, 9.0 / 40},
                {44.0 / 45, -56.0 / 15, 32.0 / 9},
                {19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729},
                {9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656},
                {35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84}},
            B,
            ButcherTableau.difference(B, B_EMBEDDED),
            hairerInterpolant(),
            4);

    private DormandPrince54() {
    }

    /**
     * Expands the CONTD5 form into {@code w_i(θ) = Σ_p P[i][p] θ^(p+1)}, using
     * θ(1−θ) = θ − θ², θ²(1−θ) = θ² − θ³, θ²(1−θ)² = θ² − 2θ³ + θ⁴.
     */
    private static double[][] hairerInterpolant() {
        int s = B.length;
        double[][] p = new double[s][4];
        for (int i = 0; i < s; i++) {
            double first = i == 0 ? 1 : 0;
            double last = i == s - 1 ? 1 : 0;
            double r3 = first - B[i];            // coefficient of θ(1−θ)
            double r4 = 2 * B[i] - first - last; // coefficient of θ²(1−θ)
            double r5 = D[i];                    // coefficient of θ²(1−θ)²
            p[i][0] = B[i] + r3;
            p[i][1] = -r3 + r4 + r5;
            p[i][2] = -r4 - 2 * r5;
            p[i][3] = r5;
        }
        return p;
    }
}
