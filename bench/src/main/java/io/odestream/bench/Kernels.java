package io.odestream.bench;

import io.odestream.nn.NeuralVectorField;
import io.odestream.nn.VectorKernels;

/**
 * The benchmarks' {@code kernel} parameter: {@code vectorApi} or {@code loops}, ode-core's two
 * routes to the same MLP numbers, so one run measures both (the loops are the baseline).
 */
final class Kernels {
    private Kernels() {
    }

    /** The shared case's field on the named kernel; fails if the fork cannot run it. */
    static NeuralVectorField load(String kernel) {
        boolean vector = switch (kernel) {
            case "vectorApi" -> true;
            case "loops" -> false;
            default -> throw new IllegalArgumentException("kernel is vectorApi or loops, got " + kernel);
        };
        System.setProperty(VectorKernels.PROPERTY, Boolean.toString(vector));
        NeuralVectorField field = MlpCaseField.load();
        if (field.mlp().usesVectorApi() != vector) {
            throw new IllegalStateException("asked for the " + kernel + " kernel but " + VectorKernels.describe()
                    + "; the benchmark's fork needs --add-modules jdk.incubator.vector");
        }
        return field;
    }
}
