package io.odestream.nn;

import io.odestream.ode.DifferentiableVectorField;
import java.util.Random;

/**
 * The Neural ODE right-hand side {@code f(t, z; θ) = mlp(z)}, or {@code mlp([z, t])} when
 * time-dependent (t appended as the last input), with the VJPs the adjoint integrates:
 * {@code aᵀ∂f/∂z}, {@code aᵀ∂f/∂θ} and, for time-dependent fields, {@code aᵀ∂f/∂t}.
 *
 * <p>The MLP maps D (or D + 1) inputs to D outputs. The parameter vector is the MLP's: callers
 * that write into {@link #parameters()} (optimisers) must then call {@link #parametersChanged()},
 * which refreshes the cached transposed weights before the next evaluation.
 *
 * <p>Row-independent and bit-for-bit deterministic: a row's result does not depend on the batch
 * size or on the other rows. Allocation-free after the first call for a batch size. Not
 * thread-safe: one instance per thread.
 */
public final class NeuralVectorField implements DifferentiableVectorField {
    private final Mlp mlp;
    private final boolean timeDependent;
    private final int dimension;
    private double[] input;
    private double[] inputGrad;
    private int capacityRows;
    private final double[] rowInput;
    private final double[] rowCotangent;
    private final double[] rowInputGrad;
    private final double[] rowOutput;

    /** Wraps {@code mlp}, which must map D (+1 if time-dependent) inputs to D outputs. */
    public NeuralVectorField(Mlp mlp, boolean timeDependent) {
        int out = mlp.outputSize();
        int expectedIn = timeDependent ? out + 1 : out;
        if (mlp.inputSize() != expectedIn) {
            throw new IllegalArgumentException("a " + (timeDependent ? "time-dependent " : "") + "vector field of "
                    + "dimension " + out + " needs an MLP with " + expectedIn + " inputs, got " + mlp.spec()
                    + (timeDependent ? " (the time is appended as the last input)" : ""));
        }
        this.mlp = mlp;
        this.timeDependent = timeDependent;
        this.dimension = out;
        this.rowInput = new double[expectedIn];
        this.rowCotangent = new double[out];
        this.rowInputGrad = new double[expectedIn];
        this.rowOutput = new double[out];
    }

    /**
     * A field of dimension {@code d} with the given hidden layer sizes, its own parameters
     * (slices {@code mlp.k.weight}, {@code mlp.k.bias}) and a seeded initialisation.
     */
    public static NeuralVectorField create(int d, int[] hidden, Activation hiddenActivation, Activation output,
            boolean timeDependent, long seed) {
        int[] sizes = new int[hidden.length + 2];
        sizes[0] = timeDependent ? d + 1 : d;
        System.arraycopy(hidden, 0, sizes, 1, hidden.length);
        sizes[sizes.length - 1] = d;
        MlpSpec spec = new MlpSpec(sizes, hiddenActivation, output);
        Parameters.Builder layout = Parameters.builder();
        Mlp.declare(layout, "mlp", spec);
        Mlp mlp = new Mlp(spec, layout.build(), "mlp");
        mlp.initialise(new Random(seed));
        return new NeuralVectorField(mlp, timeDependent);
    }

    public Mlp mlp() {
        return mlp;
    }

    public boolean timeDependent() {
        return timeDependent;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public int parameterCount() {
        return mlp.parameters().size();
    }

    @Override
    public double[] parameters() {
        return mlp.parameters().values();
    }

    /** Call after writing into {@link #parameters()}: refreshes the layers' cached weight copies. */
    @Override
    public void parametersChanged() {
        mlp.parameters().markChanged();
    }

    @Override
    public void evaluate(double[] t, double[] z, double[] dz, int rows) {
        mlp.forward(timeDependent ? withTime(t, z, rows) : z, dz, rows);
    }

    @Override
    public void vjp(double[] t, double[] z, double[] a, double[] az, double[] aTheta, int rows) {
        vjp(t, z, a, az, null, aTheta, rows);
    }

    /** One forward pass for f and the VJP ({@link Mlp#forwardAndVjp}). */
    @Override
    public void evaluateAndVjp(double[] t, double[] z, double[] a, double[] dz, double[] az, double[] aTheta,
            int rows) {
        if (!timeDependent) {
            mlp.forwardAndVjp(z, a, dz, az, aTheta, 0, rows);
            return;
        }
        mlp.forwardAndVjp(withTime(t, z, rows), a, dz, inputGrad, aTheta, 0, rows);
        int d = dimension;
        for (int r = 0; r < rows; r++) {
            System.arraycopy(inputGrad, r * (d + 1), az, r * d, d);
        }
    }

    /**
     * As {@link #vjp(double[], double[], double[], double[], double[], int)}, and also
     * {@code at[r] = a[r]ᵀ ∂f/∂t} (overwritten; zero for a time-independent field; skipped
     * when at is null).
     */
    public void vjp(double[] t, double[] z, double[] a, double[] az, double[] at, double[] aTheta, int rows) {
        if (!timeDependent) {
            mlp.vjp(z, a, az, aTheta, rows);
            if (at != null) {
                java.util.Arrays.fill(at, 0, rows, 0.0);
            }
            return;
        }
        mlp.vjp(withTime(t, z, rows), a, inputGrad, aTheta, rows);
        int d = dimension;
        for (int r = 0; r < rows; r++) {
            if (az != null) {
                System.arraycopy(inputGrad, r * (d + 1), az, r * d, d);
            }
            if (at != null) {
                at[r] = inputGrad[r * (d + 1) + d];
            }
        }
    }

    /**
     * Each row's parameter cotangent kept apart, {@code aThetaRows[r*P ..] += a[r]ᵀ ∂f/∂θ}
     * (what the per-row adjoint needs), with {@code az} overwritten as in {@link #vjp}.
     * Allocation-free; rows are evaluated one at a time, which gives the same bits as in a batch.
     */
    @Override
    public void vjpPerRow(double[] t, double[] z, double[] a, double[] az, double[] aThetaRows, int rows) {
        evaluateAndVjpPerRow(t, z, a, null, az, aThetaRows, rows);
    }

    /** {@link #vjpPerRow} that also writes {@code dz = f(t, z)} (skipped when null), from one forward pass per row. */
    @Override
    public void evaluateAndVjpPerRow(double[] t, double[] z, double[] a, double[] dz, double[] az,
            double[] aThetaRows, int rows) {
        int d = dimension;
        int p = parameterCount();
        for (int r = 0; r < rows; r++) {
            System.arraycopy(z, r * d, rowInput, 0, d);
            if (timeDependent) {
                rowInput[d] = t[r];
            }
            System.arraycopy(a, r * d, rowCotangent, 0, d);
            mlp.forwardAndVjp(rowInput, rowCotangent, dz == null ? null : rowOutput, rowInputGrad, aThetaRows, r * p, 1);
            System.arraycopy(rowInputGrad, 0, az, r * d, d);
            if (dz != null) {
                System.arraycopy(rowOutput, 0, dz, r * d, d);
            }
        }
    }

    /** The MLP input {@code [z[r], t[r]]} row by row, in a reused buffer. */
    private double[] withTime(double[] t, double[] z, int rows) {
        if (rows > capacityRows) {
            input = new double[rows * (dimension + 1)];
            inputGrad = new double[rows * (dimension + 1)];
            capacityRows = rows;
        }
        int d = dimension;
        for (int r = 0; r < rows; r++) {
            System.arraycopy(z, r * d, input, r * (d + 1), d);
            input[r * (d + 1) + d] = t[r];
        }
        return input;
    }
}
