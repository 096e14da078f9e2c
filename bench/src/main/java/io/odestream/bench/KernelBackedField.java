package io.odestream.bench;

import io.odestream.nn.NeuralVectorField;
import io.odestream.ode.DifferentiableVectorField;

/**
 * A {@link NeuralVectorField} whose batch evaluations at the kernel's batch size go to a
 * {@link FieldKernel}, so the unchanged solvers and {@code AdjointMethod} can be timed end to end
 * with it; other batch sizes (the adjoint's single-row output-time terms) go to the field itself.
 *
 * <p>{@code SharedAdjointField} calls {@code evaluate} and then {@code vjp} at the same state, so
 * {@code vjp} first offers the kernel the chance to reuse that forward pass
 * ({@link FieldKernel#vjpAfterForward}: what a fused call site in ode-core would do); a kernel that
 * cannot runs its whole augmented evaluation and its f(z) is discarded. The weights are the
 * kernel's snapshot: the field must not be trained while wrapped.
 */
final class KernelBackedField implements DifferentiableVectorField {
    private final NeuralVectorField field;
    private final FieldKernel kernel;
    private final double[] discardedDz;

    KernelBackedField(NeuralVectorField field, FieldKernel kernel) {
        this.field = field;
        this.kernel = kernel;
        this.discardedDz = new double[kernel.rows() * field.dimension()];
    }

    @Override
    public int dimension() {
        return field.dimension();
    }

    @Override
    public int parameterCount() {
        return field.parameterCount();
    }

    @Override
    public double[] parameters() {
        return field.parameters();
    }

    @Override
    public void evaluate(double[] t, double[] z, double[] dz, int rows) {
        if (rows == kernel.rows()) {
            kernel.forward(z, dz);
        } else {
            field.evaluate(t, z, dz, rows);
        }
    }

    @Override
    public void vjp(double[] t, double[] z, double[] a, double[] az, double[] aTheta, int rows) {
        if (rows == kernel.rows()) {
            if (!kernel.vjpAfterForward(z, a, az, aTheta)) {
                kernel.augmented(z, a, discardedDz, az, aTheta);
            }
        } else {
            field.vjp(t, z, a, az, aTheta, rows);
        }
    }
}
