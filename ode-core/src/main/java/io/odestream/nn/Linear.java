package io.odestream.nn;

import java.util.Arrays;
import java.util.Random;

/**
 * {@code y = x Wᵀ + b} on a batch of rows (torch's {@code nn.Linear}): W is out×in row-major,
 * b has length out, both slices of a {@link Parameters} vector.
 *
 * <p>Kernels are axpy loops ({@code acc[k] += s·v[k]}), never dot-product reductions: C2 keeps
 * the order of floating-point sums and so does not vectorise reductions. C2 (JDK 17) also
 * vectorises an axpy only when the load and the store use the same index (with two different
 * offsets into two arrays it must assume they may overlap), so every inner loop runs over
 * separate row arrays indexed from 0: cached copies of W (out×in) and Wᵀ (in×out) as
 * {@code double[][]}, refreshed when {@link Parameters#version()} moves, and small scratch rows.
 * <ul>
 *   <li>{@link #forward}: {@code acc = b; acc += x[r,i]·Wᵀ[i]} for i in order;</li>
 *   <li>{@link #forwardColumns}: a block of rows stored feature-major,
 *       {@code yT[o] = b[o]; yT[o] += W[o,i]·xT[i]}, the axpy running over the rows;</li>
 *   <li>{@link #backward}: {@code gx[r] = Σ_o gy[r,o]·W[o]}, {@code gW[o] += gy[r,o]·x[r]}.</li>
 * </ul>
 * Both forward kernels compute every output as {@code b[o] + W[o,0]x[0] + W[o,1]x[1] + …} in
 * index order, one fused multiply–add per term, and both backward kernels every input cotangent
 * as {@code Σ_o gy[o]·W[o,i]} likewise: the same operations as {@link VectorApiMlp}, so a row's
 * bits depend neither on the batch nor on which kernel ran.
 *
 * <p>Not thread-safe (caches and scratch); use one instance per thread.
 */
public final class Linear {
    /**
     * From this many rows on, {@link #backward} sums the weight gradient in scratch rows
     * (vectorisable) and adds it to gTheta once; below, the extra pass would cost more than it
     * saves, so rows are added to gTheta directly.
     */
    private static final int SCRATCH_GRADIENT_MIN_ROWS = 4;

    private final Parameters parameters;
    private final int in;
    private final int out;
    private final int weightOffset;
    private final int biasOffset;
    private final double[][] weightRows;
    private final double[][] weightColumns;
    private final double[] outputRow;
    private final double[] inputRow;
    private final double[][] weightGradient;
    private long cachedVersion = Long.MIN_VALUE;

    /** Declares {@code prefix.weight} (out×in) and {@code prefix.bias} (out) in {@code layout}. */
    public static void declare(Parameters.Builder layout, String prefix, int in, int out) {
        layout.add(prefix + ".weight", out, in);
        layout.add(prefix + ".bias", out);
    }

    /** Binds to {@code prefix.weight} (out×in) and {@code prefix.bias} (out), checking their shapes. */
    public Linear(Parameters parameters, String prefix, int in, int out) {
        this(parameters, parameters.slice(prefix + ".weight", out, in).offset(),
                parameters.slice(prefix + ".bias", out).offset(), in, out);
    }

    /** Binds to a weight (out×in) and bias (out) at the given offsets (e.g. inside a GRU's stacked gates). */
    Linear(Parameters parameters, int weightOffset, int biasOffset, int in, int out) {
        if (in <= 0 || out <= 0) {
            throw new IllegalArgumentException("a linear layer needs positive sizes, got in=" + in + ", out=" + out);
        }
        this.parameters = parameters;
        this.in = in;
        this.out = out;
        this.weightOffset = weightOffset;
        this.biasOffset = biasOffset;
        this.weightRows = new double[out][in];
        this.weightColumns = new double[in][out];
        this.outputRow = new double[out];
        this.inputRow = new double[in];
        this.weightGradient = new double[out][in];
    }

    public int inputSize() {
        return in;
    }

    public int outputSize() {
        return out;
    }

