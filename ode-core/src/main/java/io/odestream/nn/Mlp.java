package io.odestream.nn;

import java.util.Random;

/**
 * A multilayer perceptron on the batch layout (rows × features, row-major), with a
 * hand-written vector–Jacobian product.
 *
 * <p>Parameters: linear layer k (0-based) owns {@code prefix.k.weight} (out×in, torch layout)
 * and {@code prefix.k.bias}, laid out in layer order. Scratch buffers are sized on the first
 * call for a batch size and reused; they grow only when a larger batch arrives, so forward and
 * VJP allocate nothing after warm-up. Not thread-safe: one instance per thread (several
 * instances may share one {@link Parameters}).
 *
 * <p>Three kernels, one set of numbers: row by row, feature-major blocks of rows, and — for tanh
 * hidden layers, batches of {@link #VECTOR_KERNEL_MIN_ROWS} rows or more, where the JVM has the
 * Vector API ({@link VectorKernels}) — {@link VectorApiMlp}'s register blocks. Outputs and input
 * cotangents have the same bits whichever runs.
 *
 * <p>A fourth, opt-in, for serving: with {@link FieldPrecision#FLOAT32} ({@code -Dodestream.fieldPrecision=float32},
 * read when the MLP is built) {@link #forward} runs in float32 on {@link FloatVectorApiMlp} for every batch
 * size, within ~1e-6 of the double result; the VJPs (and {@link #forwardAndVjp}'s y) stay double. It needs
 * the Vector API kernel: where the plain loops run (no {@code jdk.incubator.vector}, {@code
 * odestream.vectorApi=false}, activations other than tanh hidden layers and an identity output) the
 * property is ignored and the forward pass stays double ({@link #forwardPrecision()} says which).
 */
public final class Mlp {
    /**
     * Batches of at least this many rows are evaluated in blocks of {@link #BLOCK_ROWS} rows
     * stored feature-major, where every inner loop is a long vectorisable axpy; smaller
     * batches row by row. Both kernels sum every element in the same order, so a row's bits
     * do not depend on which one ran.
     */
    static final int COLUMN_KERNEL_MIN_ROWS = 16;
    static final int BLOCK_ROWS = 128;
    /**
     * Batches of at least this many rows go to the Vector API kernel where it runs: since it has no
     * scalar tails, every batch (one series' encoder row included). It gives the same bits as the
     * loops, so this is a speed choice only.
     */
    static final int VECTOR_KERNEL_MIN_ROWS = 1;

    private final MlpSpec spec;
    private final Parameters parameters;
    private final Linear[] layers;
    private final Activation[] activations;
    private double[][] pre;
    private double[][] post;
    private double[][] grad;
    private int capacityRows;
    private double[][] blockInput;
    private double[][][] blockPre;
    private double[][][] blockPost;
    private double[][][] blockGrad;
    private double[][] blockInputGrad;
    /** Null where the Vector API is off ({@link VectorKernels}) or the activations have no lane-wise form. */
    private final VectorApiMlp vectorKernel;
    /** The float32 forward pass; null unless {@link FieldPrecision#FLOAT32} was asked for and the vector kernel runs. */
    private final FloatVectorApiMlp floatKernel;

    /** Declares the slices of {@code spec} under {@code prefix} in {@code layout}. */
    public static void declare(Parameters.Builder layout, String prefix, MlpSpec spec) {
        for (int k = 0; k < spec.depth(); k++) {
            Linear.declare(layout, prefix + "." + k, spec.layerInput(k), spec.layerOutput(k));
        }
    }

    /** An MLP with its own parameter vector (slices {@code mlp.k.weight}, {@code mlp.k.bias}), initialised from {@code seed}. */
    public static Mlp create(MlpSpec spec, long seed) {
        Parameters.Builder layout = Parameters.builder();
        declare(layout, "mlp", spec);
        Mlp mlp = new Mlp(spec, layout.build(), "mlp");
        mlp.initialise(new Random(seed));
        return mlp;
    }

