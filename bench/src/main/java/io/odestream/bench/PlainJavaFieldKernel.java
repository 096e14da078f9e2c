package io.odestream.bench;

import java.util.Arrays;

/**
 * The fused augmented evaluation in plain Java, laid out for C2's auto-vectoriser (JDK 17, AVX-512).
 *
 * <p>Every product is an axpy {@code c[j] += s·w[j]} over a separate row array indexed from 0
 * (C2 neither vectorises floating-point reductions nor two arrays at different offsets; see
 * {@code Linear}), with four terms fused per statement so each pass over the accumulator row does
 * four {@code Math.fma}s per load and store. The batch stays row-major, so the two parameter
 * cotangents (sums over the rows) are axpys too: {@code gW2[o] += a[c][o]·y[c]} and
 * {@code gW1ᵀ[i] += z[c][i]·g[c]}. One forward pass serves the output and the VJP (ode-core runs it
 * twice), and tanh is {@link VectorisableTanh}, which vectorises.
 *
 * <p>Six products, 2·B·D·H flops each: {@code U = Z W1ᵀ + b1}, {@code F = tanh(U) W2ᵀ + b2},
 * {@code gW2 = Aᵀ Y}, {@code G = (A W2)∘(1 − Y²)}, {@code gW1ᵀ = Zᵀ G}, {@code az = G W1}.
 */
final class PlainJavaFieldKernel implements FieldKernel {
    private final TanhMlpWeights w;
    private final int rows;
    private final double[][] w1Rows;
    private final double[][] w2Rows;
    private final double[][] w1tRows;
    private final double[][] w2tRows;
    private final double[][] z;
    private final double[][] a;
    private final double[][] y;
    private final double[] hidden;
    private final double[][] f;
    private final double[][] g;
    private final double[][] az;
    private final double[][] gradW2;
    private final double[][] gradW1t;
    private final double[] gradB1;
    private final double[] gradB2;

