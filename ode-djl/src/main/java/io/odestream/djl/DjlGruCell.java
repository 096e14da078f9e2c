package io.odestream.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import io.odestream.nn.GruCell;
import io.odestream.nn.Parameters;
import java.nio.DoubleBuffer;

/**
 * ode-core's {@link GruCell} on DJL NDArrays: torch's {@code nn.GRUCell} with gates stacked
 * (r, z, n), bound to the same {@link Parameters} slices ({@code prefix.weight_ih} 3H×I',
 * {@code prefix.weight_hh} 3H×H, {@code prefix.bias_ih}, {@code prefix.bias_hh}), forward only
 * for a B-row batch:
 * <pre>
 *   r  = σ(W_ir x + b_ir + W_hr h + b_hr)
 *   z  = σ(W_iz x + b_iz + W_hz h + b_hz)
 *   n  = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
 *   h' = (h − n) ⊙ z + n
 * </pre>
 * A masked cell (the ODE-RNN jump of ode-core's latent filter) takes {@code [x ⊙ m, m]} (I' = 2I),
 * where a missing channel's value is <i>selected away</i>, not multiplied by 0, so a NaN there
 * stays out of the state exactly as in ode-core.
 *
 * <p>The parameter vector is shared: the device copy of the weights is refreshed when
 * {@link Parameters#version()} changes, as {@link DjlMlpField} does. Not thread-safe.
 */
public final class DjlGruCell implements AutoCloseable {
    private final Parameters parameters;
    private final String prefix;
    private final int inputSize;
    private final int hiddenSize;
    private final boolean masked;
    private final int cellInputSize;
    private final int[] offsets = new int[4];
    private final DjlDevice device;
    private final NDManager manager;
    private NDArray weightIh;
    private NDArray weightHh;
    private NDArray biasIh;
    private NDArray biasHh;
    private long cachedVersion = Long.MIN_VALUE;

    /** Binds to the slices under {@code prefix}, checking their shapes as ode-core's cell does. */
    public DjlGruCell(Parameters parameters, String prefix, int inputSize, int hiddenSize, boolean masked,
                      DjlDevice device) {
        if (inputSize <= 0 || hiddenSize <= 0) {
            throw new IllegalArgumentException("GRU cell '" + prefix + "' needs positive sizes, got input="
                    + inputSize + ", hidden=" + hiddenSize);
        }
        if (device == null) {
            throw new IllegalArgumentException("device is null; use DjlDevice.cpu() or DjlDevice.parse(\"gpu:0\")");
        }
        this.parameters = parameters;
        this.prefix = prefix;
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        this.masked = masked;
        this.cellInputSize = masked ? 2 * inputSize : inputSize;
        int h3 = 3 * hiddenSize;
        offsets[0] = parameters.slice(prefix + ".weight_ih", h3, cellInputSize).offset();
        offsets[1] = parameters.slice(prefix + ".weight_hh", h3, hiddenSize).offset();
        offsets[2] = parameters.slice(prefix + ".bias_ih", h3).offset();
        offsets[3] = parameters.slice(prefix + ".bias_hh", h3).offset();
        this.device = device;
        this.manager = device.newManager();
        refreshWeights();
    }

    /** The djl twin of an ode-core cell, sharing its live parameter vector. */
    public static DjlGruCell of(GruCell cell, String prefix, DjlDevice device) {
        return new DjlGruCell(cell.parameters(), prefix, cell.inputSize(), cell.hiddenSize(), cell.masked(), device);
    }

    public int inputSize() {
        return inputSize;
    }

    public int hiddenSize() {
        return hiddenSize;
    }

    public boolean masked() {
        return masked;
    }

    public DjlDevice device() {
        return device;
    }

    // ------------------------------------------------------------------ tensors