    /**
     * Binds {@code spec} to the slices under {@code prefix}, checking every shape; uses the Vector
     * API kernel if {@link VectorKernels#enabled()} and the activations allow, and its forward pass in
     * the precision {@link FieldPrecision#fromProperty()} asks for.
     *
     * @throws IllegalArgumentException also when {@value FieldPrecision#PROPERTY} holds neither float64 nor float32
     */
    public Mlp(MlpSpec spec, Parameters parameters, String prefix) {
        this(spec, parameters, prefix, VectorKernels.enabled(), FieldPrecision.fromProperty());
    }

    /** As the public constructor, choosing the kernel explicitly, in double (tests compare the two). */
    Mlp(MlpSpec spec, Parameters parameters, String prefix, boolean vectorApi) {
        this(spec, parameters, prefix, vectorApi, FieldPrecision.FLOAT64);
    }

    /** As the public constructor, choosing the kernel and the forward pass's precision explicitly. */
    Mlp(MlpSpec spec, Parameters parameters, String prefix, boolean vectorApi, FieldPrecision precision) {
        this.spec = spec;
        this.parameters = parameters;
        int depth = spec.depth();
        this.layers = new Linear[depth];
        this.activations = new Activation[depth];
        for (int k = 0; k < depth; k++) {
            layers[k] = new Linear(parameters, prefix + "." + k, spec.layerInput(k), spec.layerOutput(k));
            activations[k] = spec.activation(k);
        }
        this.pre = new double[depth][];
        this.post = new double[depth][];
        this.grad = new double[depth][];
        this.blockPre = new double[depth][][];
        this.blockPost = new double[depth][][];
        this.blockGrad = new double[depth][][];
        this.vectorKernel = vectorApi && VectorApiMlp.supports(spec) ? new VectorApiMlp(spec, parameters, prefix) : null;
        this.floatKernel = vectorKernel != null && precision == FieldPrecision.FLOAT32
                ? new FloatVectorApiMlp(spec, parameters, prefix) : null;
    }

    /** Whether batches of {@link #VECTOR_KERNEL_MIN_ROWS} rows or more run on the Vector API kernel. */
    public boolean usesVectorApi() {
        return vectorKernel != null;
    }

    /**
     * The arithmetic of {@link #forward}: {@link FieldPrecision#FLOAT32} only where it was asked for and
     * the Vector API kernel runs; the VJPs are double either way.
     */
    public FieldPrecision forwardPrecision() {
        return floatKernel != null ? FieldPrecision.FLOAT32 : FieldPrecision.FLOAT64;
    }

    public MlpSpec spec() {
        return spec;
    }

    public Parameters parameters() {
        return parameters;
    }

    public int inputSize() {
        return spec.inputSize();
    }

    public int outputSize() {
        return spec.outputSize();
    }

    /**
     * Glorot-uniform weights (bound √(6/(in+out))) for layers followed by tanh, sigmoid,
     * softplus or identity; He-uniform (bound √(6/in)) for layers followed by ReLU or ELU;
     * zero biases. Draws layer by layer, weights row-major, so a seed gives the same vector on
     * every JVM ({@link Random} is specified bit-for-bit).
     */
    public void initialise(Random random) {
        for (int k = 0; k < layers.length; k++) {
            int in = spec.layerInput(k);
            int out = spec.layerOutput(k);
            double bound = activations[k].rectifying() ? Math.sqrt(6.0 / in) : Math.sqrt(6.0 / (in + out));
            layers[k].initialise(random, bound, 0.0);
        }
    }

