package io.odestream.nn;

import java.util.Random;

/**
 * {@code y = x Wᵀ + b} on a batch of rows (torch's {@code nn.Linear}): W is out×in row-major,
 * b has length out, both slices of a {@link Parameters} vector.
 *
 * <p>Kernels are written as axpy loops over contiguous rows, which C2 vectorises (it does not
 * vectorise floating-point dot-product reductions, whose order is fixed):
 * <ul>
 *   <li>forward: {@code y[r,:] = b; y[r,:] += x[r,i]·Wᵀ[i,:]} for i in order, over a cached
 *       transposed copy Wᵀ (in×out) refreshed when {@link Parameters#version()} moves;</li>
 *   <li>input cotangent: {@code gx[r,:] = Σ_o gy[r,o]·W[o,:]} over W as stored;</li>
 *   <li>parameter cotangent: {@code gW[o,:] += gy[r,o]·x[r,:]}, {@code gb += gy[r,:]}.</li>
 * </ul>
 * Each output element is {@code b[o] + W[o,0]x[0] + W[o,1]x[1] + …} summed in index order,
 * exactly the textbook loop, so a row's result does not depend on the batch it is in.
 *
 * <p>Not thread-safe (the transposed cache); use one instance per thread.
 */
public final class Linear {
    private final Parameters parameters;
    private final int in;
    private final int out;
    private final int weightOffset;
    private final int biasOffset;
    private final double[] weightTransposed;
    private long cachedVersion = -1;

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
        this.weightTransposed = new double[in * out];
    }

    public int inputSize() {
        return in;
    }

    public int outputSize() {
        return out;
    }

    /** {@code y[r,:] = x[r,:] Wᵀ + b} for {@code rows} rows; x is rows×in, y is rows×out. */
    public void forward(double[] x, double[] y, int rows) {
        refreshTransposedWeight();
        double[] p = parameters.values();
        double[] wt = weightTransposed;
        for (int r = 0; r < rows; r++) {
            int yo = r * out;
            int xo = r * in;
            System.arraycopy(p, biasOffset, y, yo, out);
            for (int i = 0; i < in; i++) {
                double xi = x[xo + i];
                int wo = i * out;
                for (int o = 0; o < out; o++) {
                    y[yo + o] += xi * wt[wo + o];
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
        double[] w = parameters.values();
        for (int r = 0; r < rows; r++) {
            int go = r * out;
            int xo = r * in;
            if (gx != null) {
                java.util.Arrays.fill(gx, xo, xo + in, 0.0);
                for (int o = 0; o < out; o++) {
                    double a = gy[go + o];
                    int wo = weightOffset + o * in;
                    for (int i = 0; i < in; i++) {
                        gx[xo + i] += a * w[wo + i];
                    }
                }
            }
            for (int o = 0; o < out; o++) {
                double a = gy[go + o];
                gTheta[biasOffset + o] += a;
                int wo = weightOffset + o * in;
                for (int i = 0; i < in; i++) {
                    gTheta[wo + i] += a * x[xo + i];
                }
            }
        }
    }

    /**
     * Fills W uniformly in ±bound and b with zeros, drawing W row-major from {@code random}.
     * Marks the parameters changed.
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

    private void refreshTransposedWeight() {
        long version = parameters.version();
        if (version == cachedVersion) {
            return;
        }
        double[] p = parameters.values();
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                weightTransposed[i * out + o] = p[weightOffset + o * in + i];
            }
        }
        cachedVersion = version;
    }
}
