package io.odestream.flow;

import io.odestream.nn.FastTanh;
import io.odestream.ode.DifferentiableVectorField;
import java.util.Random;

/**
 * The augmented dynamics of a conditional continuous normalizing flow, one row per sample:
 * <pre>
 *   row = [ z (D) | ℓ (1) | c (C) | ε (D, Hutchinson only) ]
 *   f(z, t, c) = B·tanh(A·z + W·c + w·t + b) + β          (H hidden units)
 *   dz/dt = f,   dℓ/dt = −tr(∂f/∂z),   dc/dt = 0,   dε/dt = 0
 * </pre>
 * With {@code s = 1 − tanh²(a)} the Jacobian is {@code ∂f/∂z = B·diag(s)·A}, so
 * <pre>
 *   tr(∂f/∂z) = Σ_k s_k·u_k,       u_k = Σ_i B_ik·A_ki                (exact)
 *   εᵀ(∂f/∂z)ε = Σ_k s_k·p_k·q_k,  p = Bᵀε, q = A·ε                    (Hutchinson)
 * </pre>
 * Both are a sum {@code Σ_k s_k·g_k} with {@code g} independent of z, which makes the second-order
 * terms of the parameter gradient short: {@code ∂s_k/∂a_k = −2·tanh(a_k)·s_k}, and g's own
 * derivatives in A and B (see {@link #vjp}). The context and ε ride in the state as constants so
 * that rows stay independent and the adjoint needs nothing beyond this field; their cotangents are
 * exact too (the context's is the gradient a conditioning network would receive).
 *
 * <p>Parameter layout: A (H×D), W (H×C), w (H), b (H), B (D×H), β (D). Not thread-safe: the
 * scratch vectors are per field, sized once, so evaluation and VJP allocate nothing.
 */
public final class CnfField implements DifferentiableVectorField {
    private final int d;
    private final int contextSize;
    private final int hidden;
    private final TraceMode trace;
    private final int width;
    private final double[] theta;
    private final int offW;
    private final int offTime;
    private final int offBias;
    private final int offB;
    private final int offBeta;
    private final double[] u;
    private final double[] h;
    private final double[] s;
    private final double[] p;
    private final double[] q;
    private final double[] e;

    /**
     * @param dimension   D, the data dimension (≥ 1)
     * @param contextSize C, the length of the conditioning vector (0 for an unconditional flow)
     * @param hidden      H, hidden tanh units (≥ 1)
     * @param trace       exact or Hutchinson
     * @param parameters  the parameter vector (length {@link #parameterCount(int, int, int)}), kept live
     */
    public CnfField(int dimension, int contextSize, int hidden, TraceMode trace, double[] parameters) {
        if (dimension < 1 || contextSize < 0 || hidden < 1 || trace == null) {
            throw new IllegalArgumentException("a CNF needs D >= 1, C >= 0, H >= 1 and a trace mode; got D="
                    + dimension + ", C=" + contextSize + ", H=" + hidden + ", trace=" + trace);
        }
        int count = parameterCount(dimension, contextSize, hidden);
        if (parameters == null || parameters.length != count) {
            throw new IllegalArgumentException("a CNF with D=" + dimension + ", C=" + contextSize + ", H=" + hidden
                    + " has " + count + " parameters; got " + (parameters == null ? "none" : parameters.length));
        }
        this.d = dimension;
        this.contextSize = contextSize;
        this.hidden = hidden;
        this.trace = trace;
        this.width = widthOf(dimension, contextSize, trace);
        this.theta = parameters;
        this.offW = hidden * dimension;
        this.offTime = offW + hidden * contextSize;
        this.offBias = offTime + hidden;
        this.offB = offBias + hidden;
        this.offBeta = offB + dimension * hidden;
        this.u = new double[hidden];
        this.h = new double[hidden];
        this.s = new double[hidden];
        this.p = new double[hidden];
        this.q = new double[hidden];
        this.e = new double[hidden];
    }

    /** Length of the parameter vector for D, C, H. */
    public static int parameterCount(int dimension, int contextSize, int hidden) {
        return hidden * (dimension + contextSize + 2) + dimension * hidden + dimension;
    }

