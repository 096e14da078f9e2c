package io.odestream.bench;

import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fused augmented evaluation on the Vector API ({@code jdk.incubator.vector}, JDK 17), with
 * register blocking: every product is computed in blocks of 8 rows × 2 vectors (16 accumulators
 * kept in registers over the whole inner dimension; AVX-512 has 32), each step loading 2 vectors
 * of the right operand and broadcasting 8 scalars of the left, for 16 fused multiply–adds.
 *
 * <p>All matrices are row-major flat arrays; transposed left operands are read through strides, so
 * both parameter cotangents are written straight into the parameter vector in torch's layout:
 * <pre>
 *   U = Z W1ᵀ + b1   (B×H; right operand W1ᵀ)      Y = tanh U (lane-wise {@link VectorisableTanh})
 *   F = Y W2ᵀ + b2   (B×D; right W2ᵀ)
 *   gW2 += Aᵀ Y      (D×H; left A read transposed) gb2 += Σ_rows A
 *   G = (A W2)∘(1 − Y²)  (B×H; right W2)           gb1 += Σ_rows G
 *   gW1 += Gᵀ Z      (H×D; left G read transposed)
 *   az = G W1        (B×D; right W1)
 * </pre>
 * Shape requirements (checked): B a multiple of 8, D and H multiples of twice the lane count
 * (16 for AVX-512's 8 doubles). The issue-4 case (B = 64, D = 16, H = 64) satisfies them.
 */
final class VectorApiFieldKernel implements FieldKernel {
    static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();
    /** Rows of the output block; the accumulators below are written out for exactly 8. */
    private static final int BLOCK_ROWS = 8;

    private final TanhMlpWeights w;
    private final int rows;
    private final double[] y;
    private final double[] g;
    /** The z of the last forward pass, whose hidden layer {@code y} holds; see {@link #vjpAfterForward}. */
    private final double[] lastZ;
    private boolean hasForward;

    VectorApiFieldKernel(TanhMlpWeights weights, int rows) {
        if (rows <= 0 || rows % BLOCK_ROWS != 0) {
            throw new IllegalArgumentException("rows must be a positive multiple of " + BLOCK_ROWS
                    + " for the 8-row register blocks, got " + rows);
        }
        if (weights.d % (2 * L) != 0 || weights.h % (2 * L) != 0) {
            throw new IllegalArgumentException("D and H must be multiples of " + 2 * L + " (two vectors of "
                    + SPECIES + "), got D=" + weights.d + ", H=" + weights.h + "; use PlainJavaFieldKernel");
        }
        this.w = weights;
        this.rows = rows;
        this.y = new double[rows * weights.h];
        this.g = new double[rows * weights.h];
        this.lastZ = new double[rows * weights.d];
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public void forward(double[] z, double[] dz) {
        forwardPass(z, dz);
        System.arraycopy(z, 0, lastZ, 0, lastZ.length);
        hasForward = true;
    }

    @Override
    public void augmented(double[] z, double[] a, double[] dz, double[] az, double[] aTheta) {
        forward(z, dz);
        backwardPass(z, a, az, aTheta);
    }

    /**
     * The VJP half of {@link #augmented} on the hidden layer the last {@link #forward} left, when
     * that forward was at this same z (compared value by value, so a stale state is never used);
     * false, with nothing written, otherwise.
     */
    @Override
    public boolean vjpAfterForward(double[] z, double[] a, double[] az, double[] aTheta) {
        if (!hasForward || !Arrays.equals(lastZ, 0, lastZ.length, z, 0, lastZ.length)) {
            return false;
        }
        backwardPass(lastZ, a, az, aTheta);
        return true;
    }

    private void backwardPass(double[] z, double[] a, double[] az, double[] aTheta) {
        int d = w.d;
        int h = w.h;
        product(a, 1, d, y, d, h, rows, h, null, true, aTheta, w.w2Offset);
        columnSums(a, d, aTheta, w.b2Offset);
        product(a, d, 1, w.w2, rows, h, d, h, null, false, g, 0);
        for (int k = 0; k < rows * h; k += L) {
            DoubleVector yk = DoubleVector.fromArray(SPECIES, y, k);
            DoubleVector gk = DoubleVector.fromArray(SPECIES, g, k);
            gk.mul(yk.fma(yk.neg(), DoubleVector.broadcast(SPECIES, 1.0))).intoArray(g, k);
        }
        columnSums(g, h, aTheta, w.b1Offset);
        product(g, 1, h, z, h, d, rows, d, null, true, aTheta, w.w1Offset);
        product(g, h, 1, w.w1, rows, d, h, d, null, false, az, 0);
    }

    private void forwardPass(double[] z, double[] dz) {
        int d = w.d;
        int h = w.h;
        product(z, d, 1, w.w1t, rows, h, d, h, w.b1, false, y, 0);
        for (int k = 0; k < rows * h; k += L) {
            tanh(DoubleVector.fromArray(SPECIES, y, k)).intoArray(y, k);
        }
        product(y, h, 1, w.w2t, rows, d, h, d, w.b2, false, dz, 0);
    }

    /**
     * {@code out[m, n] (= or +=) bias[n] + Σ_k left[m·ls + k·ks] · right[k·rightWidth + n]} for an
     * outRows × outCols result stored row-major from {@code out[outOffset]}; the left operand is
     * read through strides (ls, ks), so a transposed left costs nothing. With {@code accumulate}
     * the block starts from what {@code out} holds; otherwise from the bias (zero when null).
     */
    private static void product(double[] left, int ls, int ks, double[] right, int outRows, int outCols, int inner,
            int rightWidth, double[] bias, boolean accumulate, double[] out, int outOffset) {
        for (int m0 = 0; m0 < outRows; m0 += BLOCK_ROWS) {
            for (int n0 = 0; n0 < outCols; n0 += 2 * L) {
                block(left, ls, ks, right, m0, n0, outCols, inner, rightWidth, bias, accumulate, out, outOffset);
            }
        }
    }

    /** One 8 × 2L block of {@link #product}; the 16 accumulators live in registers over the k loop. */
    private static void block(double[] left, int ls, int ks, double[] right, int m0, int n0, int outCols, int inner,
            int rightWidth, double[] bias, boolean accumulate, double[] out, int outOffset) {
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
            DoubleVector init0 = bias == null ? DoubleVector.zero(SPECIES) : DoubleVector.fromArray(SPECIES, bias, n0);
            DoubleVector init1 = bias == null ? DoubleVector.zero(SPECIES)
                    : DoubleVector.fromArray(SPECIES, bias, n0 + L);
            a0 = init0; a1 = init0; a2 = init0; a3 = init0; a4 = init0; a5 = init0; a6 = init0; a7 = init0;
            b0 = init1; b1 = init1; b2 = init1; b3 = init1; b4 = init1; b5 = init1; b6 = init1; b7 = init1;
        }
        int l0 = m0 * ls;
        for (int k = 0; k < inner; k++) {
            int ro = k * rightWidth + n0;
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

    /** {@code theta[offset + n] += Σ_rows m[row, n]} for a rows × width row-major m. */
    private void columnSums(double[] m, int width, double[] theta, int offset) {
        for (int n0 = 0; n0 < width; n0 += L) {
            DoubleVector acc = DoubleVector.fromArray(SPECIES, theta, offset + n0);
            for (int r = 0; r < rows; r++) {
                acc = acc.add(DoubleVector.fromArray(SPECIES, m, r * width + n0));
            }
            acc.intoArray(theta, offset + n0);
        }
    }

    /** {@link VectorisableTanh#tanh} lane-wise: the same operations in the same order, so the same bits. */
    static DoubleVector tanh(DoubleVector x) {
        // the lane-wise min/max are ~25 % of this tanh (JDK 17 emits Math.min's NaN/−0 rules); a blend
        // of ±1 beyond |x| = 20 instead measured no faster
        DoubleVector t = x.add(x).min(VectorisableTanh.CLAMP).max(-VectorisableTanh.CLAMP)
                .mul(VectorisableTanh.SCALE);
        DoubleVector p = DoubleVector.broadcast(SPECIES, VectorisableTanh.C11).fma(t,
                DoubleVector.broadcast(SPECIES, VectorisableTanh.C10));
        p = p.fma(t, DoubleVector.broadcast(SPECIES, VectorisableTanh.C9));
        p = p.fma(t, DoubleVector.broadcast(SPECIES, VectorisableTanh.C8));
        p = p.fma(t, DoubleVector.broadcast(SPECIES, VectorisableTanh.C7));
        p = p.fma(t, DoubleVector.broadcast(SPECIES, VectorisableTanh.C6));
        p = p.fma(t, DoubleVector.broadcast(SPECIES, VectorisableTanh.C5));
        p = p.fma(t, DoubleVector.broadcast(SPECIES, VectorisableTanh.C4));
        p = p.fma(t, DoubleVector.broadcast(SPECIES, VectorisableTanh.C3));
        p = p.fma(t, DoubleVector.broadcast(SPECIES, VectorisableTanh.C2));
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