    /** {@code y = mlp(x)}; x is rows×in, y is rows×out. In float32 where {@link #forwardPrecision()} says so. */
    public void forward(double[] x, double[] y, int rows) {
        if (floatKernel != null) {
            // every batch size, so that a row's result still does not depend on the batch it came in
            floatKernel.forward(x, y, rows);
            return;
        }
        if (vectorKernel != null && rows >= VECTOR_KERNEL_MIN_ROWS) {
            vectorKernel.forward(x, y, rows);
            return;
        }
        if (rows >= COLUMN_KERNEL_MIN_ROWS) {
            forwardInBlocks(x, y, rows);
            return;
        }
        ensureCapacity(rows);
        double[] input = x;
        for (int k = 0; k < layers.length; k++) {
            int n = rows * spec.layerOutput(k);
            layers[k].forward(input, pre[k], rows);
            activations[k].apply(pre[k], post[k], n);
            input = post[k];
        }
        System.arraycopy(post[layers.length - 1], 0, y, 0, rows * outputSize());
    }

    /**
     * Vector–Jacobian product at x for output cotangents gy (rows×out): {@code gx = gyᵀ ∂y/∂x}
     * is overwritten (rows×in; skipped when null) and {@code gTheta += gyᵀ ∂y/∂θ} is
     * accumulated (layout of {@link #parameters()}). Runs the forward pass itself.
     */
    public void vjp(double[] x, double[] gy, double[] gx, double[] gTheta, int rows) {
        vjp(x, gy, gx, gTheta, 0, rows);
    }

    /**
     * As {@link #vjp(double[], double[], double[], double[], int)}, accumulating into the
     * gradient that starts at {@code gTheta[thetaBase]} (e.g. one row's slot of a per-row
     * gradient array).
     */
    public void vjp(double[] x, double[] gy, double[] gx, double[] gTheta, int thetaBase, int rows) {
        forwardAndVjp(x, gy, null, gx, gTheta, thetaBase, rows);
    }

    /**
     * {@link #forward} and {@link #vjp} at the same x from one forward pass: {@code y = mlp(x)}
     * (skipped when y is null), {@code gx} overwritten (skipped when null), {@code gTheta[thetaBase ..]}
     * accumulated. The adjoint needs both at every stage of its backward solve.
     */
    public void forwardAndVjp(double[] x, double[] gy, double[] y, double[] gx, double[] gTheta, int thetaBase,
            int rows) {
        if (vectorKernel != null && rows >= VECTOR_KERNEL_MIN_ROWS) {
            vectorKernel.vjp(x, gy, y, gx, gTheta, thetaBase, rows);
            return;
        }
        if (rows >= COLUMN_KERNEL_MIN_ROWS) {
            vjpInBlocks(x, gy, y, gx, gTheta, thetaBase, rows);
            return;
        }
        int depth = layers.length;
        ensureCapacity(rows);
        double[] input = x;
        for (int k = 0; k < depth; k++) {
            layers[k].forward(input, pre[k], rows);
            activations[k].apply(pre[k], post[k], rows * spec.layerOutput(k));
            input = post[k];
        }
        int last = depth - 1;
        if (y != null) {
            System.arraycopy(post[last], 0, y, 0, rows * outputSize());
        }
        System.arraycopy(gy, 0, grad[last], 0, rows * outputSize());
        activations[last].backpropagate(pre[last], post[last], grad[last], rows * outputSize());
        for (int k = last; k >= 0; k--) {
            double[] layerInput = k == 0 ? x : post[k - 1];
            double[] inputGrad = k == 0 ? gx : grad[k - 1];
            layers[k].backward(layerInput, grad[k], inputGrad, gTheta, thetaBase, rows);
            if (k > 0) {
                activations[k - 1].backpropagate(pre[k - 1], post[k - 1], grad[k - 1], rows * spec.layerOutput(k - 1));
            }
        }
    }

    private void forwardInBlocks(double[] x, double[] y, int rows) {
        for (int start = 0; start < rows; start += BLOCK_ROWS) {
            int cols = Math.min(BLOCK_ROWS, rows - start);
            forwardBlock(x, start, cols);
            copyOutput(y, start, cols);
        }
    }

