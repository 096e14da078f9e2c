package io.odestream.classify;

import io.odestream.nn.Activation;
import io.odestream.nn.Mlp;
import io.odestream.nn.MlpSpec;
import io.odestream.nn.NeuralVectorField;
import io.odestream.nn.Parameters;
import java.util.Arrays;
import java.util.Random;

/**
 * A classifier {@code softmax(readout(block([projection(x), 0_a])))} over one flat parameter
 * vector: a linear projection of the N inputs to width d, {@code a} zeros appended (ANODE's
 * augmented dimensions; none for the ODE-Net and the ResNet), a {@link DepthBlock} on the
 * D = d + a wide state, and a linear readout to K logits. Chen et al. 2018 (section 3) and Dupont
 * et al. 2019 (section 4) build their classifiers so; the ResNet differs from the ODE-Net only in the
 * block, so the two compare at the same parameter budget.
 *
 * <p>Not thread-safe (scratch buffers, the block's remembered forward pass): one per thread.
 */
public final class DepthClassifier {
    /**
     * @param inputs  N, features per row
     * @param width   d, the projected width
     * @param classes K ≥ 2 (two for a risk probability)
     */
    public record Shape(int inputs, int width, int classes) {
        public Shape {
            if (inputs < 1 || width < 1 || classes < 2) {
                throw new IllegalArgumentException("a classifier needs inputs >= 1, width >= 1 and classes >= 2; got "
                        + inputs + ", " + width + ", " + classes);
            }
        }
    }

    private final Shape shape;
    private final int augment;
    private final Parameters parameters;
    private final Mlp projection;
    private final DepthBlock block;
    private final Mlp readout;
    private final String description;
    private double[] projected;
    private double[] blockIn;
    private double[] blockOut;
    private double[] logits;
    private double[] gLogits;
    private double[] gBlockOut;
    private double[] gBlockIn;
    private double[] gProjected;
    private int capacityRows;

    private DepthClassifier(Shape shape, int augment, Parameters parameters, Mlp projection, DepthBlock block,
                            Mlp readout, String description) {
        this.shape = shape;
        this.augment = augment;
        this.parameters = parameters;
        this.projection = projection;
        this.block = block;
        this.readout = readout;
        this.description = description;
    }

    /**
     * An ODE-Net (augment 0) or ANODE (augment &gt; 0): the block integrates a time-dependent field
     * {@code f([h, t])} with one hidden tanh layer of {@code units} over t ∈ [0, 1].
     */
    public static DepthClassifier odeNet(Shape shape, int augment, int units, double rtol, double atol,
                                         OdeBlock.Gradient gradient, long seed) {
        if (augment < 0 || units < 1) {
            throw new IllegalArgumentException("augment must be >= 0 and units >= 1, got " + augment + ", " + units);
        }
        int d = shape.width() + augment;
        MlpSpec fieldSpec = new MlpSpec(new int[] {d + 1, units, d}, Activation.TANH, Activation.IDENTITY);
        Parameters.Builder layout = Parameters.builder();
        Mlp.declare(layout, "projection", linear(shape.inputs(), shape.width()));
        Mlp.declare(layout, "field", fieldSpec);
        Mlp.declare(layout, "readout", linear(d, shape.classes()));
        Parameters p = layout.build();
        Random random = new Random(seed);
        Mlp projection = bound(linear(shape.inputs(), shape.width()), p, "projection", random);
        Mlp field = bound(fieldSpec, p, "field", random);
        Mlp readout = bound(linear(d, shape.classes()), p, "readout", random);
        OdeBlock block = new OdeBlock(new NeuralVectorField(field, true), rtol, atol, gradient);
        String name = (augment == 0 ? "ODE-Net" : "ANODE (+" + augment + " dims)") + ", field " + (d + 1) + "→" + units
                + "→" + d;
        return new DepthClassifier(shape, augment, p, projection, block, readout, name);
    }

    /** A ResNet of {@code blocks} residual MLP blocks, each one hidden tanh layer of {@code units}. */
    public static DepthClassifier resNet(Shape shape, int blocks, int units, long seed) {
        if (blocks < 1 || units < 1) {
            throw new IllegalArgumentException("blocks and units must be >= 1, got " + blocks + ", " + units);
        }
        int d = shape.width();
        MlpSpec blockSpec = new MlpSpec(new int[] {d, units, d}, Activation.TANH, Activation.IDENTITY);
        Parameters.Builder layout = Parameters.builder();
        Mlp.declare(layout, "projection", linear(shape.inputs(), d));
        for (int k = 0; k < blocks; k++) {
            Mlp.declare(layout, "block" + k, blockSpec);
        }
        Mlp.declare(layout, "readout", linear(d, shape.classes()));
        Parameters p = layout.build();
        Random random = new Random(seed);
        Mlp projection = bound(linear(shape.inputs(), d), p, "projection", random);
        Mlp[] mlps = new Mlp[blocks];
        for (int k = 0; k < blocks; k++) {
            mlps[k] = bound(blockSpec, p, "block" + k, random);
        }
        Mlp readout = bound(linear(d, shape.classes()), p, "readout", random);
        return new DepthClassifier(shape, 0, p, projection, new ResidualBlocks(mlps), readout,
                "ResNet, " + blocks + " blocks " + d + "→" + units + "→" + d);
    }