    /** Plain cell: {@code GRU(x, h)} for x (B×I) and h (B×H); the result is attached to h's manager. */
    public NDArray forward(NDArray x, NDArray h) {
        requirePlain();
        checkShapes(x, h, null);
        return gates(x, h);
    }

    /**
     * Masked cell: {@code GRU([x ⊙ m, m], h)}; x and mask B×I (mask entries 0 or 1, checked), h B×H.
     * The result is attached to h's manager.
     */
    public NDArray forward(NDArray x, NDArray mask, NDArray h) {
        requireMasked();
        checkShapes(x, h, mask);
        NDManager caller = h.getManager();
        try (NDManager scope = caller.newSubManager()) {
            scope.tempAttachAll(x, mask, h);
            NDArray observed = mask.neq(0.0);
            if (!mask.eq(0.0).logicalOr(mask.eq(1.0)).all().getBoolean()) {
                throw new IllegalArgumentException("GRU cell '" + prefix + "': every mask entry must be 1 (observed)"
                        + " or 0 (missing)");
            }
            // where, not x·m: a missing value may be NaN and NaN·0 is NaN
            NDArray values = NDArrays.where(observed, x, x.zerosLike());
            NDArray out = gates(NDArrays.concat(new NDList(values, mask), 1), h);
            out.attach(caller); // h is on loan to the scope here: its manager is the scope's
            return out;
        }
    }

    // ------------------------------------------------------------------ host arrays

    /** Plain cell on host arrays (row-major): hNew = GRU(x, h); copies in and out. */
    public void forward(double[] x, double[] h, double[] hNew, int rows) {
        requirePlain();
        checkHost(x, null, h, hNew, rows);
        try (NDManager scope = manager.newSubManager()) {
            NDArray out = gates(DjlMlpField.upload(scope, x, rows, inputSize),
                    DjlMlpField.upload(scope, h, rows, hiddenSize));
            DjlMlpField.download(out, hNew, rows * hiddenSize);
        }
    }

