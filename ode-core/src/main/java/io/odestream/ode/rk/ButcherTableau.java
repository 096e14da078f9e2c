package io.odestream.ode.rk;

import java.util.Arrays;

/**
 * An explicit Runge–Kutta method as data: nodes {@code c}, coefficients {@code a} (strictly lower
 * triangular, row {@code i} has {@code i} entries), weights {@code b}, optional error weights
 * {@code e = b − b̂} of an embedded pair, and a continuous extension (dense output).
 *
 * <p>The constructor checks the consistency conditions every explicit method satisfies (row sums of
 * {@code a} equal {@code c}, {@code Σb = 1}, {@code Σe = 0}, the interpolant reproduces the step
 * end) and derives the rest: first-same-as-last, the interpolant when the method has none of its
 * own (cubic Hermite, see {@link #hermiteInterpolant}).
 *
 * <p>The interpolant is stored as polynomials in θ ∈ [0, 1]:
 * {@code y(t + θh) = y0 + h Σ_i w_i(θ) k_i} with {@code w_i(θ) = Σ_p P[i][p] θ^(p+1)}. Its rows
 * are the stages; a method that is not FSAL gets one extra row for {@code f(t + h, y1)}, which the
 * engine evaluates only when a dense output is needed inside the step (it is the next step's
 * first stage anyway).
 */
public final class ButcherTableau {

    private static final double CONSISTENCY_TOLERANCE = 1e-12;

    final String name;
    final int order;
    final int embeddedOrder;
    final int stages;
    final double[] c;
    final double[][] a;
    final double[] b;
    final double[] errorWeights;
    final boolean fsal;
    final double[][] interpolant;
    final int interpolantStages;
    final int denseOrder;

    /**
     * @param name             short name used in messages, e.g. "dopri5"
     * @param order            order p of the solution weights {@code b}
     * @param embeddedOrder    order of the embedded solution, 0 when there is none
     * @param c                nodes, {@code c[0] = 0}
     * @param a                strictly lower-triangular coefficients, row {@code i} of length {@code i}
     * @param b                weights of the propagated solution
     * @param errorWeights     {@code b − b̂}, or {@code null} for a method without error estimate
     * @param interpolant      the method's own continuous extension (see class comment), or
     *                         {@code null} to derive the cubic Hermite interpolant
     * @param interpolantOrder order of the method's own interpolant (local error
     *                         {@code O(h^(q+1))}); ignored when {@code interpolant} is null
     */
    public ButcherTableau(String name, int order, int embeddedOrder, double[] c, double[][] a, double[] b,
                          double[] errorWeights, double[][] interpolant, int interpolantOrder) {
        this.name = name;
        this.order = order;
        this.embeddedOrder = embeddedOrder;
        this.stages = c.length;
        this.c = c.clone();
        this.a = deepCopy(a);
        this.b = b.clone();
        this.errorWeights = errorWeights == null ? null : errorWeights.clone();
        validate();
        this.fsal = deriveFsal();
        if (interpolant == null) {
            this.interpolant = hermiteInterpolant(this.b, fsal);
            // Cubic Hermite has local error O(h^4); at interior points the global error is the
            // larger of that and the method's own O(h^p).
            this.denseOrder = Math.min(order, 4);
        } else {
            this.interpolant = deepCopy(interpolant);
            this.denseOrder = Math.min(order, interpolantOrder + 1);
        }
        this.interpolantStages = this.interpolant.length;
        validateInterpolant();
    }

    public String name() {
        return name;
    }

    /** Order p of the propagated solution. */
    public int order() {
        return order;
    }

    /** Order of the embedded solution; 0 when the method has no error estimate. */
    public int embeddedOrder() {
        return embeddedOrder;
    }

    public int stages() {
        return stages;
    }

    public boolean isAdaptive() {
        return errorWeights != null;
    }

    /** The last stage is evaluated at {@code (t + h, y1)}, so it is the next step's first stage. */
    public boolean isFsal() {
        return fsal;
    }

    /** The order of the error estimate that step-size control works with: min(p, p̂). */
    public int errorOrder() {
        return Math.min(order, embeddedOrder);
    }

    /**
     * Global order of the dense output at points inside steps: min(p, q + 1) for an interpolant
     * of order q (cubic Hermite: q = 3).
     */
    public int denseOrder() {
        return denseOrder;
    }

    /** Coefficient {@code a[i][j]} ({@code j < i}). */
    public double a(int i, int j) {
        return a[i][j];
    }

    /** Node {@code c[i]}. */
    public double c(int i) {
        return c[i];
    }

    /** Weight {@code b[i]}. */
    public double b(int i) {
        return b[i];
    }

    /** Rows of the interpolant: the stages, plus one for {@code f(t + h, y1)} when not FSAL. */
    public int interpolantStages() {
        return interpolantStages;
    }

    /** Does the interpolant need {@code f(t + h, y1)} in addition to the stages? */
    public boolean interpolantNeedsEndDerivative() {
        return interpolantStages > stages;
    }

    public double[] c() {
        return c.clone();
    }

    public double[] b() {
        return b.clone();
    }

