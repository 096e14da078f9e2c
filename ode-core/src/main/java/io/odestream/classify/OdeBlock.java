package io.odestream.classify;

import io.odestream.nn.NeuralVectorField;
import io.odestream.ode.Solution;
import io.odestream.ode.SolveOptions;
import io.odestream.ode.adjoint.AdjointMethod;
import io.odestream.ode.adjoint.Gradients;
import io.odestream.ode.adjoint.SolverBackprop;
import io.odestream.ode.control.StepControl;
import io.odestream.ode.rk.DenseTrajectory;
import io.odestream.ode.rk.DormandPrince54;
import io.odestream.ode.rk.RungeKuttaSolver;

/**
 * The ODE-Net block: {@code h(1) = h(0) + ∫₀¹ f(t, h(t); θ) dt} by dopri5 with adaptive steps, so
 * the depth (the NFE) adapts to the input. Gradients by the adjoint method (only the output is kept:
 * O(1) memory in the number of steps, the seminorm on its backward solve) or by back-propagation
 * through the recorded steps (the O(steps) tape; the exact gradient of the computed solve).
 */
public final class OdeBlock implements DepthBlock {
    /** How the block is differentiated. */
    public enum Gradient { ADJOINT, BACKPROP }

    private static final double[] END = {1.0};

    private final NeuralVectorField field;
    private final RungeKuttaSolver solver;
    private final AdjointMethod adjoint;
    private final Gradient mode;
    private Solution forward;
    private long backwardEvaluations;

    /**
     * @param field the vector field, bound to the classifier's parameter vector
     * @param rtol  relative tolerance of the forward and the backward solve
     * @param atol  absolute tolerance of both
     */
    public OdeBlock(NeuralVectorField field, double rtol, double atol, Gradient mode) {
        this.field = field;
        this.solver = new RungeKuttaSolver(DormandPrince54.TABLEAU, StepControl.adaptive(rtol, atol).build());
        this.adjoint = new AdjointMethod(DormandPrince54.TABLEAU, StepControl.adaptive(rtol, atol).build(), true);
        this.mode = mode;
    }

    public Gradient mode() {
        return mode;
    }

    @Override
    public int dimension() {
        return field.dimension();
    }

    @Override
    public void forward(double[] in, double[] out, int rows) {
        SolveOptions options = mode == Gradient.BACKPROP ? SolveOptions.DEFAULT.withDenseRecording() : SolveOptions.DEFAULT;
        Solution solution = solver.solve(field, in, rows, 0.0, END, options);
        for (int r = 0; r < rows; r++) {
            if (solution.failure(r) != null) {
                throw solution.failure(r);
            }
        }
        solution.stateInto(0, out);
        forward = solution;
    }

    @Override
    public void backward(double[] gOut, double[] gIn, double[] gTheta, int rows) {
        if (forward == null || forward.rows() != rows) {
            throw new IllegalStateException("backward needs the forward pass of the same " + rows + " rows first");
        }
        int d = field.dimension();
        double[][] cotangents = new double[rows][d];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(gOut, r * d, cotangents[r], 0, d);
        }
        Gradients g = mode == Gradient.ADJOINT
                ? adjoint.gradients(field, forward, 0.0, cotangents)
                : SolverBackprop.gradients(field, forward, cotangents);
        System.arraycopy(g.initialState(), 0, gIn, 0, rows * d);
        double[] theta = g.parameters();
        for (int i = 0; i < theta.length; i++) {
            gTheta[i] += theta[i];
        }
        backwardEvaluations = g.backward().evaluations();
    }

    @Override
    public long forwardEvaluations() {
        return forward == null ? 0 : forward.stats().evaluations();
    }

    /**
     * Adjoint: the output and the backward solve's augmented state {@code [z, a, aθ]} (2·B·D + P);
     * back-propagation: the recorded steps (state and stages per step and row) and the cotangent.
     */
    @Override
    public long heldValues() {
        if (forward == null) {
            return 0;
        }
        long bd = (long) forward.rows() * field.dimension();
        if (mode == Gradient.ADJOINT) {
            return bd + 2 * bd + field.parameterCount();
        }
        return ((DenseTrajectory) forward.recordedTrajectory()).storedValues() + bd;
    }

    @Override
    public long backwardEvaluations() {
        return backwardEvaluations;
    }
}