    /** Width of one augmented row: z, ℓ, the context, and ε when the trace is estimated. */
    public static int widthOf(int dimension, int contextSize, TraceMode trace) {
        return dimension + 1 + contextSize + (trace == TraceMode.HUTCHINSON ? dimension : 0);
    }

    /**
     * Fresh parameters: A and W from N(0, 1/(D + C + 1)) (unit-variance pre-activations), the time
     * weight and biases 0, B from N(0, 0.01/H) so the initial flow is close to the identity.
     */
    public static double[] initialParameters(int dimension, int contextSize, int hidden, long seed) {
        double[] theta = new double[parameterCount(dimension, contextSize, hidden)];
        Random random = new Random(seed);
        double inScale = 1.0 / Math.sqrt(dimension + contextSize + 1);
        int first = hidden * (dimension + contextSize);
        for (int i = 0; i < first; i++) {
            theta[i] = inScale * random.nextGaussian();
        }
        int offB = first + 2 * hidden;
        double outScale = 0.1 / Math.sqrt(hidden);
        for (int i = 0; i < dimension * hidden; i++) {
            theta[offB + i] = outScale * random.nextGaussian();
        }
        return theta;
    }

    public int dataDimension() {
        return d;
    }

    public int contextSize() {
        return contextSize;
    }

    public int hidden() {
        return hidden;
    }

    public TraceMode trace() {
        return trace;
    }

    /** Offset of ℓ, the accumulated log-density change, in a row. */
    public int logDensityIndex() {
        return d;
    }

    /** Offset of the context in a row. */
    public int contextIndex() {
        return d + 1;
    }

    /** Offset of ε in a row (Hutchinson only). */
    public int noiseIndex() {
        return d + 1 + contextSize;
    }

    @Override
    public int dimension() {
        return width;
    }

    @Override
    public int parameterCount() {
        return theta.length;
    }

    @Override
    public double[] parameters() {
        return theta;
    }

    @Override
    public void evaluate(double[] t, double[] y, double[] dy, int rows) {
        if (trace == TraceMode.EXACT) {
            traceCoefficients();
        }
        for (int r = 0; r < rows; r++) {
            int base = r * width;
            hiddenLayer(t[r], y, base);
            for (int i = 0; i < d; i++) {
                double sum = theta[offBeta + i];
                int row = offB + i * hidden;
                for (int k = 0; k < hidden; k++) {
                    sum += theta[row + k] * h[k];
                }
                dy[base + i] = sum;
            }
            double[] g = trace == TraceMode.EXACT ? u : noiseProjections(y, base);
            double tr = 0;
            for (int k = 0; k < hidden; k++) {
                tr += s[k] * g[k];
            }
            dy[base + d] = -tr;
            for (int j = d + 1; j < width; j++) {
                dy[base + j] = 0.0;
            }
        }
    }

