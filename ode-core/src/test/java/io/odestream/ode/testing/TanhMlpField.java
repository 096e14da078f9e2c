package io.odestream.ode.testing;

import io.odestream.ode.VectorField;

/**
 * {@code f(z) = W2 tanh(W1 z + b1) + b2}, written as plainly as possible: the independent
 * reference implementation of the shared torchdiffeq case (weights in torch's out×in layout).
 */
public final class TanhMlpField implements VectorField {
    private final double[][] w1;
    private final double[] b1;
    private final double[][] w2;
    private final double[] b2;
    private final double[] hidden;

    public TanhMlpField(double[][] w1, double[] b1, double[][] w2, double[] b2) {
        this.w1 = w1;
        this.b1 = b1;
        this.w2 = w2;
        this.b2 = b2;
        this.hidden = new double[b1.length];
    }

    @Override
    public int dimension() {
        return b2.length;
    }

    @Override
    public void evaluate(double[] t, double[] z, double[] dz, int rows) {
        int d = b2.length;
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < b1.length; i++) {
                double s = b1[i];
                for (int j = 0; j < d; j++) {
                    s += w1[i][j] * z[r * d + j];
                }
                hidden[i] = Math.tanh(s);
            }
            for (int o = 0; o < d; o++) {
                double s = b2[o];
                for (int i = 0; i < b1.length; i++) {
                    s += w2[o][i] * hidden[i];
                }
                dz[r * d + o] = s;
            }
        }
    }
}