    /** {@code y[r,:] = x[r,:] Wᵀ + b} for {@code rows} rows; x is rows×in, y is rows×out. */
    public void forward(double[] x, double[] y, int rows) {
        refreshWeightCopies();
        double[] p = parameters.values();
        double[] acc = outputRow;
        for (int r = 0; r < rows; r++) {
            System.arraycopy(p, biasOffset, acc, 0, out);
            int xo = r * in;
            for (int i = 0; i < in; i++) {
                double xi = x[xo + i];
                double[] column = weightColumns[i];
                for (int o = 0; o < out; o++) {
                    acc[o] = Math.fma(xi, column[o], acc[o]);
                }
            }
            System.arraycopy(acc, 0, y, r * out, out);
        }
    }

    /**
     * The same map on a block of {@code cols} rows stored feature-major: {@code xT[i][c]} is
     * input i of row c, {@code yT[o][c]} output o of row c. The inner loop runs over the rows,
     * long enough for C2's vectorised loop; each element is summed in the same order as in
     * {@link #forward}, so both kernels give the same bits.
     */
    public void forwardColumns(double[][] xT, double[][] yT, int cols) {
        refreshWeightCopies();
        double[] p = parameters.values();
        for (int o = 0; o < out; o++) {
            double[] acc = yT[o];
            Arrays.fill(acc, 0, cols, p[biasOffset + o]);
            double[] w = weightRows[o];
            for (int i = 0; i < in; i++) {
                double wi = w[i];
                double[] xi = xT[i];
                for (int c = 0; c < cols; c++) {
                    acc[c] = Math.fma(wi, xi[c], acc[c]);
                }
            }
        }
    }

    /**
     * Reverse mode at inputs x for output cotangents gy (rows×out): {@code gx = gy W} is
     * overwritten (skipped when gx is null) and {@code gTheta[weight] += gyᵀ x},
     * {@code gTheta[bias] += Σ_r gy[r,:]} are accumulated; gTheta has the layout of the
     * parameter vector.
     */
    public void backward(double[] x, double[] gy, double[] gx, double[] gTheta, int rows) {
        backward(x, gy, gx, gTheta, 0, rows);
    }

    /** As {@link #backward(double[], double[], double[], double[], int)}, into the gradient at {@code gTheta[thetaBase ..]}. */
    public void backward(double[] x, double[] gy, double[] gx, double[] gTheta, int thetaBase, int rows) {
        refreshWeightCopies();
        int bias = thetaBase + biasOffset;
        int weight = thetaBase + weightOffset;
        double[] xr = inputRow;
        for (int r = 0; r < rows; r++) {
            int go = r * out;
            int xo = r * in;
            if (gx != null) {
                Arrays.fill(xr, 0.0);
                for (int o = 0; o < out; o++) {
                    double a = gy[go + o];
                    double[] w = weightRows[o];
                    for (int i = 0; i < in; i++) {
                        xr[i] = Math.fma(a, w[i], xr[i]);
                    }
                }
                System.arraycopy(xr, 0, gx, xo, in);
            }
            if (rows < SCRATCH_GRADIENT_MIN_ROWS) {
                for (int o = 0; o < out; o++) {
                    double a = gy[go + o];
                    gTheta[bias + o] += a;
                    int wo = weight + o * in;
                    for (int i = 0; i < in; i++) {
                        gTheta[wo + i] += a * x[xo + i];
                    }
                }
                continue;
            }
            System.arraycopy(x, xo, xr, 0, in);
            for (int o = 0; o < out; o++) {
                double a = gy[go + o];
                gTheta[bias + o] += a;
                double[] g = weightGradient[o];
                for (int i = 0; i < in; i++) {
                    g[i] += a * xr[i];
                }
            }
        }
        if (rows < SCRATCH_GRADIENT_MIN_ROWS) {
            return;
        }
        // the batch's weight gradient was summed in scratch rows (vectorisable); add it in once
        for (int o = 0; o < out; o++) {
            double[] g = weightGradient[o];
            int wo = weight + o * in;
            for (int i = 0; i < in; i++) {
                gTheta[wo + i] += g[i];
            }
            Arrays.fill(g, 0.0);
        }
    }