    /** The error weights {@code b − b̂} of an embedded pair (a copy); throws for a fixed-step method. */
    public double[] errorWeights() {
        if (errorWeights == null) {
            throw new IllegalStateException("method " + name + " has no error estimate");
        }
        return errorWeights.clone();
    }

    @Override
    public String toString() {
        return name + " (order " + order + (isAdaptive() ? "(" + embeddedOrder + ")" : "") + ", "
                + stages + " stages" + (fsal ? ", FSAL" : "") + ")";
    }

    /** Weights {@code w_i(θ)} of the interpolant at θ, written into {@code out[0 .. interpolantStages)}. */
    public void interpolationWeights(double theta, double[] out) {
        for (int i = 0; i < interpolantStages; i++) {
            double[] p = interpolant[i];
            double w = 0.0;
            for (int k = p.length - 1; k >= 0; k--) {
                w = (w + p[k]) * theta;
            }
            out[i] = w;
        }
    }

    /**
     * The cubic Hermite interpolant through {@code (y0, f0)} and {@code (y1, f1)} written in
     * stage form. With {@code y1 − y0 = h Σ b_i k_i}:
     * {@code y(θ) = y0 + h[(3θ² − 2θ³) Σ b_i k_i + (θ − 2θ² + θ³) k_0 + (θ³ − θ²) f1]}.
     * For an FSAL method {@code f1} is the last stage; otherwise it is an extra row.
     */
    static double[][] hermiteInterpolant(double[] b, boolean fsal) {
        int s = b.length;
        int rows = fsal ? s : s + 1;
        int end = fsal ? s - 1 : s;
        double[][] p = new double[rows][3];
        for (int i = 0; i < rows; i++) {
            double bi = i < s ? b[i] : 0.0;
            double first = i == 0 ? 1.0 : 0.0;
            double last = i == end ? 1.0 : 0.0;
            p[i][0] = first;
            p[i][1] = 3 * bi - 2 * first - last;
            p[i][2] = -2 * bi + first + last;
        }
        return p;
    }

    private void validate() {
        require(stages >= 1, "needs at least one stage");
        require(order >= 1, "order must be >= 1");
        require(c[0] == 0.0, "c[0] must be 0 for an explicit method");
        require(a.length == stages, "a must have one row per stage (" + stages + "), has " + a.length);
        require(b.length == stages, "b must have one weight per stage");
        for (int i = 0; i < stages; i++) {
            require(a[i].length == i, "row " + i + " of a must have " + i + " entries (explicit method)");
            double rowSum = 0.0;
            for (double v : a[i]) {
                rowSum += v;
            }
            require(Math.abs(rowSum - c[i]) <= CONSISTENCY_TOLERANCE * Math.max(1.0, Math.abs(c[i])),
                    "row sum of a[" + i + "] = " + rowSum + " differs from c[" + i + "] = " + c[i]);
        }
        require(Math.abs(sum(b) - 1.0) <= CONSISTENCY_TOLERANCE, "weights b must sum to 1, sum to " + sum(b));
        if (errorWeights != null) {
            require(errorWeights.length == stages, "error weights must have one entry per stage");
            require(Math.abs(sum(errorWeights)) <= CONSISTENCY_TOLERANCE,
                    "error weights must sum to 0, sum to " + sum(errorWeights));
            require(embeddedOrder >= 1, "an embedded pair needs its embedded order");
        } else {
            require(embeddedOrder == 0, "embedded order given without error weights");
        }
    }

    private void validateInterpolant() {
        require(interpolantStages == stages || interpolantStages == stages + 1,
                "interpolant must have one row per stage (+1 for f(t+h, y1))");
        // At θ = 1 the interpolant must reproduce the step's end point.
        double[] w = new double[interpolantStages];
        interpolationWeights(1.0, w);
        for (int i = 0; i < interpolantStages; i++) {
            double expected = i < stages ? b[i] : 0.0;
            require(Math.abs(w[i] - expected) <= 1e-10,
                    "interpolant at θ=1 gives weight " + w[i] + " for stage " + i + ", expected b = " + expected);
        }
    }

    private boolean deriveFsal() {
        int last = stages - 1;
        if (stages < 2 || c[last] != 1.0 || b[last] != 0.0) {
            return false;
        }
        for (int j = 0; j < last; j++) {
            if (a[last][j] != b[j]) {
                return false;
            }
        }
        return true;
    }

    private void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException("Butcher tableau '" + name + "': " + message);
        }
    }

    /** {@code b − b̂}, the error weights of an embedded pair. */
    static double[] difference(double[] b, double[] bEmbedded) {
        double[] e = new double[b.length];
        for (int i = 0; i < b.length; i++) {
            e[i] = b[i] - bEmbedded[i];
        }
        return e;
    }

    private static double sum(double[] v) {
        double s = 0.0;
        for (double x : v) {
            s += x;
        }
        return s;
    }

    private static double[][] deepCopy(double[][] m) {
        double[][] copy = new double[m.length][];
        for (int i = 0; i < m.length; i++) {
            copy[i] = Arrays.copyOf(m[i], m[i].length);
        }
        return copy;
    }
}