    /**
     * The hidden width of each of {@code blocks} residual blocks that brings a ResNet of this shape
     * closest to an ODE-Net with {@code odeUnits} (no augmentation): the ODE field has
     * {@code (d+1)·U + U + U·d + d} parameters, K blocks {@code K·(2d·u + u + d)}.
     */
    public static int residualUnitsMatching(Shape shape, int odeUnits, int blocks) {
        int d = shape.width();
        long field = (long) (d + 1) * odeUnits + odeUnits + (long) odeUnits * d + d;
        long perUnit = (long) blocks * (2L * d + 1);
        return (int) Math.max(1, Math.round((field - (double) blocks * d) / perUnit));
    }

    private static MlpSpec linear(int in, int out) {
        return new MlpSpec(new int[] {in, out}, Activation.IDENTITY, Activation.IDENTITY);
    }

    private static Mlp bound(MlpSpec spec, Parameters p, String prefix, Random random) {
        Mlp mlp = new Mlp(spec, p, prefix);
        mlp.initialise(random);
        return mlp;
    }

    public Shape shape() {
        return shape;
    }

    public DepthBlock block() {
        return block;
    }

    /** What it is, for reports: the block and its sizes. */
    public String description() {
        return description;
    }

    public int parameterCount() {
        return parameters.size();
    }

    /** The live parameter vector: whoever writes into it calls {@link #parametersChanged()}. */
    public double[] parameters() {
        return parameters.values();
    }

    public void parametersChanged() {
        parameters.markChanged();
    }

    /** Class probabilities, rows × K, for the rows × N inputs {@code x}. */
    public double[] probabilities(double[] x, int rows) {
        double[] out = new double[rows * shape.classes()];
        probabilities(x, rows, out);
        return out;
    }

    /** As {@link #probabilities(double[], int)}, into {@code out} (rows × K): a streaming head scores into scratch. */
    public void probabilities(double[] x, int rows, double[] out) {
        forward(x, 0, rows);
        SoftmaxCrossEntropy.softmax(logits, out, rows, shape.classes());
    }

    /**
     * The loss on rows {@code offset .. offset+rows} of {@code x} (rows × N) and {@code labels}, and
     * dLoss/dθ added into {@code gradient} (the layout of {@link #parameters()}).
     */
    public double lossAndGradient(double[] x, int[] labels, int offset, int rows, SoftmaxCrossEntropy loss,
                                  double[] gradient) {
        if (loss.classes() != shape.classes()) {
            throw new IllegalArgumentException("the loss has " + loss.classes() + " classes, the classifier "
                    + shape.classes());
        }
        forward(x, offset, rows);
        double value = loss.lossAndGradient(logits, labels, offset, gLogits, rows);
        int d = shape.width();
        int wide = d + augment;
        readout.vjp(blockOut, gLogits, gBlockOut, gradient, rows);
        block.backward(gBlockOut, gBlockIn, gradient, rows);
        for (int r = 0; r < rows; r++) {
            System.arraycopy(gBlockIn, r * wide, gProjected, r * d, d);
        }
        projection.vjp(inputRows(x, offset, rows), gProjected, null, gradient, rows);
        return value;
    }

    /** x itself when the rows start at 0; otherwise the rows copied out (Mlp reads from index 0). */
    private double[] inputRows(double[] x, int offset, int rows) {
        if (offset == 0) {
            return x;
        }
        return Arrays.copyOfRange(x, offset * shape.inputs(), (offset + rows) * shape.inputs());
    }

    private void forward(double[] x, int offset, int rows) {
        ensureCapacity(rows);
        int d = shape.width();
        int wide = d + augment;
        projection.forward(inputRows(x, offset, rows), projected, rows);
        if (augment == 0) {
            System.arraycopy(projected, 0, blockIn, 0, rows * d);
        } else {
            Arrays.fill(blockIn, 0, rows * wide, 0.0);
            for (int r = 0; r < rows; r++) {
                System.arraycopy(projected, r * d, blockIn, r * wide, d);
            }
        }
        block.forward(blockIn, blockOut, rows);
        readout.forward(blockOut, logits, rows);
    }

    private void ensureCapacity(int rows) {
        if (rows <= capacityRows) {
            return;
        }
        int d = shape.width();
        int wide = d + augment;
        projected = new double[rows * d];
        gProjected = new double[rows * d];
        blockIn = new double[rows * wide];
        blockOut = new double[rows * wide];
        gBlockOut = new double[rows * wide];
        gBlockIn = new double[rows * wide];
        logits = new double[rows * shape.classes()];
        gLogits = new double[rows * shape.classes()];
        capacityRows = rows;
    }
}