    /**
     * {@link #backward} on a feature-major block (see {@link #forwardColumns}): {@code gxT[i]}
     * is overwritten with {@code Σ_o W[o,i]·gyT[o]} (vectorised over the rows, summed over o in
     * the same order as the row kernel, so a row's input cotangent has the same bits either
     * way; skipped when gxT is null); the weight and bias cotangents are accumulated into
     * gTheta as dot products over the rows, four at a time to keep the pipeline busy.
     */
    public void backwardColumns(double[][] xT, double[][] gyT, double[][] gxT, double[] gTheta, int cols) {
        backwardColumns(xT, gyT, gxT, gTheta, 0, cols);
    }

    /** As {@link #backwardColumns(double[][], double[][], double[][], double[], int)}, into {@code gTheta[thetaBase ..]}. */
    public void backwardColumns(double[][] xT, double[][] gyT, double[][] gxT, double[] gTheta, int thetaBase, int cols) {
        refreshWeightCopies();
        if (gxT != null) {
            for (int i = 0; i < in; i++) {
                Arrays.fill(gxT[i], 0, cols, 0.0);
            }
            for (int o = 0; o < out; o++) {
                double[] w = weightRows[o];
                double[] g = gyT[o];
                for (int i = 0; i < in; i++) {
                    double wi = w[i];
                    double[] acc = gxT[i];
                    for (int c = 0; c < cols; c++) {
                        acc[c] = Math.fma(wi, g[c], acc[c]);
                    }
                }
            }
        }
        for (int o = 0; o < out; o++) {
            double[] g = gyT[o];
            double sum = 0.0;
            for (int c = 0; c < cols; c++) {
                sum += g[c];
            }
            gTheta[thetaBase + biasOffset + o] += sum;
            int wo = thetaBase + weightOffset + o * in;
            int i = 0;
            for (; i + 3 < in; i += 4) {
                double[] x0 = xT[i];
                double[] x1 = xT[i + 1];
                double[] x2 = xT[i + 2];
                double[] x3 = xT[i + 3];
                double s0 = 0.0;
                double s1 = 0.0;
                double s2 = 0.0;
                double s3 = 0.0;
                for (int c = 0; c < cols; c++) {
                    double gc = g[c];
                    s0 += gc * x0[c];
                    s1 += gc * x1[c];
                    s2 += gc * x2[c];
                    s3 += gc * x3[c];
                }
                gTheta[wo + i] += s0;
                gTheta[wo + i + 1] += s1;
                gTheta[wo + i + 2] += s2;
                gTheta[wo + i + 3] += s3;
            }
            for (; i < in; i++) {
                double[] xi = xT[i];
                double s0 = 0.0;
                for (int c = 0; c < cols; c++) {
                    s0 += g[c] * xi[c];
                }
                gTheta[wo + i] += s0;
            }
        }
    }

    /**
     * Fills W uniformly in ±weightBound (row-major draws from {@code random}) and b uniformly
     * in ±biasBound (zeros without drawing when biasBound is 0). Marks the parameters changed.
     */
    void initialise(Random random, double weightBound, double biasBound) {
        double[] p = parameters.values();
        for (int k = 0; k < in * out; k++) {
            p[weightOffset + k] = (2.0 * random.nextDouble() - 1.0) * weightBound;
        }
        for (int o = 0; o < out; o++) {
            p[biasOffset + o] = biasBound == 0.0 ? 0.0 : (2.0 * random.nextDouble() - 1.0) * biasBound;
        }
        parameters.markChanged();
    }

    private void refreshWeightCopies() {
        long version = parameters.version();
        if (version == cachedVersion) {
            return;
        }
        double[] p = parameters.values();
        for (int o = 0; o < out; o++) {
            System.arraycopy(p, weightOffset + o * in, weightRows[o], 0, in);
            for (int i = 0; i < in; i++) {
                weightColumns[i][o] = p[weightOffset + o * in + i];
            }
        }
        cachedVersion = version;
    }
}
