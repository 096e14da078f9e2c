package io.odestream.ode.testing;

import io.odestream.ode.DifferentiableVectorField;

/**
 * {@code f(z) = W2 tanh(W1 z + b1) + b2}, written as plainly as possible: the independent
 * reference implementation of the bundled torchdiffeq case (test resource anchors/mlp_case.json).
 * Parameters are one flat vector
 * {@code [W1 (H×D), b1 (H), W2 (D×H), b2 (D)]}, weights in torch's out×in layout.
 */
public final class TanhMlpField implements DifferentiableVectorField {
    private final int d;
    private final int h;
    private final double[] theta;
    private final double[] pre;
    private final double[] hidden;
    private final double[] g;

    public TanhMlpField(double[][] w1, double[] b1, double[][] w2, double[] b2) {
        this.d = b2.length;
        this.h = b1.length;
        this.theta = new double[h * d + h + d * h + d];
        int k = 0;
        for (double[] row : w1) {
            for (double v : row) {
                theta[k++] = v;
            }
        }
        for (double v : b1) {
            theta[k++] = v;
        }
        for (double[] row : w2) {
            for (double v : row) {
                theta[k++] = v;
            }
        }
        for (double v : b2) {
            theta[k++] = v;
        }
        this.pre = new double[h];
        this.hidden = new double[h];
        this.g = new double[h];
    }

    private int w1() {
        return 0;
    }

    private int b1() {
        return h * d;
    }

    private int w2() {
        return h * d + h;
    }

    private int b2() {
        return h * d + h + d * h;
    }

    @Override
    public int dimension() {
        return d;
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
    public void evaluate(double[] t, double[] z, double[] dz, int rows) {
        for (int r = 0; r < rows; r++) {
            hiddenLayer(z, r * d);
            for (int o = 0; o < d; o++) {
                double s = theta[b2() + o];
                for (int i = 0; i < h; i++) {
                    s += theta[w2() + o * h + i] * hidden[i];
                }
                dz[r * d + o] = s;
            }
        }
    }

    @Override
    public void vjp(double[] t, double[] z, double[] a, double[] az, double[] aTheta, int rows) {
        for (int r = 0; r < rows; r++) {
            int zr = r * d;
            hiddenLayer(z, zr);
            for (int o = 0; o < d; o++) {
                double ao = a[zr + o];
                aTheta[b2() + o] += ao;
                for (int i = 0; i < h; i++) {
                    aTheta[w2() + o * h + i] += ao * hidden[i];
                }
            }
            for (int i = 0; i < h; i++) {
                double s = 0;
                for (int o = 0; o < d; o++) {
                    s += a[zr + o] * theta[w2() + o * h + i];
                }
                g[i] = s * (1 - hidden[i] * hidden[i]);
                aTheta[b1() + i] += g[i];
                for (int j = 0; j < d; j++) {
                    aTheta[w1() + i * d + j] += g[i] * z[zr + j];
                }
            }
            for (int j = 0; j < d; j++) {
                double s = 0;
                for (int i = 0; i < h; i++) {
                    s += g[i] * theta[w1() + i * d + j];
                }
                az[zr + j] = s;
            }
        }
    }

    private void hiddenLayer(double[] z, int offset) {
        for (int i = 0; i < h; i++) {
            double s = theta[b1() + i];
            for (int j = 0; j < d; j++) {
                s += theta[w1() + i * d + j] * z[offset + j];
            }
            pre[i] = s;
            hidden[i] = Math.tanh(s);
        }
    }
}
