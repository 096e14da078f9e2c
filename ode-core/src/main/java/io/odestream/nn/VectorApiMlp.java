package io.odestream.nn;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Mlp}'s forward pass and VJP on the Vector API ({@code jdk.incubator.vector}) for MLPs with
 * tanh hidden layers and an identity output — the Neural ODE field's shape — giving the same bits
 * as Mlp's loops for every output and input cotangent: each element is the same chain of fused
 * multiply–adds in the same order (see {@link Linear}) and the same lane-wise {@link BranchFreeTanh}.
 * Parameter cotangents are sums over rows, accumulated in another order (equal to ~1e-15).
 *
 * <p>Why: the adjoint spends its time in this field, and C2's auto-vectorised loops reach 6–8
 * GFLOP/s on it; register blocks reach 25–43 (bench/README.md, "Field kernel"). Every product is
 * computed in blocks of 8 rows × 2 vectors — 16 accumulators held in registers over the whole inner
 * dimension, each step loading 2 vectors of the right operand and broadcasting 8 scalars of the
 * left — with single-vector and scalar tails, so any shape works. Matrices are row-major; a
 * transposed left operand is read through strides, so the weight cotangents go straight into the
 * gradient in torch's layout:
 * <pre>
 *   U_k = X_k W_kᵀ + b_k,  X_{k+1} = tanh U_k          (right operand W_kᵀ, cached)
 *   gW_k += G_kᵀ X_k,  gb_k += Σ_rows G_k              (left G_k read transposed)
 *   G_{k−1} = (G_k W_k) ∘ (1 − X_k²),  gx = G_0 W_0    (right operand W_k, cached)
 * </pre>
 * Loaded only when the module is present ({@link VectorKernels}); every JVM that should use it
 * needs {@code --add-modules jdk.incubator.vector}. Not thread-safe (scratch buffers, weight caches).
 */
final class VectorApiMlp {
    private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();
    /** Rows of a register block; {@link #block} is written out for exactly 8. */
    private static final int BLOCK_ROWS = 8;

    private final Parameters parameters;
    private final int depth;
    private final int[] inSizes;
    private final int[] outSizes;
    private final int[] weightOffsets;
    private final int[] biasOffsets;
    /** W_k (out×in) and W_kᵀ (in×out), row-major copies refreshed when the parameters' version moves. */
    private final double[][] weights;
    private final double[][] transposed;
    private long cachedVersion = Long.MIN_VALUE;
    /** Hidden layers' outputs X_{k+1} = tanh U_k and their cotangents, rows × out_k. */
    private final double[][] hidden;
    private final double[][] hiddenGrad;
    private int capacityRows;

    /** Doubles in a vector of this machine's preferred species (8 with AVX-512). */
    static int lanes() {
        return L;
    }

    /** Whether {@code spec} has the activations this kernel implements lane-wise. */
    static boolean supports(MlpSpec spec) {
        int last = spec.depth() - 1;
        for (int k = 0; k < last; k++) {
            if (spec.activation(k) != Activation.TANH) {
                return false;
            }
        }
        return spec.activation(last) == Activation.IDENTITY;
    }

    VectorApiMlp(MlpSpec spec, Parameters parameters, String prefix) {
        if (!supports(spec)) {
            throw new IllegalArgumentException("the Vector API kernel needs tanh hidden layers and an identity "
                    + "output, got " + spec);
        }
        this.parameters = parameters;
        this.depth = spec.depth();
        this.inSizes = new int[depth];
        this.outSizes = new int[depth];
        this.weightOffsets = new int[depth];
        this.biasOffsets = new int[depth];
        this.weights = new double[depth][];
        this.transposed = new double[depth][];
        for (int k = 0; k < depth; k++) {
            inSizes[k] = spec.layerInput(k);
            outSizes[k] = spec.layerOutput(k);
            weightOffsets[k] = parameters.slice(prefix + "." + k + ".weight", outSizes[k], inSizes[k]).offset();
            biasOffsets[k] = parameters.slice(prefix + "." + k + ".bias", outSizes[k]).offset();
            weights[k] = new double[outSizes[k] * inSizes[k]];
            transposed[k] = new double[outSizes[k] * inSizes[k]];
        }
        this.hidden = new double[depth - 1][];
        this.hiddenGrad = new double[depth - 1][];
    }

