package io.odestream.nn;

import java.util.Arrays;

/**
 * The architecture of a multilayer perceptron: layer sizes {@code [in, h1, …, out]} (at least
 * two entries, so depth = sizes.length − 1 linear layers), the activation after every hidden
 * layer and the one after the last layer.
 */
public record MlpSpec(int[] sizes, Activation hidden, Activation output) {
    public MlpSpec {
        if (sizes == null || sizes.length < 2) {
            throw new IllegalArgumentException("an MLP needs at least an input and an output size, got "
                    + Arrays.toString(sizes));
        }
        for (int s : sizes) {
            if (s <= 0) {
                throw new IllegalArgumentException("MLP layer sizes must be positive, got " + Arrays.toString(sizes));
            }
        }
        if (hidden == null || output == null) {
            throw new IllegalArgumentException("MLP activations must be given (use Activation.IDENTITY for none)");
        }
        sizes = sizes.clone();
    }

    /** {@code in → hidden… → out}, e.g. {@code of(Activation.TANH, Activation.IDENTITY, 16, 64, 16)}. */
    public static MlpSpec of(Activation hidden, Activation output, int... sizes) {
        return new MlpSpec(sizes, hidden, output);
    }

    @Override
    public int[] sizes() {
        return sizes.clone();
    }

    /** Number of linear layers. */
    public int depth() {
        return sizes.length - 1;
    }

    public int inputSize() {
        return sizes[0];
    }

    public int outputSize() {
        return sizes[sizes.length - 1];
    }

    /** Activation after linear layer {@code k} (0-based). */
    public Activation activation(int k) {
        return k == depth() - 1 ? output : hidden;
    }

    /** Input size of linear layer k. */
    public int layerInput(int k) {
        return sizes[k];
    }

    /** Output size of linear layer k. */
    public int layerOutput(int k) {
        return sizes[k + 1];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MlpSpec m && Arrays.equals(m.sizes, sizes) && m.hidden == hidden && m.output == output;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(sizes) * 31 + hidden.hashCode() * 7 + output.hashCode();
    }

    @Override
    public String toString() {
        return "MlpSpec" + Arrays.toString(sizes) + " hidden=" + hidden + " output=" + output;
    }
}