    /**
     * With {@code e_k = s_k·(Bᵀa_z)_k + 2·a_ℓ·tanh(a_k)·s_k·g_k} (the cotangent of the
     * pre-activation: the first term from dz/dt, the second from dℓ/dt = −Σ s_k g_k):
     * <pre>
     *   ∂/∂z_i = Σ_k A_ki e_k     ∂/∂c_j = Σ_k W_kj e_k     ∂/∂ε_i = −a_ℓ Σ_k s_k (B_ik q_k + A_ki p_k)
     *   ∂/∂A_ki += e_k z_i − a_ℓ s_k·(B_ik | p_k ε_i)       ∂/∂W_kj += e_k c_j
     *   ∂/∂w_k += e_k t           ∂/∂b_k += e_k
     *   ∂/∂B_ik += a_z,i tanh(a_k) − a_ℓ s_k·(A_ki | ε_i q_k)   ∂/∂β_i += a_z,i
     * </pre>
     * where (x | y) is the exact trace's term | Hutchinson's.
     */
    @Override
    public void vjp(double[] t, double[] y, double[] a, double[] ay, double[] aTheta, int rows) {
        boolean exact = trace == TraceMode.EXACT;
        if (exact) {
            traceCoefficients();
        }
        for (int r = 0; r < rows; r++) {
            int base = r * width;
            double time = t[r];
            hiddenLayer(time, y, base);
            double[] g = exact ? u : noiseProjections(y, base);
            double aLog = a[base + d];
            for (int k = 0; k < hidden; k++) {
                double back = 0;
                for (int i = 0; i < d; i++) {
                    back += a[base + i] * theta[offB + i * hidden + k];
                }
                e[k] = s[k] * back + 2.0 * aLog * h[k] * s[k] * g[k];
            }
            for (int i = 0; i < d; i++) {
                double sum = 0;
                for (int k = 0; k < hidden; k++) {
                    sum += theta[k * d + i] * e[k];
                }
                ay[base + i] = sum;
            }
            ay[base + d] = 0.0;
            for (int j = 0; j < contextSize; j++) {
                double sum = 0;
                for (int k = 0; k < hidden; k++) {
                    sum += theta[offW + k * contextSize + j] * e[k];
                }
                ay[base + d + 1 + j] = sum;
            }
            int noise = noiseIndex();
            if (!exact) {
                for (int i = 0; i < d; i++) {
                    double sum = 0;
                    for (int k = 0; k < hidden; k++) {
                        sum += s[k] * (theta[offB + i * hidden + k] * q[k] + theta[k * d + i] * p[k]);
                    }
                    ay[base + noise + i] = -aLog * sum;
                }
            }
            for (int k = 0; k < hidden; k++) {
                double ek = e[k];
                double traceWeight = aLog * s[k];
                int rowA = k * d;
                for (int i = 0; i < d; i++) {
                    double second = exact ? theta[offB + i * hidden + k] : p[k] * y[base + noise + i];
                    aTheta[rowA + i] += ek * y[base + i] - traceWeight * second;
                }
                int rowW = offW + k * contextSize;
                for (int j = 0; j < contextSize; j++) {
                    aTheta[rowW + j] += ek * y[base + d + 1 + j];
                }
                aTheta[offTime + k] += ek * time;
                aTheta[offBias + k] += ek;
            }
            for (int i = 0; i < d; i++) {
                double ai = a[base + i];
                int rowB = offB + i * hidden;
                for (int k = 0; k < hidden; k++) {
                    double second = exact ? theta[k * d + i] : y[base + noise + i] * q[k];
                    aTheta[rowB + k] += ai * h[k] - aLog * s[k] * second;
                }
                aTheta[offBeta + i] += ai;
            }
        }
    }

    /** h = tanh(A·z + W·c + w·t + b) and s = 1 − h² for the row at {@code base}. */
    private void hiddenLayer(double time, double[] y, int base) {
        int context = base + d + 1;
        for (int k = 0; k < hidden; k++) {
            double pre = theta[offBias + k] + theta[offTime + k] * time;
            int rowA = k * d;
            for (int i = 0; i < d; i++) {
                pre += theta[rowA + i] * y[base + i];
            }
            int rowW = offW + k * contextSize;
            for (int j = 0; j < contextSize; j++) {
                pre += theta[rowW + j] * y[context + j];
            }
            double tanh = FastTanh.tanh(pre);
            h[k] = tanh;
            s[k] = 1.0 - tanh * tanh;
        }
    }

    /** u_k = Σ_i B_ik A_ki, the exact trace's weights (recomputed per call: the optimiser moves θ in place). */
    private void traceCoefficients() {
        for (int k = 0; k < hidden; k++) {
            double sum = 0;
            for (int i = 0; i < d; i++) {
                sum += theta[offB + i * hidden + k] * theta[k * d + i];
            }
            u[k] = sum;
        }
    }

    /** p = Bᵀε, q = A·ε for the row at {@code base}; returns g = p∘q, kept in the exact trace's scratch {@code u}. */
    private double[] noiseProjections(double[] y, int base) {
        int noise = base + noiseIndex();
        for (int k = 0; k < hidden; k++) {
            double pk = 0;
            double qk = 0;
            for (int i = 0; i < d; i++) {
                double eps = y[noise + i];
                pk += theta[offB + i * hidden + k] * eps;
                qk += theta[k * d + i] * eps;
            }
            p[k] = pk;
            q[k] = qk;
            u[k] = pk * qk;
        }
        return u;
    }
}