    /** {@code y = mlp(x)}: x is rows×in, y rows×out. */
    void forward(double[] x, double[] y, int rows) {
        prepare(rows);
        forwardHidden(x, rows);
        outputLayer(x, y, rows);
    }

    /**
     * {@code gx = gyᵀ ∂y/∂x} (overwritten; skipped when null), {@code gTheta[thetaBase ..] += gyᵀ ∂y/∂θ},
     * and {@code y = mlp(x)} when y is not null — from one forward pass.
     */
    void vjp(double[] x, double[] gy, double[] y, double[] gx, double[] gTheta, int thetaBase, int rows) {
        prepare(rows);
        forwardHidden(x, rows);
        if (y != null) {
            outputLayer(x, y, rows);
        }
        for (int k = depth - 1; k >= 0; k--) {
            double[] input = k == 0 ? x : hidden[k - 1];
            double[] g = k == depth - 1 ? gy : hiddenGrad[k];
            int in = inSizes[k];
            int out = outSizes[k];
            product(g, 1, out, input, in, out, rows, null, 0, true, gTheta, thetaBase + weightOffsets[k]);
            columnSums(g, rows, out, gTheta, thetaBase + biasOffsets[k]);
            if (k > 0) {
                double[] below = hiddenGrad[k - 1];
                product(g, out, 1, weights[k], in, rows, out, null, 0, false, below, 0);
                tanhBackward(hidden[k - 1], below, rows * in);
            } else if (gx != null) {
                product(g, out, 1, weights[0], in, rows, out, null, 0, false, gx, 0);
            }
        }
    }

    private void forwardHidden(double[] x, int rows) {
        double[] p = parameters.values();
        double[] input = x;
        for (int k = 0; k < depth - 1; k++) {
            int out = outSizes[k];
            product(input, inSizes[k], 1, transposed[k], out, rows, inSizes[k], p, biasOffsets[k], false, hidden[k], 0);
            tanhInPlace(hidden[k], rows * out);
            input = hidden[k];
        }
    }

    private void outputLayer(double[] x, double[] y, int rows) {
        int k = depth - 1;
        double[] input = k == 0 ? x : hidden[k - 1];
        product(input, inSizes[k], 1, transposed[k], outSizes[k], rows, inSizes[k], parameters.values(), biasOffsets[k],
                false, y, 0);
    }

    private void prepare(int rows) {
        if (rows <= 0) {
            throw new IllegalArgumentException("rows must be positive, got " + rows);
        }
        long version = parameters.version();
        if (version != cachedVersion) {
            double[] p = parameters.values();
            for (int k = 0; k < depth; k++) {
                int in = inSizes[k];
                int out = outSizes[k];
                System.arraycopy(p, weightOffsets[k], weights[k], 0, out * in);
                for (int o = 0; o < out; o++) {
                    for (int i = 0; i < in; i++) {
                        transposed[k][i * out + o] = weights[k][o * in + i];
                    }
                }
            }
            cachedVersion = version;
        }
        if (rows > capacityRows) {
            for (int k = 0; k < depth - 1; k++) {
                hidden[k] = new double[rows * outSizes[k]];
                hiddenGrad[k] = new double[rows * outSizes[k]];
            }
            capacityRows = rows;
        }
    }

    /**
     * {@code out[o + m·outCols + n] (= or +=) bias[n] + Σ_k left[m·ls + k·ks] · right[k·outCols + n]}
     * for an outRows × outCols result, the sum a chain of fused multiply–adds in k order; the right
     * operand is inner × outCols row-major. With {@code accumulate} the chain starts from what out
     * holds, otherwise from the bias (zero when null).
     */
    private static void product(double[] left, int ls, int ks, double[] right, int outCols, int outRows, int inner,
            double[] bias, int biasOffset, boolean accumulate, double[] out, int outOffset) {
        int m0 = 0;
        for (; m0 + BLOCK_ROWS <= outRows; m0 += BLOCK_ROWS) {
            int n0 = 0;
            for (; n0 + 2 * L <= outCols; n0 += 2 * L) {
                block(left, ls, ks, right, m0, n0, outCols, inner, bias, biasOffset, accumulate, out, outOffset);
            }
            columnTail(left, ls, ks, right, m0, n0, outCols, inner, bias, biasOffset, accumulate, out, outOffset);
        }
        int vectorCols = outCols - outCols % L;
        for (int m = m0; m < outRows; m++) {
            rowVectors(left, ls, ks, right, m, vectorCols, outCols, inner, bias, biasOffset, accumulate, out,
                    outOffset);
        }
        scalarColumns(left, ls, ks, right, m0, outRows, vectorCols, outCols, inner, bias, biasOffset, accumulate, out,
                outOffset);
    }