    /** Masked cell on host arrays: hNew = GRU([x ⊙ m, m], h); a missing value is never read (may be NaN). */
    public void forward(double[] x, double[] mask, double[] h, double[] hNew, int rows) {
        requireMasked();
        checkHost(x, mask, h, hNew, rows);
        double[] input = new double[rows * cellInputSize];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < inputSize; j++) {
                double m = mask[r * inputSize + j];
                if (m != 0.0 && m != 1.0) {
                    throw new IllegalArgumentException("GRU cell '" + prefix + "': mask[row " + r + ", channel " + j
                            + "] = " + m + "; a mask entry must be 1 (observed) or 0 (missing)");
                }
                input[r * cellInputSize + j] = m != 0.0 ? x[r * inputSize + j] : 0.0;
                input[r * cellInputSize + inputSize + j] = m;
            }
        }
        try (NDManager scope = manager.newSubManager()) {
            NDArray out = gates(DjlMlpField.upload(scope, input, rows, cellInputSize),
                    DjlMlpField.upload(scope, h, rows, hiddenSize));
            DjlMlpField.download(out, hNew, rows * hiddenSize);
        }
    }

    /** Closes the device copy of the weights; the shared parameter vector is untouched. */
    @Override
    public void close() {
        manager.close();
    }

    /** Arrays the cell holds on its device (its four weight/bias tensors), for leak checks. */
    public int residentArrays() {
        return manager.getManagedArrays().size();
    }

    // ------------------------------------------------------------------ internals

    /** The gate arithmetic on the cell input {@code in} (B×I'); the result lands in h's manager. */
    private NDArray gates(NDArray in, NDArray h) {
        if (parameters.version() != cachedVersion) {
            refreshWeights();
        }
        int hs = hiddenSize;
        NDManager target = h.getManager();
        NDArray out;
        try (NDManager scope = target.newSubManager()) {
            scope.tempAttachAll(in, h);
            NDArray gi = Linear.linear(in, weightIh, biasIh).singletonOrThrow();
            NDArray gh = Linear.linear(h, weightHh, biasHh).singletonOrThrow();
            NDArray r = ai.djl.nn.Activation.sigmoid(gh.get(":, 0:" + hs).add(gi.get(":, 0:" + hs)));
            NDArray z = ai.djl.nn.Activation.sigmoid(gh.get(":, " + hs + ":" + 2 * hs)
                    .add(gi.get(":, " + hs + ":" + 2 * hs)));
            NDArray n = gi.get(":, " + 2 * hs + ":").add(gh.get(":, " + 2 * hs + ":").mul(r)).tanh();
            out = h.sub(n).mul(z).add(n);
            out.attach(target);
        }
        return out;
    }

    private void refreshWeights() {
        double[] p = parameters.values();
        int h3 = 3 * hiddenSize;
        if (weightIh != null) {
            weightIh.close();
            weightHh.close();
            biasIh.close();
            biasHh.close();
        }
        weightIh = manager.create(DoubleBuffer.wrap(p, offsets[0], h3 * cellInputSize), new Shape(h3, cellInputSize),
                DataType.FLOAT64);
        weightHh = manager.create(DoubleBuffer.wrap(p, offsets[1], h3 * hiddenSize), new Shape(h3, hiddenSize),
                DataType.FLOAT64);
        biasIh = manager.create(DoubleBuffer.wrap(p, offsets[2], h3), new Shape(h3), DataType.FLOAT64);
        biasHh = manager.create(DoubleBuffer.wrap(p, offsets[3], h3), new Shape(h3), DataType.FLOAT64);
        cachedVersion = parameters.version();
    }

    private void checkShapes(NDArray x, NDArray h, NDArray mask) {
        Shape hs = h.getShape();
        if (hs.dimension() != 2 || hs.get(1) != hiddenSize || h.getDataType() != DataType.FLOAT64) {
            throw new IllegalArgumentException("h must be a B×" + hiddenSize + " float64 array, got " + hs + " "
                    + h.getDataType());
        }
        Shape expected = new Shape(hs.get(0), inputSize);
        if (!x.getShape().equals(expected) || x.getDataType() != DataType.FLOAT64) {
            throw new IllegalArgumentException("x must be a " + expected + " float64 array (one row per row of h), got "
                    + x.getShape() + " " + x.getDataType());
        }
        if (mask != null && (!mask.getShape().equals(expected) || mask.getDataType() != DataType.FLOAT64)) {
            throw new IllegalArgumentException("mask must be a " + expected + " float64 array of 0/1, got "
                    + mask.getShape() + " " + mask.getDataType());
        }
    }

    private void checkHost(double[] x, double[] mask, double[] h, double[] hNew, int rows) {
        if (rows < 1) {
            throw new IllegalArgumentException("rows must be >= 1, got " + rows);
        }
        requireLength("x", x, rows * inputSize);
        if (mask != null) {
            requireLength("mask", mask, rows * inputSize);
        }
        requireLength("h", h, rows * hiddenSize);
        requireLength("hNew", hNew, rows * hiddenSize);
    }

    private static void requireLength(String name, double[] a, int n) {
        if (a == null || a.length < n) {
            throw new IllegalArgumentException(name + " must hold at least " + n + " values (rows × width), has "
                    + (a == null ? "none (null)" : a.length));
        }
    }

    private void requirePlain() {
        if (masked) {
            throw new IllegalStateException("GRU cell '" + prefix + "' is masked; call the overload that takes a mask");
        }
    }

    private void requireMasked() {
        if (!masked) {
            throw new IllegalStateException("GRU cell '" + prefix + "' is plain (torch GRUCell); it takes no mask");
        }
    }

    @Override
    public String toString() {
        return "DjlGruCell(" + prefix + ", input=" + inputSize + ", hidden=" + hiddenSize + (masked ? ", masked" : "")
                + ", " + device + ")";
    }
}
