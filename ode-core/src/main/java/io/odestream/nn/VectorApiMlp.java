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
 * left — then 8 rows × 1 vector, the last vector of a row holding fewer columns where they run out,
 * and the last group of rows short where the rows do (3–7 rows repeat the last one and store only
 * their own; 1 or 2 go row by row): no scalar tails, so a narrow output (the latent ODE's 6 columns),
 * 2L + 1 = 13 sigma points or one series' row run in vectors too. The right operands and biases are
 * the kernel's own copies, padded by a vector, so a partly filled vector loads whole; its results go
 * out through a small tile ({@link #columnVector} says why not masked stores). Matrices are
 * row-major; a transposed left operand is read through strides, so the weight cotangents go straight
 * into the gradient in torch's layout:
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
    /**
     * A last group of fewer rows goes row by row ({@link #rowVectors}) instead of repeating its last row
     * to fill 8: one series' row (the encoder's update) would otherwise cost 8 rows' work. From 3 rows
     * on a short group's 8 independent chains hide the FMA latency that row after row waits on (the 5
     * rows past 8 of 13 sigma points); the threshold itself is a guess, not tuned.
     */
    private static final int GROUP_MIN_ROWS = 3;

    private final Parameters parameters;
    private final int depth;
    private final int[] inSizes;
    private final int[] outSizes;
    private final int[] weightOffsets;
    private final int[] biasOffsets;
    /**
     * W_k (out×in) and W_kᵀ (in×out), row-major copies refreshed when the parameters' version moves,
     * each padded by a vector so that a product's partly filled last vector loads whole.
     */
    private final double[][] weights;
    private final double[][] transposed;
    private long cachedVersion = Long.MIN_VALUE;
    /**
     * Hidden layers' outputs X_{k+1} = tanh U_k and their cotangents, rows × out_k, padded by a vector:
     * tanh and its derivative run over them in whole vectors; what the padding holds is never stored
     * as a result.
     */
    private final double[][] hidden;
    private final double[][] hiddenGrad;
    private int capacityRows;
    /** b_k, refreshed with the weights, padded by a vector. */
    private final double[][] biases;
    /** The input x, copied where it is a right operand (the first layer's weight cotangent), padded by a vector. */
    private double[] input;
    /** 8 rows × one vector: what {@link #columnVector} moves between its accumulators and a result. */
    private final double[] tile = new double[BLOCK_ROWS * L];

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
        this.biases = new double[depth][];
        for (int k = 0; k < depth; k++) {
            inSizes[k] = spec.layerInput(k);
            outSizes[k] = spec.layerOutput(k);
            weightOffsets[k] = parameters.slice(prefix + "." + k + ".weight", outSizes[k], inSizes[k]).offset();
            biasOffsets[k] = parameters.slice(prefix + "." + k + ".bias", outSizes[k]).offset();
            weights[k] = new double[outSizes[k] * inSizes[k] + L];
            transposed[k] = new double[outSizes[k] * inSizes[k] + L];
            biases[k] = new double[outSizes[k] + L];
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
        System.arraycopy(x, 0, input, 0, rows * inSizes[0]);
        for (int k = depth - 1; k >= 0; k--) {
            double[] layerInput = k == 0 ? input : hidden[k - 1];
            double[] g = k == depth - 1 ? gy : hiddenGrad[k];
            int in = inSizes[k];
            int out = outSizes[k];
            product(g, 1, out, layerInput, in, out, rows, null, true, gTheta, thetaBase + weightOffsets[k]);
            columnSums(g, rows, out, gTheta, thetaBase + biasOffsets[k]);
            if (k > 0) {
                double[] below = hiddenGrad[k - 1];
                product(g, out, 1, weights[k], in, rows, out, null, false, below, 0);
                tanhBackward(hidden[k - 1], below, rows * in);
            } else if (gx != null) {
                product(g, out, 1, weights[0], in, rows, out, null, false, gx, 0);
            }
        }
    }

    private void forwardHidden(double[] x, int rows) {
        double[] layerInput = x;
        for (int k = 0; k < depth - 1; k++) {
            int out = outSizes[k];
            product(layerInput, inSizes[k], 1, transposed[k], out, rows, inSizes[k], biases[k], false, hidden[k], 0);
            tanhInPlace(hidden[k], rows * out);
            layerInput = hidden[k];
        }
    }

    private void outputLayer(double[] x, double[] y, int rows) {
        int k = depth - 1;
        double[] layerInput = k == 0 ? x : hidden[k - 1];
        product(layerInput, inSizes[k], 1, transposed[k], outSizes[k], rows, inSizes[k], biases[k], false, y, 0);
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
                System.arraycopy(p, biasOffsets[k], biases[k], 0, out);
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
                hidden[k] = new double[rows * outSizes[k] + L];
                hiddenGrad[k] = new double[rows * outSizes[k] + L];
            }
            input = new double[rows * inSizes[0] + L];
            capacityRows = rows;
        }
    }

    /**
     * {@code out[o + m·outCols + n] (= or +=) bias[n] + Σ_k left[m·ls + k·ks] · right[k·outCols + n]}
     * for an outRows × outCols result, the sum a chain of fused multiply–adds in k order; the right
     * operand is inner × outCols row-major. With {@code accumulate} the chain starts from what out
     * holds, otherwise from the bias (zero when null). Rows go in groups of 8 — the last group may
     * be short — and each group's columns in {@link #block}s of 2 vectors, then {@link #columnVector}s
     * of one, the last of them partly filled: there are no scalar tails. The right operand and the
     * bias are padded by a vector, so that a last vector loads whole.
     */
    private void product(double[] left, int ls, int ks, double[] right, int outCols, int outRows, int inner,
            double[] bias, boolean accumulate, double[] out, int outOffset) {
        for (int m0 = 0; m0 < outRows; m0 += BLOCK_ROWS) {
            int rows = Math.min(BLOCK_ROWS, outRows - m0);
            if (rows < GROUP_MIN_ROWS) {
                for (int m = m0; m < outRows; m++) {
                    rowVectors(left, ls, ks, right, m, outCols, inner, bias, accumulate, out, outOffset);
                }
                return;
            }
            int n0 = 0;
            for (; n0 + 2 * L <= outCols; n0 += 2 * L) {
                block(left, ls, ks, right, m0, rows, n0, outCols, inner, bias, accumulate, out, outOffset);
            }
            for (; n0 < outCols; n0 += L) {
                columnVector(left, ls, ks, right, m0, rows, n0, outCols, inner, bias, accumulate, out, outOffset);
            }
        }
    }

    /**
     * Rows m0 … m0 + rows − 1 (rows ≤ 8) of {@link #product}, columns n0 … n0 + count − 1 with count
     * = min(L, outCols − n0): one vector per row, the 8 rows' accumulators side by side; lanes past
     * count compute on the padding and are never stored. Why: a narrow output (the latent ODE's 6
     * columns of a 32-wide hidden layer, fewer than the 8 doubles of an AVX-512 vector) was all scalar
     * tail, 8 scalar chains per column, and the rows past the last full group (5 of the 2L + 1 = 13
     * sigma points) one row at a time; now 8 vector chains per k, whatever the shape. A short group
     * repeats its last row in the missing ones ({@link #row}) and stores only its own rows. Every
     * stored element is still its chain of fused multiply–adds in k order: the same bits.
     *
     * <p>The accumulators reach the result through {@link #tile} (8 whole-vector stores, then count
     * doubles a row), not masked stores: on JDK 17 a partly set mask stores lane by lane through a
     * lambda, and a vector handed to a helper method that is not inlined is boxed.
     */
    private void columnVector(double[] left, int ls, int ks, double[] right, int m0, int rows, int n0, int outCols,
            int inner, double[] bias, boolean accumulate, double[] out, int outOffset) {
        int count = Math.min(L, outCols - n0);
        int o = outOffset + m0 * outCols + n0;
        int l0 = row(m0, 0, rows) * ls;
        int l1 = row(m0, 1, rows) * ls;
        int l2 = row(m0, 2, rows) * ls;
        int l3 = row(m0, 3, rows) * ls;
        int l4 = row(m0, 4, rows) * ls;
        int l5 = row(m0, 5, rows) * ls;
        int l6 = row(m0, 6, rows) * ls;
        int l7 = row(m0, 7, rows) * ls;
        DoubleVector a0, a1, a2, a3, a4, a5, a6, a7;
        if (accumulate) {
            tileFrom(out, o, outCols, rows, count);
            a0 = DoubleVector.fromArray(SPECIES, tile, 0);
            a1 = DoubleVector.fromArray(SPECIES, tile, L);
            a2 = DoubleVector.fromArray(SPECIES, tile, 2 * L);
            a3 = DoubleVector.fromArray(SPECIES, tile, 3 * L);
            a4 = DoubleVector.fromArray(SPECIES, tile, 4 * L);
            a5 = DoubleVector.fromArray(SPECIES, tile, 5 * L);
            a6 = DoubleVector.fromArray(SPECIES, tile, 6 * L);
            a7 = DoubleVector.fromArray(SPECIES, tile, 7 * L);
        } else {
            DoubleVector init = bias == null ? DoubleVector.zero(SPECIES) : DoubleVector.fromArray(SPECIES, bias, n0);
            a0 = init; a1 = init; a2 = init; a3 = init; a4 = init; a5 = init; a6 = init; a7 = init;
        }
        for (int k = 0; k < inner; k++) {
            DoubleVector r = DoubleVector.fromArray(SPECIES, right, k * outCols + n0);
            int kk = k * ks;
            a0 = DoubleVector.broadcast(SPECIES, left[l0 + kk]).fma(r, a0);
            a1 = DoubleVector.broadcast(SPECIES, left[l1 + kk]).fma(r, a1);
            a2 = DoubleVector.broadcast(SPECIES, left[l2 + kk]).fma(r, a2);
            a3 = DoubleVector.broadcast(SPECIES, left[l3 + kk]).fma(r, a3);
            a4 = DoubleVector.broadcast(SPECIES, left[l4 + kk]).fma(r, a4);
            a5 = DoubleVector.broadcast(SPECIES, left[l5 + kk]).fma(r, a5);
            a6 = DoubleVector.broadcast(SPECIES, left[l6 + kk]).fma(r, a6);
            a7 = DoubleVector.broadcast(SPECIES, left[l7 + kk]).fma(r, a7);
        }
        a0.intoArray(tile, 0);
        a1.intoArray(tile, L);
        a2.intoArray(tile, 2 * L);
        a3.intoArray(tile, 3 * L);
        a4.intoArray(tile, 4 * L);
        a5.intoArray(tile, 5 * L);
        a6.intoArray(tile, 6 * L);
        a7.intoArray(tile, 7 * L);
        tileInto(out, o, outCols, rows, count);
    }

    /**
     * Row m of {@link #product}, its columns one vector at a time, the last partly filled and stored
     * through {@link #tile} as in {@link #columnVector}: for a last group of 1 or 2 rows. Each element
     * is its chain of fused multiply–adds in k order: the same bits.
     */
    private void rowVectors(double[] left, int ls, int ks, double[] right, int m, int outCols, int inner,
            double[] bias, boolean accumulate, double[] out, int outOffset) {
        int o = outOffset + m * outCols;
        int lo = m * ls;
        for (int n = 0; n < outCols; n += L) {
            int count = Math.min(L, outCols - n);
            DoubleVector acc;
            if (accumulate) {
                System.arraycopy(out, o + n, tile, 0, count);
                acc = DoubleVector.fromArray(SPECIES, tile, 0);
            } else {
                acc = bias == null ? DoubleVector.zero(SPECIES) : DoubleVector.fromArray(SPECIES, bias, n);
            }
            for (int k = 0; k < inner; k++) {
                acc = DoubleVector.broadcast(SPECIES, left[lo + k * ks])
                        .fma(DoubleVector.fromArray(SPECIES, right, k * outCols + n), acc);
            }
            acc.intoArray(tile, 0);
            System.arraycopy(tile, 0, out, o + n, count);
        }
    }

    /** {@link #tile}'s row r, lanes 0 … count − 1 ← {@code a[o + r·stride …]}, for r &lt; rows. */
    private void tileFrom(double[] a, int o, int stride, int rows, int count) {
        for (int r = 0; r < rows; r++) {
            System.arraycopy(a, o + r * stride, tile, r * L, count);
        }
    }

    /** {@code a[o + r·stride …]} ← {@link #tile}'s row r, lanes 0 … count − 1, for r &lt; rows. */
    private void tileInto(double[] a, int o, int stride, int rows, int count) {
        for (int r = 0; r < rows; r++) {
            System.arraycopy(tile, r * L, a, o + r * stride, count);
        }
    }

    /**
     * One 8 × 2L block of {@link #product} (rows ≤ 8 of them stored, a short group repeating its last
     * row as {@link #columnVector} does); the 16 accumulators stay in registers over the k loop.
     */
    private static void block(double[] left, int ls, int ks, double[] right, int m0, int rows, int n0, int outCols,
            int inner, double[] bias, boolean accumulate, double[] out, int outOffset) {
        int l0 = row(m0, 0, rows) * ls;
        int l1 = row(m0, 1, rows) * ls;
        int l2 = row(m0, 2, rows) * ls;
        int l3 = row(m0, 3, rows) * ls;
        int l4 = row(m0, 4, rows) * ls;
        int l5 = row(m0, 5, rows) * ls;
        int l6 = row(m0, 6, rows) * ls;
        int l7 = row(m0, 7, rows) * ls;
        int o = outOffset + m0 * outCols + n0;
        DoubleVector a0, a1, a2, a3, a4, a5, a6, a7, b0, b1, b2, b3, b4, b5, b6, b7;
        if (accumulate) {
            int o1 = o + (row(m0, 1, rows) - m0) * outCols;
            int o2 = o + (row(m0, 2, rows) - m0) * outCols;
            int o3 = o + (row(m0, 3, rows) - m0) * outCols;
            int o4 = o + (row(m0, 4, rows) - m0) * outCols;
            int o5 = o + (row(m0, 5, rows) - m0) * outCols;
            int o6 = o + (row(m0, 6, rows) - m0) * outCols;
            int o7 = o + (row(m0, 7, rows) - m0) * outCols;
            a0 = DoubleVector.fromArray(SPECIES, out, o);
            b0 = DoubleVector.fromArray(SPECIES, out, o + L);
            a1 = DoubleVector.fromArray(SPECIES, out, o1);
            b1 = DoubleVector.fromArray(SPECIES, out, o1 + L);
            a2 = DoubleVector.fromArray(SPECIES, out, o2);
            b2 = DoubleVector.fromArray(SPECIES, out, o2 + L);
            a3 = DoubleVector.fromArray(SPECIES, out, o3);
            b3 = DoubleVector.fromArray(SPECIES, out, o3 + L);
            a4 = DoubleVector.fromArray(SPECIES, out, o4);
            b4 = DoubleVector.fromArray(SPECIES, out, o4 + L);
            a5 = DoubleVector.fromArray(SPECIES, out, o5);
            b5 = DoubleVector.fromArray(SPECIES, out, o5 + L);
            a6 = DoubleVector.fromArray(SPECIES, out, o6);
            b6 = DoubleVector.fromArray(SPECIES, out, o6 + L);
            a7 = DoubleVector.fromArray(SPECIES, out, o7);
            b7 = DoubleVector.fromArray(SPECIES, out, o7 + L);
        } else {
            DoubleVector init0 = bias == null ? DoubleVector.zero(SPECIES) : DoubleVector.fromArray(SPECIES, bias, n0);
            DoubleVector init1 = bias == null ? DoubleVector.zero(SPECIES)
                    : DoubleVector.fromArray(SPECIES, bias, n0 + L);
            a0 = init0; a1 = init0; a2 = init0; a3 = init0; a4 = init0; a5 = init0; a6 = init0; a7 = init0;
            b0 = init1; b1 = init1; b2 = init1; b3 = init1; b4 = init1; b5 = init1; b6 = init1; b7 = init1;
        }
        for (int k = 0; k < inner; k++) {
            int ro = k * outCols + n0;
            DoubleVector r0 = DoubleVector.fromArray(SPECIES, right, ro);
            DoubleVector r1 = DoubleVector.fromArray(SPECIES, right, ro + L);
            int kk = k * ks;
            DoubleVector s;
            s = DoubleVector.broadcast(SPECIES, left[l0 + kk]);
            a0 = s.fma(r0, a0);
            b0 = s.fma(r1, b0);
            s = DoubleVector.broadcast(SPECIES, left[l1 + kk]);
            a1 = s.fma(r0, a1);
            b1 = s.fma(r1, b1);
            s = DoubleVector.broadcast(SPECIES, left[l2 + kk]);
            a2 = s.fma(r0, a2);
            b2 = s.fma(r1, b2);
            s = DoubleVector.broadcast(SPECIES, left[l3 + kk]);
            a3 = s.fma(r0, a3);
            b3 = s.fma(r1, b3);
            s = DoubleVector.broadcast(SPECIES, left[l4 + kk]);
            a4 = s.fma(r0, a4);
            b4 = s.fma(r1, b4);
            s = DoubleVector.broadcast(SPECIES, left[l5 + kk]);
            a5 = s.fma(r0, a5);
            b5 = s.fma(r1, b5);
            s = DoubleVector.broadcast(SPECIES, left[l6 + kk]);
            a6 = s.fma(r0, a6);
            b6 = s.fma(r1, b6);
            s = DoubleVector.broadcast(SPECIES, left[l7 + kk]);
            a7 = s.fma(r0, a7);
            b7 = s.fma(r1, b7);
        }
        a0.intoArray(out, o);
        b0.intoArray(out, o + L);
        if (rows > 1) {
            a1.intoArray(out, o + outCols);
            b1.intoArray(out, o + outCols + L);
        }
        if (rows > 2) {
            a2.intoArray(out, o + 2 * outCols);
            b2.intoArray(out, o + 2 * outCols + L);
        }
        if (rows > 3) {
            a3.intoArray(out, o + 3 * outCols);
            b3.intoArray(out, o + 3 * outCols + L);
        }
        if (rows > 4) {
            a4.intoArray(out, o + 4 * outCols);
            b4.intoArray(out, o + 4 * outCols + L);
        }
        if (rows > 5) {
            a5.intoArray(out, o + 5 * outCols);
            b5.intoArray(out, o + 5 * outCols + L);
        }
        if (rows > 6) {
            a6.intoArray(out, o + 6 * outCols);
            b6.intoArray(out, o + 6 * outCols + L);
        }
        if (rows > 7) {
            a7.intoArray(out, o + 7 * outCols);
            b7.intoArray(out, o + 7 * outCols + L);
        }
    }

    /** Row {@code m0 + r} of a group of {@code rows}, or its last row where the group is short of r + 1 rows. */
    private static int row(int m0, int r, int rows) {
        return m0 + Math.min(r, rows - 1);
    }

    /**
     * {@code theta[offset + n] += Σ_rows m[row, n]} for a rows × width row-major m, summed in row order.
     * The columns past the last whole vector stay scalar: this runs once a layer per VJP (training,
     * not the per-event path), and m may be the caller's unpadded cotangent.
     */
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

    /** tanh of y[0 … n), in whole vectors: y is a hidden layer's buffer, padded by a vector ({@link #prepare}). */
    private static void tanhInPlace(double[] y, int n) {
        for (int k = 0; k < n; k += L) {
            tanhAt(y, k);
        }
    }

    /**
     * {@code g[k] *= 1 − y[k]²} for k &lt; n as {@link BranchFreeTanh#derivativeFromOutput}, in whole
     * vectors: y and g are a hidden layer's buffers, padded by a vector ({@link #prepare}).
     */
    private static void tanhBackward(double[] y, double[] g, int n) {
        DoubleVector one = DoubleVector.broadcast(SPECIES, 1.0);
        for (int k = 0; k < n; k += L) {
            DoubleVector yk = DoubleVector.fromArray(SPECIES, y, k);
            DoubleVector gk = DoubleVector.fromArray(SPECIES, g, k);
            gk.mul(yk.neg().fma(yk, one)).intoArray(g, k);
        }
    }

    /**
     * {@link BranchFreeTanh#tanh} lane-wise on the vector at y[k …]: the same operations in the same
     * order, so the same bits. It reads and writes the array itself so that no vector crosses a call:
     * where C2 does not inline a method that takes or returns a vector (it may not, once the callee is
     * compiled on its own into a large body), each vector is boxed on the heap, every call.
     */
    private static void tanhAt(double[] y, int k) {
        DoubleVector x = DoubleVector.fromArray(SPECIES, y, k);
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
        u.div(u.add(2.0)).intoArray(y, k);
    }
}