    /**
     * Rows m0 … m1 − 1 of {@link #product}, columns n0 … outCols − 1 (fewer than a vector), all rows
     * at once: the accumulators live in {@code out}, k outermost, so the rows' and columns' chains are
     * independent instead of one waiting on the next (the latent ODE's 6-column output at 2L + 1 = 13
     * sigma points leaves 5 rows past the 8-row block). Each element is still its chain of fused
     * multiply–adds in k order: the same bits.
     */
    private static void scalarColumns(double[] left, int ls, int ks, double[] right, int m0, int m1, int n0,
            int outCols, int inner, double[] bias, int biasOffset, boolean accumulate, double[] out, int outOffset) {
        if (n0 == outCols || m0 == m1) {
            return;
        }
        if (!accumulate) {
            for (int m = m0; m < m1; m++) {
                for (int n = n0; n < outCols; n++) {
                    out[outOffset + m * outCols + n] = bias == null ? 0.0 : bias[biasOffset + n];
                }
            }
        }
        for (int k = 0; k < inner; k++) {
            int ro = k * outCols;
            for (int m = m0; m < m1; m++) {
                double a = left[m * ls + k * ks];
                int o = outOffset + m * outCols;
                for (int n = n0; n < outCols; n++) {
                    out[o + n] = Math.fma(a, right[ro + n], out[o + n]);
                }
            }
        }
    }

