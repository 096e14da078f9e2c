package io.odestream.bench;

import io.odestream.nn.NeuralVectorField;

/**
 * ode-core's kernel as the adjoint calls it today: {@link NeuralVectorField#evaluate} for the
 * forward solve, and {@code evaluate} followed by {@code vjp} (which runs the forward pass again)
 * for each augmented evaluation, exactly as {@code SharedAdjointField} does.
 */
final class CurrentFieldKernel implements FieldKernel {
    private final NeuralVectorField field;
    private final int rows;
    private final double[] times;

    CurrentFieldKernel(NeuralVectorField field, int rows) {
        if (rows <= 0) {
            throw new IllegalArgumentException("rows must be positive, got " + rows);
        }
        this.field = field;
        this.rows = rows;
        this.times = new double[rows];
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public void forward(double[] z, double[] dz) {
        field.evaluate(times, z, dz, rows);
    }

    @Override
    public void augmented(double[] z, double[] a, double[] dz, double[] az, double[] aTheta) {
        field.evaluate(times, z, dz, rows);
        field.vjp(times, z, a, az, aTheta, rows);
    }
}
