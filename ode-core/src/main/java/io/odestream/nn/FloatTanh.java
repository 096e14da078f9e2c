package io.odestream.nn;

/**
 * tanh in float32 for {@link FloatVectorApiMlp}: a rational function of x², branch-free, so the
 * kernel runs it lane-wise with the same operations and bits as {@link #tanh} here.
 *
 * <p>{@code tanh x ≈ x·P(x²)/Q(x²)} with P of degree 4 and Q of degree 4, x clamped to ±9 (where
 * tanh is within 3e-8 of ±1). The coefficients are a minimax fit of the relative error on [0, 9]
 * (Lawson's iteration, then rounded to float one at a time from the highest order, refitting the
 * rest): 4e-8 relative with float coefficients in exact arithmetic. All are positive, so Horner's rule
 * does not cancel. What is left is the rounding of P, Q and the quotient in float: {@code FloatTanhTest}
 * measures ≤ 3.2e-7 absolute against {@code Math.tanh} (5.3 float ulps where tanh nears ±1, where an
 * ulp is 6e-8; ≤ 3.4 ulps for |x| &lt; 1): not the last bit, but of the order of what a float product of
 * a few dozen terms adds anyway. Cost: 8 fused multiply–adds, 2 multiplies, a divide and the clamp,
 * against {@link BranchFreeTanh}'s ~20 operations in double, on twice the lanes.
 *
 * <p>Limits: ±∞ and |x| ≥ 9 give ±(1 − 1.2e-7), not ±1; NaN gives NaN; small and subnormal x give x.
 */
final class FloatTanh {
    static final float CLAMP = 9.0f;
    /** P(s) = 1 + P1 s + P2 s² + P3 s³ + P4 s⁴. */
    static final float P1 = 0.1338396817445755f;
    static final float P2 = 0.0034989831037819386f;
    static final float P3 = 2.0661023881984875e-05f;
    static final float P4 = 1.3419588995589038e-08f;
    /** Q(s) = 1 + Q1 s + Q2 s² + Q3 s³ + Q4 s⁴. */
    static final float Q1 = 0.46717289090156555f;
    static final float Q2 = 0.025890154764056206f;
    static final float Q3 = 0.0003291016037110239f;
    static final float Q4 = 7.804600272720563e-07f;

    private FloatTanh() {
    }

    static float tanh(float x) {
        float c = Math.max(-CLAMP, Math.min(CLAMP, x));
        float s = c * c;
        float p = Math.fma(P4, s, P3);
        p = Math.fma(p, s, P2);
        p = Math.fma(p, s, P1);
        p = Math.fma(p, s, 1.0f);
        float q = Math.fma(Q4, s, Q3);
        q = Math.fma(q, s, Q2);
        q = Math.fma(q, s, Q1);
        q = Math.fma(q, s, 1.0f);
        return c * p / q;
    }
}