    /**
     * Rows m0 … m0 + 7 of {@link #product} from column n0 on: single vectors, then scalars, each column
     * with the 8 rows' accumulators side by side. Why: a narrow output (the latent ODE's L = 6 columns
     * of a 32-wide hidden layer) is all tail, and row by row each column is one chain
     * of dependent fused multiply–adds waiting on the last; 8 independent chains keep the FMA units
     * busy. Each element is still its chain in k order: the same bits.
     */
    private static void columnTail(double[] left, int ls, int ks, double[] right, int m0, int n0, int outCols,
            int inner, double[] bias, int biasOffset, boolean accumulate, double[] out, int outOffset) {
        int o = outOffset + m0 * outCols;
        int l0 = m0 * ls;
        int n = n0;
        for (; n + L <= outCols; n += L) {
            DoubleVector a0, a1, a2, a3, a4, a5, a6, a7;
            if (accumulate) {
                a0 = DoubleVector.fromArray(SPECIES, out, o + n);
                a1 = DoubleVector.fromArray(SPECIES, out, o + outCols + n);
                a2 = DoubleVector.fromArray(SPECIES, out, o + 2 * outCols + n);
                a3 = DoubleVector.fromArray(SPECIES, out, o + 3 * outCols + n);
                a4 = DoubleVector.fromArray(SPECIES, out, o + 4 * outCols + n);
                a5 = DoubleVector.fromArray(SPECIES, out, o + 5 * outCols + n);
                a6 = DoubleVector.fromArray(SPECIES, out, o + 6 * outCols + n);
                a7 = DoubleVector.fromArray(SPECIES, out, o + 7 * outCols + n);
            } else {
                DoubleVector init = bias == null ? DoubleVector.zero(SPECIES)
                        : DoubleVector.fromArray(SPECIES, bias, biasOffset + n);
                a0 = init; a1 = init; a2 = init; a3 = init; a4 = init; a5 = init; a6 = init; a7 = init;
            }
            for (int k = 0; k < inner; k++) {
                DoubleVector r = DoubleVector.fromArray(SPECIES, right, k * outCols + n);
                int lo = l0 + k * ks;
                a0 = DoubleVector.broadcast(SPECIES, left[lo]).fma(r, a0);
                a1 = DoubleVector.broadcast(SPECIES, left[lo + ls]).fma(r, a1);
                a2 = DoubleVector.broadcast(SPECIES, left[lo + 2 * ls]).fma(r, a2);
                a3 = DoubleVector.broadcast(SPECIES, left[lo + 3 * ls]).fma(r, a3);
                a4 = DoubleVector.broadcast(SPECIES, left[lo + 4 * ls]).fma(r, a4);
                a5 = DoubleVector.broadcast(SPECIES, left[lo + 5 * ls]).fma(r, a5);
                a6 = DoubleVector.broadcast(SPECIES, left[lo + 6 * ls]).fma(r, a6);
                a7 = DoubleVector.broadcast(SPECIES, left[lo + 7 * ls]).fma(r, a7);
            }
            a0.intoArray(out, o + n);
            a1.intoArray(out, o + outCols + n);
            a2.intoArray(out, o + 2 * outCols + n);
            a3.intoArray(out, o + 3 * outCols + n);
            a4.intoArray(out, o + 4 * outCols + n);
            a5.intoArray(out, o + 5 * outCols + n);
            a6.intoArray(out, o + 6 * outCols + n);
            a7.intoArray(out, o + 7 * outCols + n);
        }
        for (; n < outCols; n++) {
            double a0, a1, a2, a3, a4, a5, a6, a7;
            if (accumulate) {
                a0 = out[o + n];
                a1 = out[o + outCols + n];
                a2 = out[o + 2 * outCols + n];
                a3 = out[o + 3 * outCols + n];
                a4 = out[o + 4 * outCols + n];
                a5 = out[o + 5 * outCols + n];
                a6 = out[o + 6 * outCols + n];
                a7 = out[o + 7 * outCols + n];
            } else {
                double init = bias == null ? 0.0 : bias[biasOffset + n];
                a0 = init; a1 = init; a2 = init; a3 = init; a4 = init; a5 = init; a6 = init; a7 = init;
            }
            for (int k = 0; k < inner; k++) {
                double r = right[k * outCols + n];
                int lo = l0 + k * ks;
                a0 = Math.fma(left[lo], r, a0);
                a1 = Math.fma(left[lo + ls], r, a1);
                a2 = Math.fma(left[lo + 2 * ls], r, a2);
                a3 = Math.fma(left[lo + 3 * ls], r, a3);
                a4 = Math.fma(left[lo + 4 * ls], r, a4);
                a5 = Math.fma(left[lo + 5 * ls], r, a5);
                a6 = Math.fma(left[lo + 6 * ls], r, a6);
                a7 = Math.fma(left[lo + 7 * ls], r, a7);
            }
            out[o + n] = a0;
            out[o + outCols + n] = a1;
            out[o + 2 * outCols + n] = a2;
            out[o + 3 * outCols + n] = a3;
            out[o + 4 * outCols + n] = a4;
            out[o + 5 * outCols + n] = a5;
            out[o + 6 * outCols + n] = a6;
            out[o + 7 * outCols + n] = a7;
        }
    }

    /** Row m of {@link #product}, columns 0 … vectorCols − 1 (a multiple of the vector length): single vectors. */
    private static void rowVectors(double[] left, int ls, int ks, double[] right, int m, int vectorCols, int outCols,
            int inner, double[] bias, int biasOffset, boolean accumulate, double[] out, int outOffset) {
        int o = outOffset + m * outCols;
        int lo = m * ls;
        for (int n = 0; n < vectorCols; n += L) {
            DoubleVector acc = accumulate ? DoubleVector.fromArray(SPECIES, out, o + n)
                    : bias == null ? DoubleVector.zero(SPECIES) : DoubleVector.fromArray(SPECIES, bias, biasOffset + n);
            for (int k = 0; k < inner; k++) {
                acc = DoubleVector.broadcast(SPECIES, left[lo + k * ks])
                        .fma(DoubleVector.fromArray(SPECIES, right, k * outCols + n), acc);
            }
            acc.intoArray(out, o + n);
        }
    }