    /** The block's outputs (feature-major) into rows start .. start+cols of y. */
    private void copyOutput(double[] y, int start, int cols) {
        int out = outputSize();
        double[][] result = blockPost[layers.length - 1];
        for (int c = 0; c < cols; c++) {
            int yo = (start + c) * out;
            for (int o = 0; o < out; o++) {
                y[yo + o] = result[o][c];
            }
        }
    }

    private void vjpInBlocks(double[] x, double[] gy, double[] y, double[] gx, double[] gTheta, int thetaBase,
            int rows) {
        int in = inputSize();
        int out = outputSize();
        int last = layers.length - 1;
        for (int start = 0; start < rows; start += BLOCK_ROWS) {
            int cols = Math.min(BLOCK_ROWS, rows - start);
            forwardBlock(x, start, cols);
            if (y != null) {
                copyOutput(y, start, cols);
            }
            double[][] g = blockGrad[last];
            for (int c = 0; c < cols; c++) {
                int go = (start + c) * out;
                for (int o = 0; o < out; o++) {
                    g[o][c] = gy[go + o];
                }
            }
            for (int o = 0; o < out; o++) {
                activations[last].backpropagate(blockPre[last][o], blockPost[last][o], g[o], cols);
            }
            for (int k = last; k >= 0; k--) {
                double[][] layerInput = k == 0 ? blockInput : blockPost[k - 1];
                double[][] inputGrad = k == 0 ? (gx == null ? null : blockInputGrad) : blockGrad[k - 1];
                layers[k].backwardColumns(layerInput, blockGrad[k], inputGrad, gTheta, thetaBase, cols);
                if (k > 0) {
                    for (int o = 0; o < spec.layerOutput(k - 1); o++) {
                        activations[k - 1].backpropagate(blockPre[k - 1][o], blockPost[k - 1][o], blockGrad[k - 1][o],
                                cols);
                    }
                }
            }
            if (gx != null) {
                for (int c = 0; c < cols; c++) {
                    int xo = (start + c) * in;
                    for (int i = 0; i < in; i++) {
                        gx[xo + i] = blockInputGrad[i][c];
                    }
                }
            }
        }
    }

    /** Rows start .. start+cols of x through every layer, feature-major, into the block buffers. */
    private void forwardBlock(double[] x, int start, int cols) {
        if (blockInput == null) {
            // one array per feature, so that every axpy indexes from 0 (see Linear)
            blockInput = new double[inputSize()][BLOCK_ROWS];
            blockInputGrad = new double[inputSize()][BLOCK_ROWS];
            for (int k = 0; k < layers.length; k++) {
                blockPre[k] = new double[spec.layerOutput(k)][BLOCK_ROWS];
                blockPost[k] = new double[spec.layerOutput(k)][BLOCK_ROWS];
                blockGrad[k] = new double[spec.layerOutput(k)][BLOCK_ROWS];
            }
        }
        int in = inputSize();
        for (int c = 0; c < cols; c++) {
            int xo = (start + c) * in;
            for (int i = 0; i < in; i++) {
                blockInput[i][c] = x[xo + i];
            }
        }
        double[][] input = blockInput;
        for (int k = 0; k < layers.length; k++) {
            layers[k].forwardColumns(input, blockPre[k], cols);
            for (int o = 0; o < spec.layerOutput(k); o++) {
                activations[k].apply(blockPre[k][o], blockPost[k][o], cols);
            }
            input = blockPost[k];
        }
    }

    private void ensureCapacity(int rows) {
        if (rows <= capacityRows) {
            return;
        }
        if (rows <= 0) {
            throw new IllegalArgumentException("rows must be positive, got " + rows);
        }
        for (int k = 0; k < layers.length; k++) {
            int n = rows * spec.layerOutput(k);
            pre[k] = new double[n];
            post[k] = new double[n];
            grad[k] = new double[n];
        }
        capacityRows = rows;
    }
}
