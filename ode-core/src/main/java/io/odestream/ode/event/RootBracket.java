package io.odestream.ode.event;

import java.util.function.DoubleUnaryOperator;

/**
 * Locates a root of a continuous function bracketed by a sign change, by the Illinois variant of
 * regula falsi (Dowell &amp; Jarratt 1971): superlinear, and never leaves the bracket. Used on the
 * dense output, where every evaluation is an interpolation, not a solver step.
 */
public final class RootBracket {
    private static final int MAX_ITERATIONS = 200;

    private RootBracket() {
    }

    /**
     * Finds x in [a, b] with g(x) = 0 to within {@code tolerance} in x, given
     * {@code ga = g(a)} and {@code gb = g(b)} of opposite signs (or one of them zero). Returns
     * the end of the final bracket on the {@code b} side of the root, i.e. the first point
     * at which the sign change has happened.
     */
    public static double locate(DoubleUnaryOperator g, double a, double ga, double b, double gb, double tolerance) {
        if (gb == 0.0) {
            return b;
        }
        if (ga == 0.0) {
            return a;
        }
        if (Math.signum(ga) == Math.signum(gb)) {
            throw new IllegalArgumentException("no sign change in [" + a + ", " + b + "]: g = " + ga + ", " + gb);
        }
        int side = 0;
        for (int i = 0; i < MAX_ITERATIONS && Math.abs(b - a) > tolerance; i++) {
            double x = (a * gb - b * ga) / (gb - ga);
            if (!(Math.min(a, b) < x && x < Math.max(a, b))) {
                x = 0.5 * (a + b); // round-off pushed the secant point out: bisect
            }
            double gx = g.applyAsDouble(x);
            if (gx == 0.0) {
                return x;
            }
            if (Math.signum(gx) == Math.signum(gb)) {
                b = x;
                gb = gx;
                if (side == -1) {
                    ga *= 0.5;
                }
                side = -1;
            } else {
                a = x;
                ga = gx;
                if (side == 1) {
                    gb *= 0.5;
                }
                side = 1;
            }
        }
        return b;
    }
}