    /** One 8 × 2L block of {@link #product}; the 16 accumulators stay in registers over the k loop. */
    private static void block(double[] left, int ls, int ks, double[] right, int m0, int n0, int outCols, int inner,
            double[] bias, int biasOffset, boolean accumulate, double[] out, int outOffset) {
        int o = outOffset + m0 * outCols + n0;
        DoubleVector a0, a1, a2, a3, a4, a5, a6, a7, b0, b1, b2, b3, b4, b5, b6, b7;
        if (accumulate) {
            a0 = DoubleVector.fromArray(SPECIES, out, o);
            b0 = DoubleVector.fromArray(SPECIES, out, o + L);
            a1 = DoubleVector.fromArray(SPECIES, out, o + outCols);
            b1 = DoubleVector.fromArray(SPECIES, out, o + outCols + L);
            a2 = DoubleVector.fromArray(SPECIES, out, o + 2 * outCols);
            b2 = DoubleVector.fromArray(SPECIES, out, o + 2 * outCols + L);
            a3 = DoubleVector.fromArray(SPECIES, out, o + 3 * outCols);
            b3 = DoubleVector.fromArray(SPECIES, out, o + 3 * outCols + L);
            a4 = DoubleVector.fromArray(SPECIES, out, o + 4 * outCols);
            b4 = DoubleVector.fromArray(SPECIES, out, o + 4 * outCols + L);
            a5 = DoubleVector.fromArray(SPECIES, out, o + 5 * outCols);
            b5 = DoubleVector.fromArray(SPECIES, out, o + 5 * outCols + L);
            a6 = DoubleVector.fromArray(SPECIES, out, o + 6 * outCols);
            b6 = DoubleVector.fromArray(SPECIES, out, o + 6 * outCols + L);
            a7 = DoubleVector.fromArray(SPECIES, out, o + 7 * outCols);
            b7 = DoubleVector.fromArray(SPECIES, out, o + 7 * outCols + L);
        } else {
            DoubleVector init0 = bias == null ? DoubleVector.zero(SPECIES)
                    : DoubleVector.fromArray(SPECIES, bias, biasOffset + n0);
            DoubleVector init1 = bias == null ? DoubleVector.zero(SPECIES)
                    : DoubleVector.fromArray(SPECIES, bias, biasOffset + n0 + L);
            a0 = init0; a1 = init0; a2 = init0; a3 = init0; a4 = init0; a5 = init0; a6 = init0; a7 = init0;
            b0 = init1; b1 = init1; b2 = init1; b3 = init1; b4 = init1; b5 = init1; b6 = init1; b7 = init1;
        }
        int l0 = m0 * ls;
        for (int k = 0; k < inner; k++) {
            int ro = k * outCols + n0;
            DoubleVector r0 = DoubleVector.fromArray(SPECIES, right, ro);
            DoubleVector r1 = DoubleVector.fromArray(SPECIES, right, ro + L);
            int lo = l0 + k * ks;
            DoubleVector s;
            s = DoubleVector.broadcast(SPECIES, left[lo]);
            a0 = s.fma(r0, a0);
            b0 = s.fma(r1, b0);
            s = DoubleVector.broadcast(SPECIES, left[lo + ls]);
            a1 = s.fma(r0, a1);
            b1 = s.fma(r1, b1);
            s = DoubleVector.broadcast(SPECIES, left[lo + 2 * ls]);
            a2 = s.fma(r0, a2);
            b2 = s.fma(r1, b2);
            s = DoubleVector.broadcast(SPECIES, left[lo + 3 * ls]);
            a3 = s.fma(r0, a3);
            b3 = s.fma(r1, b3);
            s = DoubleVector.broadcast(SPECIES, left[lo + 4 * ls]);
            a4 = s.fma(r0, a4);
            b4 = s.fma(r1, b4);
            s = DoubleVector.broadcast(SPECIES, left[lo + 5 * ls]);
            a5 = s.fma(r0, a5);
            b5 = s.fma(r1, b5);
            s = DoubleVector.broadcast(SPECIES, left[lo + 6 * ls]);
            a6 = s.fma(r0, a6);
            b6 = s.fma(r1, b6);
            s = DoubleVector.broadcast(SPECIES, left[lo + 7 * ls]);
            a7 = s.fma(r0, a7);
            b7 = s.fma(r1, b7);
        }
        a0.intoArray(out, o);
        b0.intoArray(out, o + L);
        a1.intoArray(out, o + outCols);
        b1.intoArray(out, o + outCols + L);
        a2.intoArray(out, o + 2 * outCols);
        b2.intoArray(out, o + 2 * outCols + L);
        a3.intoArray(out, o + 3 * outCols);
        b3.intoArray(out, o + 3 * outCols + L);
        a4.intoArray(out, o + 4 * outCols);
        b4.intoArray(out, o + 4 * outCols + L);
        a5.intoArray(out, o + 5 * outCols);
        b5.intoArray(out, o + 5 * outCols + L);
        a6.intoArray(out, o + 6 * outCols);
        b6.intoArray(out, o + 6 * outCols + L);
        a7.intoArray(out, o + 7 * outCols);
        b7.intoArray(out, o + 7 * outCols + L);
    }

