package io.odestream.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import io.odestream.nn.Activation;
import io.odestream.nn.MlpSpec;
import io.odestream.nn.NeuralVectorField;
import io.odestream.nn.Parameters;
import io.odestream.ode.DifferentiableVectorField;
import java.nio.DoubleBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * ode-core's {@link NeuralVectorField} on DJL: {@code f(t, z; θ) = mlp(z)} (or {@code mlp([z, t])}
 * when time-dependent) from the same {@link Parameters} vector, in float64 tensors on a
 * {@link DjlDevice}. Forward is {@code torch.nn.functional.linear} (weights out×in, torch's layout,
 * which is also ode-core's) and the activation per layer; the VJPs {@code aᵀ∂f/∂z} and
 * {@code aᵀ∂f/∂θ} come from PyTorch's autograd through DJL's {@link GradientCollector}.
 *
 * <p>The parameter vector is shared, not copied: an optimiser that writes into
 * {@link #parameters()} calls {@link Parameters#markChanged()} (or {@link #parametersChanged()}),
 * and the device copy of the weights is refreshed before the next evaluation, as ode-core's layers
 * do with their cached copies.
 *
 * <p>The {@code double[]} methods of {@link DifferentiableVectorField} copy the batch in and out
 * inside an {@link NDManager} scope per call, so every tensor they create is closed when they
 * return. The {@link TensorVectorField} method works on arrays that stay on the device (what a
 * batched solve uses). Not thread-safe: one instance per thread; and PyTorch allows one gradient
 * collector per JVM at a time, so {@link #vjp} calls are serialised across all instances.
 */
public final class DjlMlpField implements DifferentiableVectorField, TensorVectorField, AutoCloseable {
    /** DJL's gradient collector is a JVM-wide singleton (it throws if two collect at once). */
    private static final Object AUTOGRAD_LOCK = new Object();

    private final MlpSpec spec;
    private final Parameters parameters;
    private final boolean timeDependent;
    private final int dimension;
    private final int[] weightOffset;
    private final int[] biasOffset;
    private final DjlDevice device;
    private final NDManager manager;
    private final NDArray[] weights;
    private final NDArray[] biases;
    private long cachedVersion = Long.MIN_VALUE;

    /**
     * Binds {@code spec} to the slices {@code prefix.k.weight} (out×in) and {@code prefix.k.bias} of
     * {@code parameters}, checking every shape, as ode-core's {@code Mlp} does.
     */
    public DjlMlpField(MlpSpec spec, Parameters parameters, String prefix, boolean timeDependent, DjlDevice device) {
        int out = spec.outputSize();
        int expectedIn = timeDependent ? out + 1 : out;
        if (spec.inputSize() != expectedIn) {
            throw new IllegalArgumentException("a " + (timeDependent ? "time-dependent " : "") + "vector field of "
                    + "dimension " + out + " needs an MLP with " + expectedIn + " inputs, got " + spec);
        }
        int depth = spec.depth();
        this.spec = spec;
        this.parameters = parameters;
        this.timeDependent = timeDependent;
        this.dimension = out;
        this.device = device;
        this.weightOffset = new int[depth];
        this.biasOffset = new int[depth];
        for (int k = 0; k < depth; k++) {
            weightOffset[k] = parameters.slice(prefix + "." + k + ".weight", spec.layerOutput(k), spec.layerInput(k))
                    .offset();
            biasOffset[k] = parameters.slice(prefix + "." + k + ".bias", spec.layerOutput(k)).offset();
        }
        this.manager = device.newManager();
        this.weights = new NDArray[depth];
        this.biases = new NDArray[depth];
        refreshWeights();
    }

    /**
     * The djl twin of {@code field}, sharing its live parameter vector. The slices' prefix is found
     * from the layout (the one prefix whose {@code .0.weight} slice fits the field's first layer);
     * for a layout with several MLPs use the constructor and name the prefix.
     */
    public static DjlMlpField of(NeuralVectorField field, DjlDevice device) {
        MlpSpec spec = field.mlp().spec();
        Parameters p = field.mlp().parameters();
        List<String> prefixes = new ArrayList<>();
        for (Parameters.Slice s : p.slices()) {
            int[] shape = s.shape();
            if (s.name().endsWith(".0.weight") && shape.length == 2 && shape[0] == spec.layerOutput(0)
                    && shape[1] == spec.layerInput(0)) {
                prefixes.add(s.name().substring(0, s.name().length() - ".0.weight".length()));
            }
        }
        if (prefixes.size() != 1) {
            throw new IllegalArgumentException("cannot tell which MLP of the parameter layout is the field's: "
                    + "candidate prefixes " + prefixes + "; use new DjlMlpField(spec, parameters, prefix, ...)");
        }
        return new DjlMlpField(spec, p, prefixes.get(0), field.timeDependent(), device);
    }

    public DjlDevice device() {
        return device;
    }

    public MlpSpec spec() {
        return spec;
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
        return parameters.size();
    }

    @Override
    public double[] parameters() {
        return parameters.values();
    }

    @Override
    public void parametersChanged() {
        parameters.markChanged();
    }

    // ------------------------------------------------------------------ tensors

    @Override
    public NDArray evaluate(double t, NDArray z) {
        refreshWeightsIfChanged();
        NDArray input = timeDependent ? withTime(z, t) : z;
        return forward(input, weights, biases);
    }

    // ------------------------------------------------------------------ double[] contract

    @Override
    public void evaluate(double[] t, double[] z, double[] dz, int rows) {
        refreshWeightsIfChanged();
        try (NDManager scope = manager.newSubManager()) {
            NDArray input = timeDependent ? inputWithTimes(scope, t, z, rows) : upload(scope, z, rows, dimension);
            NDArray y = forward(input, weights, biases);
            download(y, dz, rows * dimension);
        }
    }

    @Override
    public void vjp(double[] t, double[] z, double[] a, double[] az, double[] aTheta, int rows) {
        refreshWeightsIfChanged();
        int depth = spec.depth();
        synchronized (AUTOGRAD_LOCK) {
            try (NDManager scope = manager.newSubManager();
                 GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                // Fresh leaves per call: PyTorch accumulates .grad into a leaf, so long-lived weights
                // would carry the previous call's gradient along.
                NDArray[] w = new NDArray[depth];
                NDArray[] b = new NDArray[depth];
                for (int k = 0; k < depth; k++) {
                    w[k] = weights[k].duplicate();
                    w[k].attach(scope);
                    w[k].setRequiresGradient(true);
                    b[k] = biases[k].duplicate();
                    b[k].attach(scope);
                    b[k].setRequiresGradient(true);
                }
                NDArray x = timeDependent ? inputWithTimes(scope, t, z, rows) : upload(scope, z, rows, dimension);
                x.setRequiresGradient(true);
                NDArray y = forward(x, w, b);
                NDArray cotangent = upload(scope, a, rows, dimension);
                // backward(y ⊙ a) seeds ones, so the seed reaching y is a exactly: aᵀ∂y/∂(x, θ).
                collector.backward(y.mul(cotangent));
                if (az != null) {
                    NDArray gx = x.getGradient();
                    if (timeDependent) {
                        gx = gx.get(":, 0:" + dimension);
                    }
                    download(gx, az, rows * dimension);
                }
                for (int k = 0; k < depth; k++) {
                    accumulate(w[k].getGradient(), aTheta, weightOffset[k]);
                    accumulate(b[k].getGradient(), aTheta, biasOffset[k]);
                }
            }
        }
    }

    /** Closes the device copy of the weights. The shared parameter vector is untouched. */
    @Override
    public void close() {
        manager.close();
    }

    /** Arrays the field itself holds on its device (the weights and biases), for leak checks. */
    public int residentArrays() {
        return manager.getManagedArrays().size();
    }

    // ------------------------------------------------------------------ internals

    private NDArray forward(NDArray x, NDArray[] w, NDArray[] b) {
        NDArray h = x;
        for (int k = 0; k < w.length; k++) {
            h = apply(spec.activation(k), Linear.linear(h, w[k], b[k]).singletonOrThrow());
        }
        return h;
    }

    private static NDArray apply(Activation activation, NDArray u) {
        switch (activation) {
            case IDENTITY:
                return u;
            case TANH:
                return u.tanh();
            case SIGMOID:
                return ai.djl.nn.Activation.sigmoid(u);
            case RELU:
                return ai.djl.nn.Activation.relu(u);
            case SOFTPLUS:
                return ai.djl.nn.Activation.softPlus(u);
            case ELU:
                return ai.djl.nn.Activation.elu(u, 1.0f);
            default:
                throw new IllegalArgumentException("activation " + activation + " has no DJL counterpart yet; "
                        + "add it to DjlMlpField.apply");
        }
    }

    private NDArray withTime(NDArray z, double t) {
        long rows = z.getShape().get(0);
        // ones × t, not full(shape, t): DJL's full takes a float and would round t
        NDArray column = z.getManager().ones(new Shape(rows, 1), DataType.FLOAT64).mul(t);
        return NDArrays.concat(new ai.djl.ndarray.NDList(z, column), 1);
    }

    private NDArray inputWithTimes(NDManager scope, double[] t, double[] z, int rows) {
        int d = dimension;
        double[] input = new double[rows * (d + 1)];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(z, r * d, input, r * (d + 1), d);
            input[r * (d + 1) + d] = t[r];
        }
        return upload(scope, input, rows, d + 1);
    }

    static NDArray upload(NDManager scope, double[] values, int rows, int columns) {
        return scope.create(DoubleBuffer.wrap(values, 0, rows * columns), new Shape(rows, columns), DataType.FLOAT64);
    }

    static void download(NDArray array, double[] out, int n) {
        array.toByteBuffer().asDoubleBuffer().get(out, 0, n);
    }

    private static void accumulate(NDArray gradient, double[] into, int offset) {
        double[] g = gradient.toDoubleArray();
        for (int i = 0; i < g.length; i++) {
            into[offset + i] += g[i];
        }
    }

    private void refreshWeightsIfChanged() {
        if (parameters.version() != cachedVersion) {
            refreshWeights();
        }
    }

    private void refreshWeights() {
        double[] p = parameters.values();
        for (int k = 0; k < weights.length; k++) {
            int out = spec.layerOutput(k);
            int in = spec.layerInput(k);
            if (weights[k] != null) {
                weights[k].close();
                biases[k].close();
            }
            weights[k] = manager.create(DoubleBuffer.wrap(p, weightOffset[k], out * in), new Shape(out, in),
                    DataType.FLOAT64);
            biases[k] = manager.create(DoubleBuffer.wrap(p, biasOffset[k], out), new Shape(out), DataType.FLOAT64);
        }
        cachedVersion = parameters.version();
    }
}
