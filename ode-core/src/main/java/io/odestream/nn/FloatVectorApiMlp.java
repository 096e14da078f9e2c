package io.odestream.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Mlp}'s forward pass in float32 on the Vector API, for MLPs with tanh hidden layers and an
 * identity output (the shapes {@link VectorApiMlp} takes): the serving option {@link FieldPrecision#FLOAT32}.
 * Only the forward pass: VJPs stay on the double kernels.
 *
 * <p>Why: a batch's forward pass is what a served model spends its time in (the dynamics' field at the
 * posterior's sigma points, every solver stage), and a float vector holds twice the lanes of a double
 * one (16 with AVX-512), while {@link FloatTanh} needs about half the operations of {@link BranchFreeTanh}.
 *
 * <p>How: the input is converted into a float scratch, every layer is a product in register blocks of 8
 * rows × 2 vectors (16 accumulators over the whole inner dimension, as {@link VectorApiMlp}), then the
 * output converted back to double. Narrow widths and odd row counts take no tails: the cached weights
 * (transposed, in × width) and biases are zero-padded to a whole number of vectors, and the scratch
 * buffers to a whole number of 8-row blocks (the padded input rows zeroed), so every load and store is a
 * full vector and no masks are needed; the padding's results are never read back. Each output element is
 * the same chain of fused multiply–adds in k order wherever its row sits, and the same lane-wise
 * {@link FloatTanh}, so a row's result does not depend on the batch size or the other rows, like the
 * double kernels'.
 *
 * <p>Weights are cached as float and refreshed when {@link Parameters#version()} moves. Not
 * thread-safe (scratch buffers, weight caches). Allocation-free after the first call for a batch size.
 */
final class FloatVectorApiMlp {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();
    /** Rows of a register block; {@link #twoVectors} and {@link #oneVector} are written out for exactly 8. */
    private static final int BLOCK_ROWS = 8;

    private final Parameters parameters;
    private final int depth;
    private final int[] inSizes;
    private final int[] outSizes;
    /** Layer k's output width rounded up to a whole number of vectors: the row stride of its buffers. */
    private final int[] widths;
    private final int[] weightOffsets;
    private final int[] biasOffsets;
    /** W_kᵀ (in × width, zero past out) and b_k (width, zero past out) in float. */
    private final float[][] transposed;
    private final float[][] biases;
    private long cachedVersion = Long.MIN_VALUE;
    /** The input in float (padded rows × in) and every layer's output (padded rows × width). */
    private float[] input;
    private final float[][] outputs;
    private int capacityRows;

    /** Floats in a vector of this machine's preferred species (16 with AVX-512). */
    static int lanes() {
        return L;
    }

    FloatVectorApiMlp(MlpSpec spec, Parameters parameters, String prefix) {
        if (!VectorApiMlp.supports(spec)) {
            throw new IllegalArgumentException("the float32 kernel needs tanh hidden layers and an identity output, got "
                    + spec);
        }
        this.parameters = parameters;
        this.depth = spec.depth();
        this.inSizes = new int[depth];
        this.outSizes = new int[depth];
        this.widths = new int[depth];
        this.weightOffsets = new int[depth];
        this.biasOffsets = new int[depth];
        this.transposed = new float[depth][];
        this.biases = new float[depth][];
        for (int k = 0; k < depth; k++) {
            inSizes[k] = spec.layerInput(k);
            outSizes[k] = spec.layerOutput(k);
            widths[k] = roundUp(outSizes[k], L);
            weightOffsets[k] = parameters.slice(prefix + "." + k + ".weight", outSizes[k], inSizes[k]).offset();
            biasOffsets[k] = parameters.slice(prefix + "." + k + ".bias", outSizes[k]).offset();
            transposed[k] = new float[inSizes[k] * widths[k]];
            biases[k] = new float[widths[k]];
        }
        this.outputs = new float[depth][];
    }

    /** {@code y = mlp(x)} in float32: x is rows×in, y rows×out (double, as Mlp's). */
    void forward(double[] x, double[] y, int rows) {
        prepare(rows);
        int padded = roundUp(rows, BLOCK_ROWS);
        int in = inSizes[0];
        int n = rows * in;
        for (int i = 0; i < n; i++) {
            input[i] = (float) x[i];
        }
        // zeroed, not left from an earlier batch: the padding then never holds a NaN or a subnormal
        java.util.Arrays.fill(input, n, padded * in, 0.0f);
        float[] left = input;
        int stride = in;
        for (int k = 0; k < depth; k++) {
            product(left, stride, transposed[k], biases[k], widths[k], padded, inSizes[k], outputs[k]);
            if (k < depth - 1) {
                // only the real rows: the padding rows' pre-activations are finite and never read back
                tanhInPlace(outputs[k], rows * widths[k]);
            }
            left = outputs[k];
            stride = widths[k];
        }
        int out = outSizes[depth - 1];
        int width = widths[depth - 1];
        float[] result = outputs[depth - 1];
        for (int r = 0; r < rows; r++) {
            int ro = r * width;
            int yo = r * out;
            for (int o = 0; o < out; o++) {
                y[yo + o] = result[ro + o];
            }
        }
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
                int width = widths[k];
                for (int o = 0; o < out; o++) {
                    for (int i = 0; i < in; i++) {
                        transposed[k][i * width + o] = (float) p[weightOffsets[k] + o * in + i];
                    }
                    biases[k][o] = (float) p[biasOffsets[k] + o];
                }
            }
            cachedVersion = version;
        }
        if (rows > capacityRows) {
            int padded = roundUp(rows, BLOCK_ROWS);
            input = new float[padded * inSizes[0]];
            for (int k = 0; k < depth; k++) {
                outputs[k] = new float[padded * widths[k]];
            }
            capacityRows = padded;
        }
    }

    private static int roundUp(int n, int multiple) {
        return (n + multiple - 1) / multiple * multiple;
    }

    /**
     * {@code out[m·width + n] = bias[n] + Σ_k left[m·stride + k] · right[k·width + n]} for rows
     * m &lt; rows (a multiple of 8) and n &lt; width (a multiple of the vector length), each sum a chain of
     * fused multiply–adds in k order.
     */
    private static void product(float[] left, int stride, float[] right, float[] bias, int width, int rows, int inner,
            float[] out) {
        for (int m0 = 0; m0 < rows; m0 += BLOCK_ROWS) {
            int n0 = 0;
            for (; n0 + 2 * L <= width; n0 += 2 * L) {
                twoVectors(left, stride, right, bias, width, m0, n0, inner, out);
            }
            if (n0 < width) {
                oneVector(left, stride, right, bias, width, m0, n0, inner, out);
            }
        }
    }

    /** One 8 × 2L block; the 16 accumulators stay in registers over the k loop. */
    private static void twoVectors(float[] left, int stride, float[] right, float[] bias, int width, int m0, int n0,
            int inner, float[] out) {
        FloatVector init0 = FloatVector.fromArray(SPECIES, bias, n0);
        FloatVector init1 = FloatVector.fromArray(SPECIES, bias, n0 + L);
        FloatVector a0 = init0, a1 = init0, a2 = init0, a3 = init0, a4 = init0, a5 = init0, a6 = init0, a7 = init0;
        FloatVector b0 = init1, b1 = init1, b2 = init1, b3 = init1, b4 = init1, b5 = init1, b6 = init1, b7 = init1;
        int l0 = m0 * stride;
        for (int k = 0; k < inner; k++) {
            int ro = k * width + n0;
            FloatVector r0 = FloatVector.fromArray(SPECIES, right, ro);
            FloatVector r1 = FloatVector.fromArray(SPECIES, right, ro + L);
            int lo = l0 + k;
            FloatVector s;
            s = FloatVector.broadcast(SPECIES, left[lo]);
            a0 = s.fma(r0, a0);
            b0 = s.fma(r1, b0);
            s = FloatVector.broadcast(SPECIES, left[lo + stride]);
            a1 = s.fma(r0, a1);
            b1 = s.fma(r1, b1);
            s = FloatVector.broadcast(SPECIES, left[lo + 2 * stride]);
            a2 = s.fma(r0, a2);
            b2 = s.fma(r1, b2);
            s = FloatVector.broadcast(SPECIES, left[lo + 3 * stride]);
            a3 = s.fma(r0, a3);
            b3 = s.fma(r1, b3);
            s = FloatVector.broadcast(SPECIES, left[lo + 4 * stride]);
            a4 = s.fma(r0, a4);
            b4 = s.fma(r1, b4);
            s = FloatVector.broadcast(SPECIES, left[lo + 5 * stride]);
            a5 = s.fma(r0, a5);
            b5 = s.fma(r1, b5);
            s = FloatVector.broadcast(SPECIES, left[lo + 6 * stride]);
            a6 = s.fma(r0, a6);
            b6 = s.fma(r1, b6);
            s = FloatVector.broadcast(SPECIES, left[lo + 7 * stride]);
            a7 = s.fma(r0, a7);
            b7 = s.fma(r1, b7);
        }
        int o = m0 * width + n0;
        a0.intoArray(out, o);
        b0.intoArray(out, o + L);
        a1.intoArray(out, o + width);
        b1.intoArray(out, o + width + L);
        a2.intoArray(out, o + 2 * width);
        b2.intoArray(out, o + 2 * width + L);
        a3.intoArray(out, o + 3 * width);
        b3.intoArray(out, o + 3 * width + L);
        a4.intoArray(out, o + 4 * width);
        b4.intoArray(out, o + 4 * width + L);
        a5.intoArray(out, o + 5 * width);
        b5.intoArray(out, o + 5 * width + L);
        a6.intoArray(out, o + 6 * width);
        b6.intoArray(out, o + 6 * width + L);
        a7.intoArray(out, o + 7 * width);
        b7.intoArray(out, o + 7 * width + L);
    }

    /**
     * One 8 × L block: a width of an odd number of vectors, e.g. the latent ODE's 6 outputs padded to
     * one vector — 8 independent chains instead of one row's chain waiting on the last.
     */
    private static void oneVector(float[] left, int stride, float[] right, float[] bias, int width, int m0, int n0,
            int inner, float[] out) {
        FloatVector init = FloatVector.fromArray(SPECIES, bias, n0);
        FloatVector a0 = init, a1 = init, a2 = init, a3 = init, a4 = init, a5 = init, a6 = init, a7 = init;
        int l0 = m0 * stride;
        for (int k = 0; k < inner; k++) {
            FloatVector r = FloatVector.fromArray(SPECIES, right, k * width + n0);
            int lo = l0 + k;
            a0 = FloatVector.broadcast(SPECIES, left[lo]).fma(r, a0);
            a1 = FloatVector.broadcast(SPECIES, left[lo + stride]).fma(r, a1);
            a2 = FloatVector.broadcast(SPECIES, left[lo + 2 * stride]).fma(r, a2);
            a3 = FloatVector.broadcast(SPECIES, left[lo + 3 * stride]).fma(r, a3);
            a4 = FloatVector.broadcast(SPECIES, left[lo + 4 * stride]).fma(r, a4);
            a5 = FloatVector.broadcast(SPECIES, left[lo + 5 * stride]).fma(r, a5);
            a6 = FloatVector.broadcast(SPECIES, left[lo + 6 * stride]).fma(r, a6);
            a7 = FloatVector.broadcast(SPECIES, left[lo + 7 * stride]).fma(r, a7);
        }
        int o = m0 * width + n0;
        a0.intoArray(out, o);
        a1.intoArray(out, o + width);
        a2.intoArray(out, o + 2 * width);
        a3.intoArray(out, o + 3 * width);
        a4.intoArray(out, o + 4 * width);
        a5.intoArray(out, o + 5 * width);
        a6.intoArray(out, o + 6 * width);
        a7.intoArray(out, o + 7 * width);
    }

    /** {@link FloatTanh#tanh} over the first n elements (a multiple of the vector length). */
    private static void tanhInPlace(float[] y, int n) {
        for (int k = 0; k < n; k += L) {
            tanhAt(y, k);
        }
    }

    /**
     * {@link FloatTanh#tanh} lane-wise on the vector at y[k …]: the same operations in the same order, so
     * the same bits. It reads and writes the array itself so that no vector crosses a call: where C2
     * does not inline a method that takes or returns a vector (it may not, once the callee is compiled
     * on its own into a large body), each vector is boxed on the heap, every call.
     */
    static void tanhAt(float[] y, int k) {
        FloatVector x = FloatVector.fromArray(SPECIES, y, k);
        FloatVector c = x.min(FloatTanh.CLAMP).max(-FloatTanh.CLAMP);
        FloatVector s = c.mul(c);
        FloatVector p = FloatVector.broadcast(SPECIES, FloatTanh.P4).fma(s, FloatVector.broadcast(SPECIES, FloatTanh.P3));
        p = p.fma(s, FloatVector.broadcast(SPECIES, FloatTanh.P2));
        p = p.fma(s, FloatVector.broadcast(SPECIES, FloatTanh.P1));
        p = p.fma(s, FloatVector.broadcast(SPECIES, 1.0f));
        FloatVector q = FloatVector.broadcast(SPECIES, FloatTanh.Q4).fma(s, FloatVector.broadcast(SPECIES, FloatTanh.Q3));
        q = q.fma(s, FloatVector.broadcast(SPECIES, FloatTanh.Q2));
        q = q.fma(s, FloatVector.broadcast(SPECIES, FloatTanh.Q1));
        q = q.fma(s, FloatVector.broadcast(SPECIES, 1.0f));
        c.mul(p).div(q).intoArray(y, k);
    }
}
