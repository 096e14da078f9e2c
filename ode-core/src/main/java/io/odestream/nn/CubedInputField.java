package io.odestream.nn;

import io.odestream.ode.DifferentiableVectorField;

/**
 * {@code f(t, z) = g(t, z³)} (componentwise cube) for a learnable field g: the model of
 * torchdiffeq's {@code examples/ode_demo.py}, whose network sees {@code y**3} because the true
 * dynamics are cubic. VJPs by the chain rule: {@code aᵀ∂f/∂z = (aᵀ∂g/∂u) ⊙ 3z²}.
 */
public final class CubedInputField implements DifferentiableVectorField {
    private final DifferentiableVectorField inner;
    private double[] cubed = new double[0];
    private double[] innerGrad = new double[0];

    public CubedInputField(DifferentiableVectorField inner) {
        this.inner = inner;
    }

    public DifferentiableVectorField inner() {
        return inner;
    }

    @Override
    public int dimension() {
        return inner.dimension();
    }

    @Override
    public int parameterCount() {
        return inner.parameterCount();
    }

    @Override
    public double[] parameters() {
        return inner.parameters();
    }

    @Override
    public void parametersChanged() {
        inner.parametersChanged();
    }

    @Override
    public void evaluate(double[] t, double[] z, double[] dz, int rows) {
        cube(z, rows);
        inner.evaluate(t, cubed, dz, rows);
    }

    @Override
    public void vjp(double[] t, double[] z, double[] a, double[] az, double[] aTheta, int rows) {
        cube(z, rows);
        inner.vjp(t, cubed, a, innerGrad, aTheta, rows);
        for (int i = 0, n = rows * dimension(); i < n; i++) {
            az[i] = innerGrad[i] * 3 * z[i] * z[i];
        }
    }

    private void cube(double[] z, int rows) {
        int n = rows * dimension();
        if (cubed.length < n) {
            cubed = new double[n];
            innerGrad = new double[n];
        }
        for (int i = 0; i < n; i++) {
            cubed[i] = z[i] * z[i] * z[i];
        }
    }
}
