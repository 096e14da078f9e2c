package io.odestream.bench;

import io.odestream.nn.Activation;
import io.odestream.nn.MlpSpec;
import io.odestream.nn.NeuralVectorField;
import io.odestream.nn.Parameters;

/**
 * A snapshot of the weights of a field {@code f(z) = W2·tanh(W1·z + b1) + b2} (D → H → D,
 * time-independent) in the layouts the hand-written kernels read, and where each slice sits in the
 * parameter vector (so parameter cotangents land in torch's layout). Copied once: a kernel built
 * on it does not see later parameter updates.
 */
final class TanhMlpWeights {
    final int d;
    final int h;
    final int parameterCount;
    /** W1 (H×D) and W2 (D×H) row-major as in torch, and their transposes W1ᵀ (D×H), W2ᵀ (H×D). */
    final double[] w1;
    final double[] w2;
    final double[] w1t;
    final double[] w2t;
    final double[] b1;
    final double[] b2;
    final int w1Offset;
    final int b1Offset;
    final int w2Offset;
    final int b2Offset;

    TanhMlpWeights(NeuralVectorField field) {
        MlpSpec spec = field.mlp().spec();
        if (field.timeDependent() || spec.depth() != 2 || spec.activation(0) != Activation.TANH
                || spec.activation(1) != Activation.IDENTITY) {
            throw new IllegalArgumentException("field must be a time-independent D → H → D MLP with tanh then "
                    + "identity (the issue-4 shape), got " + spec + (field.timeDependent() ? ", time-dependent" : ""));
        }
        d = spec.inputSize();
        h = spec.layerOutput(0);
        Parameters p = field.mlp().parameters();
        parameterCount = p.size();
        w1Offset = p.offset("mlp.0.weight");
        b1Offset = p.offset("mlp.0.bias");
        w2Offset = p.offset("mlp.1.weight");
        b2Offset = p.offset("mlp.1.bias");
        double[] theta = p.values();
        w1 = slice(theta, w1Offset, h * d);
        w2 = slice(theta, w2Offset, d * h);
        b1 = slice(theta, b1Offset, h);
        b2 = slice(theta, b2Offset, d);
        w1t = transpose(w1, h, d);
        w2t = transpose(w2, d, h);
    }

    /** Row {@code r} of the row-major {@code rows×cols} matrix m, as its own array. */
    static double[][] rowsOf(double[] m, int rows, int cols) {
        double[][] out = new double[rows][cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(m, r * cols, out[r], 0, cols);
        }
        return out;
    }

    private static double[] slice(double[] theta, int offset, int n) {
        double[] out = new double[n];
        System.arraycopy(theta, offset, out, 0, n);
        return out;
    }

    private static double[] transpose(double[] m, int rows, int cols) {
        double[] t = new double[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = m[r * cols + c];
            }
        }
        return t;
    }
}
