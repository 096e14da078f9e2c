package io.odestream.nn;

/**
 * tanh in about a quarter of the time of {@link Math#tanh} on JDK 17, accurate to a few ulps.
 *
 * <p>{@code Math.tanh} is not a JIT intrinsic on JDK 17 (it runs fdlibm, ~15–20 ns a call) and
 * dominates a small MLP. This form uses only the {@link Math#exp} intrinsic and arithmetic:
 * <ul>
 *   <li>{@code |x| < 0.55}: Lambert's continued fraction for tanh truncated after the term 15,
 *       written as the rational function {@code x·P(x²)/Q(x²)} with exact integer
 *       coefficients. Its truncation error is below 1e-18 relative on this interval, and both
 *       polynomials have positive coefficients, so Horner's rule adds only a few roundings and no
 *       cancellation. Tiny and subnormal x come out as {@code x} exactly; ±0 keeps its sign.</li>
 *   <li>{@code |x| >= 0.55}: {@code 1 − 2/(e^{2|x|} + 1)} with the sign copied back. Here
 *       {@code tanh(|x|) > 1/2}, so the subtraction magnifies the relative error of the fraction
 *       (≤ ~2.5 ulps from exp, the add and the divide) by at most {@code u/(1−u) < 1}; no
 *       cancellation. Large |x| saturates to exactly ±1 (exp overflows to +∞, 2/∞ = 0).</li>
 *   <li>NaN gives NaN, ±∞ give ±1.</li>
 * </ul>
 * {@code FastTanhTest} measures the bound against {@code Math.tanh} on a dense grid.
 */
public final class FastTanh {
    /** Below this the rational form is used; above it tanh exceeds 1/2 and the exp form is exact enough. */
    static final double SWITCH = 0.55;

    private FastTanh() {
    }

    public static double tanh(double x) {
        double ax = Math.abs(x);
        if (ax >= SWITCH) {
            double e = Math.exp(2.0 * ax);
            return Math.copySign(1.0 - 2.0 / (e + 1.0), x);
        }
        // also reached by NaN (the comparison above is false), which propagates through the arithmetic
        double s = x * x;
        double p = ((36.0 * s + 6930.0) * s + 270270.0) * s + 2027025.0;
        double q = (((s + 630.0) * s + 51975.0) * s + 945945.0) * s + 2027025.0;
        return x * (p / q);
    }
}