    PlainJavaFieldKernel(TanhMlpWeights weights, int rows) {
        if (rows <= 0) {
            throw new IllegalArgumentException("rows must be positive, got " + rows);
        }
        this.w = weights;
        this.rows = rows;
        int d = weights.d;
        int h = weights.h;
        w1Rows = TanhMlpWeights.rowsOf(weights.w1, h, d);
        w2Rows = TanhMlpWeights.rowsOf(weights.w2, d, h);
        w1tRows = TanhMlpWeights.rowsOf(weights.w1t, d, h);
        w2tRows = TanhMlpWeights.rowsOf(weights.w2t, h, d);
        z = new double[rows][d];
        a = new double[rows][d];
        y = new double[rows][h];
        hidden = new double[rows * h];
        f = new double[rows][d];
        g = new double[rows][h];
        az = new double[rows][d];
        gradW2 = new double[d][h];
        gradW1t = new double[d][h];
        gradB1 = new double[h];
        gradB2 = new double[d];
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public void forward(double[] zIn, double[] dz) {
        load(zIn, z, w.d);
        forwardPass();
        store(f, dz, w.d);
    }

    @Override
    public void augmented(double[] zIn, double[] aIn, double[] dz, double[] azOut, double[] aTheta) {
        int d = w.d;
        int h = w.h;
        load(zIn, z, d);
        load(aIn, a, d);
        forwardPass();
        store(f, dz, d);
        // gW2 (D×H) = Aᵀ Y and gb2 = Σ_c a[c]
        zero(gradW2);
        product(a, true, y, gradW2, d, rows);
        Arrays.fill(gradB2, 0.0);
        for (int c = 0; c < rows; c++) {
            addRow(gradB2, a[c], d);
        }
        // G (B×H) = (A W2) ∘ (1 − Y²) and gb1 = Σ_c g[c]
        zero(g);
        product(a, false, w2Rows, g, rows, d);
        Arrays.fill(gradB1, 0.0);
        for (int c = 0; c < rows; c++) {
            double[] gc = g[c];
            double[] yc = y[c];
            for (int k = 0; k < h; k++) {
                gc[k] *= 1.0 - yc[k] * yc[k];
            }
            addRow(gradB1, gc, h);
        }
        // gW1ᵀ (D×H) = Zᵀ G and az (B×D) = G W1
        zero(gradW1t);
        product(z, true, g, gradW1t, d, rows);
        zero(az);
        product(g, false, w1Rows, az, rows, h);
        store(az, azOut, d);
        addInto(aTheta, w.w2Offset, gradW2, d, h, false);
        addInto(aTheta, w.w1Offset, gradW1t, d, h, true);
        for (int k = 0; k < h; k++) {
            aTheta[w.b1Offset + k] += gradB1[k];
        }
        for (int k = 0; k < d; k++) {
            aTheta[w.b2Offset + k] += gradB2[k];
        }
    }

    /** y = tanh(Z W1ᵀ + b1), f = y W2ᵀ + b2. */
    private void forwardPass() {
        for (int c = 0; c < rows; c++) {
            System.arraycopy(w.b1, 0, y[c], 0, w.h);
            System.arraycopy(w.b2, 0, f[c], 0, w.d);
        }
        product(z, false, w1tRows, y, rows, w.d);
        // tanh over one flat array: on 64-element rows C2's scalar pre- and post-loops (alignment,
        // remainder) would run a third of the elements, at ~4× the cost of the vectorised loop
        store(y, hidden, w.h);
        VectorisableTanh.apply(hidden, hidden, rows * w.h);
        load(hidden, y, w.h);
        product(y, false, w2tRows, f, rows, w.h);
    }

    /**
     * {@code out[m] += Σ_k x(m, k)·right[k]} for m < outRows, k < inner, where x(m, k) is
     * {@code left[m][k]}, or {@code left[k][m]} when {@code leftTransposed}.
     */
    private static void product(double[][] left, boolean leftTransposed, double[][] right, double[][] out,
            int outRows, int inner) {
        int n = out[0].length;
        for (int m = 0; m < outRows; m++) {
            double[] acc = out[m];
            int k = 0;
            for (; k + 3 < inner; k += 4) {
                double s0 = leftTransposed ? left[k][m] : left[m][k];
                double s1 = leftTransposed ? left[k + 1][m] : left[m][k + 1];
                double s2 = leftTransposed ? left[k + 2][m] : left[m][k + 2];
                double s3 = leftTransposed ? left[k + 3][m] : left[m][k + 3];
                axpy4(acc, s0, right[k], s1, right[k + 1], s2, right[k + 2], s3, right[k + 3], n);
            }
            for (; k < inner; k++) {
                double s = leftTransposed ? left[k][m] : left[m][k];
                double[] r = right[k];
                for (int j = 0; j < n; j++) {
                    acc[j] = Math.fma(s, r[j], acc[j]);
                }
            }
        }
    }

    /** {@code acc += s0·r0 + s1·r1 + s2·r2 + s3·r3}, summed in that order, one load/store of acc. */
    private static void axpy4(double[] acc, double s0, double[] r0, double s1, double[] r1, double s2, double[] r2,
            double s3, double[] r3, int n) {
        for (int j = 0; j < n; j++) {
            acc[j] = Math.fma(s3, r3[j], Math.fma(s2, r2[j], Math.fma(s1, r1[j], Math.fma(s0, r0[j], acc[j]))));
        }
    }

    private static void addRow(double[] acc, double[] row, int n) {
        for (int j = 0; j < n; j++) {
            acc[j] += row[j];
        }
    }

    /** theta[offset ..] += m (rows×cols), or its transpose (so a D×H gW1ᵀ lands as torch's H×D W1). */
    private static void addInto(double[] theta, int offset, double[][] m, int rows, int cols, boolean transposed) {
        for (int r = 0; r < rows; r++) {
            double[] row = m[r];
            for (int c = 0; c < cols; c++) {
                theta[offset + (transposed ? c * rows + r : r * cols + c)] += row[c];
            }
        }
    }

    private static void zero(double[][] m) {
        for (double[] row : m) {
            Arrays.fill(row, 0.0);
        }
    }

    private void load(double[] flat, double[][] rowsOut, int width) {
        for (int c = 0; c < rows; c++) {
            System.arraycopy(flat, c * width, rowsOut[c], 0, width);
        }
    }

    private void store(double[][] rowsIn, double[] flat, int width) {
        for (int c = 0; c < rows; c++) {
            System.arraycopy(rowsIn[c], 0, flat, c * width, width);
        }
    }
}