    /** {@code theta[offset + n] += Σ_rows m[row, n]} for a rows × width row-major m, summed in row order. */
    private static void columnSums(double[] m, int rows, int width, double[] theta, int offset) {
        int n = 0;
        for (; n + L <= width; n += L) {
            DoubleVector acc = DoubleVector.fromArray(SPECIES, theta, offset + n);
            for (int r = 0; r < rows; r++) {
                acc = acc.add(DoubleVector.fromArray(SPECIES, m, r * width + n));
            }
            acc.intoArray(theta, offset + n);
        }
        for (; n < width; n++) {
            double acc = theta[offset + n];
            for (int r = 0; r < rows; r++) {
                acc += m[r * width + n];
            }
            theta[offset + n] = acc;
        }
    }

    private static void tanhInPlace(double[] y, int n) {
        int k = 0;
        for (; k + L <= n; k += L) {
            tanh(DoubleVector.fromArray(SPECIES, y, k)).intoArray(y, k);
        }
        for (; k < n; k++) {
            y[k] = BranchFreeTanh.tanh(y[k]);
        }
    }

    /** {@code g[k] *= 1 − y[k]²} as {@link BranchFreeTanh#derivativeFromOutput}. */
    private static void tanhBackward(double[] y, double[] g, int n) {
        DoubleVector one = DoubleVector.broadcast(SPECIES, 1.0);
        int k = 0;
        for (; k + L <= n; k += L) {
            DoubleVector yk = DoubleVector.fromArray(SPECIES, y, k);
            DoubleVector gk = DoubleVector.fromArray(SPECIES, g, k);
            gk.mul(yk.neg().fma(yk, one)).intoArray(g, k);
        }
        for (; k < n; k++) {
            g[k] *= BranchFreeTanh.derivativeFromOutput(y[k]);
        }
    }

    /** {@link BranchFreeTanh#tanh} lane-wise: the same operations in the same order, so the same bits. */
    private static DoubleVector tanh(DoubleVector x) {
        DoubleVector t = x.add(x).min(BranchFreeTanh.CLAMP).max(-BranchFreeTanh.CLAMP).mul(BranchFreeTanh.SCALE);
        DoubleVector p = DoubleVector.broadcast(SPECIES, BranchFreeTanh.C11).fma(t,
                DoubleVector.broadcast(SPECIES, BranchFreeTanh.C10));
        p = p.fma(t, DoubleVector.broadcast(SPECIES, BranchFreeTanh.C9));
        p = p.fma(t, DoubleVector.broadcast(SPECIES, BranchFreeTanh.C8));
        p = p.fma(t, DoubleVector.broadcast(SPECIES, BranchFreeTanh.C7));
        p = p.fma(t, DoubleVector.broadcast(SPECIES, BranchFreeTanh.C6));
        p = p.fma(t, DoubleVector.broadcast(SPECIES, BranchFreeTanh.C5));
        p = p.fma(t, DoubleVector.broadcast(SPECIES, BranchFreeTanh.C4));
        p = p.fma(t, DoubleVector.broadcast(SPECIES, BranchFreeTanh.C3));
        p = p.fma(t, DoubleVector.broadcast(SPECIES, BranchFreeTanh.C2));
        p = p.fma(t, DoubleVector.broadcast(SPECIES, 1.0));
        DoubleVector u = t.mul(p);
        // written out, not looped, so no vector value is carried by a loop phi (which may box)
        u = u.fma(u, u.add(u));
        u = u.fma(u, u.add(u));
        u = u.fma(u, u.add(u));
        u = u.fma(u, u.add(u));
        u = u.fma(u, u.add(u));
        u = u.fma(u, u.add(u));
        u = u.fma(u, u.add(u));
        u = u.fma(u, u.add(u));
        return u.div(u.add(2.0));
    }
}
