package io.odestream.nn;

/**
 * tanh from arithmetic only — no branch, no {@code Math.exp}, no bit tricks — so that C2 can
 * vectorise a loop over it and {@link VectorApiMlp} can run the same formula lane-wise, to the bit.
 * It is the MLPs' tanh ({@link Activation#TANH}).
 *
 * <p>{@code tanh x = u/(u + 2)} with {@code u = expm1(2x)}. {@code expm1} comes from argument
 * halving and squaring: {@code t = 2x/2⁸} (|t| ≤ 0.157 after clamping 2x to ±40, where tanh is
 * ±1 to the last bit), {@code expm1 t} by its Taylor polynomial to degree 11 (truncation below
 * 3e-18 relative), then eight times {@code expm1(2s) = expm1(s)·(expm1(s) + 2)}, each a single
 * fused multiply–add. The doubling step never cancels (u + 2 > 1), and where it magnifies the
 * error of a large u the final {@code u/(u + 2)} damps it by the same factor, so the result stays
 * within a few ulps of {@code Math.tanh} ({@code BranchFreeTanhTest} measures it).
 *
 * <p>Why not {@link FastTanh}: its data-dependent branch cannot be vectorised and, measured inside
 * the adjoint, mispredicts once the inputs change every call. A single call here is a long
 * dependency chain (~20 fused multiply–adds), so FastTanh stays where tanh is called one value at
 * a time (the GRU's gates).
 *
 * <p>Limits: {@code −0.0} comes out as {@code +0.0}; below ~1e-305 (where 2x/2⁸ is subnormal) the
 * relative accuracy is lost. Neither matters for an MLP's pre-activations. NaN gives NaN, ±∞ ±1.
 */
public final class BranchFreeTanh {
    static final double CLAMP = 40.0;
    static final double SCALE = 0x1p-8;
    /** 1/k! for k = 2..11; {@code Ck} is the coefficient of t^k. */
    static final double C2 = 1.0 / 2.0;
    static final double C3 = 1.0 / 6.0;
    static final double C4 = 1.0 / 24.0;
    static final double C5 = 1.0 / 120.0;
    static final double C6 = 1.0 / 720.0;
    static final double C7 = 1.0 / 5040.0;
    static final double C8 = 1.0 / 40320.0;
    static final double C9 = 1.0 / 362880.0;
    static final double C10 = 1.0 / 3628800.0;
    static final double C11 = 1.0 / 39916800.0;

    private BranchFreeTanh() {
    }

    public static double tanh(double x) {
        double t = Math.max(-CLAMP, Math.min(CLAMP, x + x)) * SCALE;
        double p = Math.fma(C11, t, C10);
        p = Math.fma(p, t, C9);
        p = Math.fma(p, t, C8);
        p = Math.fma(p, t, C7);
        p = Math.fma(p, t, C6);
        p = Math.fma(p, t, C5);
        p = Math.fma(p, t, C4);
        p = Math.fma(p, t, C3);
        p = Math.fma(p, t, C2);
        p = Math.fma(p, t, 1.0);
        double u = t * p;
        // eight doublings of the argument: 2⁸ undoes SCALE
        u = Math.fma(u, u, u + u);
        u = Math.fma(u, u, u + u);
        u = Math.fma(u, u, u + u);
        u = Math.fma(u, u, u + u);
        u = Math.fma(u, u, u + u);
        u = Math.fma(u, u, u + u);
        u = Math.fma(u, u, u + u);
        u = Math.fma(u, u, u + u);
        return u / (u + 2.0);
    }

    /** {@code 1 − y²}, tanh's derivative from its output, rounded once. */
    public static double derivativeFromOutput(double y) {
        return Math.fma(-y, y, 1.0);
    }
}
