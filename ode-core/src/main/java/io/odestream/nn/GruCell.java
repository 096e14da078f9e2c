package io.odestream.nn;

import java.util.Random;

/**
 * A GRU cell with torch's {@code nn.GRUCell} conventions, on the batch layout, with a
 * hand-written VJP. Gates are stacked in the order (r, z, n):
 * <pre>
 *   r  = σ(W_ir x + b_ir + W_hr h + b_hr)
 *   z  = σ(W_iz x + b_iz + W_hz h + b_hz)
 *   n  = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
 *   h' = (1 − z) ⊙ n + z ⊙ h        (computed as torch does: (h − n) ⊙ z + n)
 * </pre>
 * Parameters (torch names and shapes, in torch's order): {@code prefix.weight_ih} (3H×I'),
 * {@code prefix.weight_hh} (3H×H), {@code prefix.bias_ih} (3H), {@code prefix.bias_hh} (3H).
 *
 * <p><b>Missing channels.</b> A {@link #masked} cell is the ODE-RNN update of Rubanova et al.
 * (2019): its input is {@code [x ⊙ m, m]} (I' = 2I), with {@code m[j] = 1} for an observed and
 * 0 for a missing channel. A missing channel's value is never read (it may be NaN), so it
 * contributes nothing through the data columns, while the mask columns let the cell learn that
 * the channel was absent. A plain cell (I' = I) is exactly torch's GRUCell, for reproducing
 * torch models.
 *
 * <p>Scratch buffers are sized on first use for a batch size and grow only for a larger batch:
 * forward and VJP allocate nothing after warm-up. Not thread-safe.
 */
public final class GruCell {
    private final Parameters parameters;
    private final int inputSize;
    private final int hiddenSize;
    private final boolean masked;
    private final int cellInputSize;
    private final Linear inputLinear;
    private final Linear hiddenLinear;
    private final String prefix;

    private int capacityRows;
    private double[] cellInput;
    private double[] gi;
    private double[] gh;
    private double[] gates;
    private double[] dgi;
    private double[] dgh;
    private double[] dCellInput;
    private double[] dhLinear;

    /**
     * Declares the four slices under {@code prefix}; a masked cell's {@code weight_ih} is
     * 3H×2I (columns: the I masked values, then the I mask bits).
     */
    public static void declare(Parameters.Builder layout, String prefix, int inputSize, int hiddenSize, boolean masked) {
        int cellInput = masked ? 2 * inputSize : inputSize;
        layout.add(prefix + ".weight_ih", 3 * hiddenSize, cellInput);
        layout.add(prefix + ".weight_hh", 3 * hiddenSize, hiddenSize);
        layout.add(prefix + ".bias_ih", 3 * hiddenSize);
        layout.add(prefix + ".bias_hh", 3 * hiddenSize);
    }

    /** A cell with its own parameters (prefix {@code gru}), initialised like torch from {@code seed}. */
    public static GruCell create(int inputSize, int hiddenSize, boolean masked, long seed) {
        Parameters.Builder layout = Parameters.builder();
        declare(layout, "gru", inputSize, hiddenSize, masked);
        GruCell cell = new GruCell(layout.build(), "gru", inputSize, hiddenSize, masked);
        cell.initialise(new Random(seed));
        return cell;
    }

    /** Binds to the slices under {@code prefix}, checking their shapes. */
    public GruCell(Parameters parameters, String prefix, int inputSize, int hiddenSize, boolean masked) {
        if (inputSize <= 0 || hiddenSize <= 0) {
            throw new IllegalArgumentException("GRU cell '" + prefix + "' needs positive sizes, got input="
                    + inputSize + ", hidden=" + hiddenSize);
        }
        this.parameters = parameters;
        this.prefix = prefix;
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        this.masked = masked;
        this.cellInputSize = masked ? 2 * inputSize : inputSize;
        int h3 = 3 * hiddenSize;
        this.inputLinear = new Linear(parameters, parameters.slice(prefix + ".weight_ih", h3, cellInputSize).offset(),
                parameters.slice(prefix + ".bias_ih", h3).offset(), cellInputSize, h3);
        this.hiddenLinear = new Linear(parameters, parameters.slice(prefix + ".weight_hh", h3, hiddenSize).offset(),
                parameters.slice(prefix + ".bias_hh", h3).offset(), hiddenSize, h3);
    }

    public int inputSize() {
        return inputSize;
    }

    public int hiddenSize() {
        return hiddenSize;
    }

    /** Whether the cell takes a mask (input {@code [x ⊙ m, m]}). */
    public boolean masked() {
        return masked;
    }

    public Parameters parameters() {
        return parameters;
    }

    /**
     * torch's default: every weight and bias uniform in ±1/√H, drawn in the order weight_ih,
     * weight_hh, bias_ih, bias_hh, row-major. Marks the parameters changed.
     */
    public void initialise(Random random) {
        double bound = 1.0 / Math.sqrt(hiddenSize);
        double[] p = parameters.values();
        for (String name : new String[] {"weight_ih", "weight_hh", "bias_ih", "bias_hh"}) {
            Parameters.Slice s = parameters.slice(prefix + "." + name);
            for (int k = 0; k < s.size(); k++) {
                p[s.offset() + k] = (2.0 * random.nextDouble() - 1.0) * bound;
            }
        }
        parameters.markChanged();
    }

    /** Plain cell: {@code hNew = GRU(x, h)}; x is rows×I, h and hNew rows×H (hNew may not alias h). */
    public void forward(double[] x, double[] h, double[] hNew, int rows) {
        requirePlain();
        ensureCapacity(rows);
        gatesForward(x, h, hNew, rows);
    }

    /** Masked cell: {@code hNew = GRU([x ⊙ m, m], h)}; x and mask are rows×I, mask entries 0 or 1. */
    public void forward(double[] x, double[] mask, double[] h, double[] hNew, int rows) {
        requireMasked();
        ensureCapacity(rows);
        assembleMaskedInput(x, mask, rows);
        gatesForward(cellInput, h, hNew, rows);
    }

    /**
     * Plain cell VJP for cotangents gHNew (rows×H) at (x, h): {@code gx} (rows×I) and
     * {@code gh} (rows×H) are overwritten (either may be null to skip it), {@code gTheta} is
     * accumulated in the layout of {@link #parameters()}. Runs the forward pass itself.
     */
    public void vjp(double[] x, double[] h, double[] gHNew, double[] gx, double[] gh, double[] gTheta, int rows) {
        requirePlain();
        ensureCapacity(rows);
        gatesForward(x, h, null, rows);
        gatesBackward(x, h, gHNew, gx, gh, gTheta, rows);
    }

    /**
     * Masked cell VJP: as the plain one, with {@code gx[r,j] = 0} for missing channels (the
     * mask is data, it gets no cotangent).
     */
    public void vjp(double[] x, double[] mask, double[] h, double[] gHNew, double[] gx, double[] gh,
            double[] gTheta, int rows) {
        requireMasked();
        ensureCapacity(rows);
        assembleMaskedInput(x, mask, rows);
        gatesForward(cellInput, h, null, rows);
        gatesBackward(cellInput, h, gHNew, gx == null ? null : dCellInput, gh, gTheta, rows);
        if (gx != null) {
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < inputSize; j++) {
                    // d(x ⊙ m)/dx = m: the data column's cotangent for observed channels, 0 for missing ones
                    gx[r * inputSize + j] = mask[r * inputSize + j] != 0.0 ? dCellInput[r * cellInputSize + j] : 0.0;
                }
            }
        }
    }

    private void assembleMaskedInput(double[] x, double[] mask, int rows) {
        for (int r = 0; r < rows; r++) {
            int xo = r * inputSize;
            int co = r * cellInputSize;
            for (int j = 0; j < inputSize; j++) {
                double m = mask[xo + j];
                if (m != 0.0 && m != 1.0) {
                    throw new IllegalArgumentException("GRU cell '" + prefix + "': mask[row " + r + ", channel " + j
                            + "] = " + m + "; a mask entry must be 1 (observed) or 0 (missing)");
                }
                // select rather than multiply: a missing value may be NaN and NaN·0 is NaN
                cellInput[co + j] = m != 0.0 ? x[xo + j] : 0.0;
                cellInput[co + inputSize + j] = m;
            }
        }
    }

    /** Computes gi, gh, the gates (r, z, n) and, when hNew is not null, the new state. */
    private void gatesForward(double[] in, double[] h, double[] hNew, int rows) {
        int hs = hiddenSize;
        inputLinear.forward(in, gi, rows);
        hiddenLinear.forward(h, gh, rows);
        for (int r = 0; r < rows; r++) {
            int go = r * 3 * hs;
            int ho = r * hs;
            for (int j = 0; j < hs; j++) {
                double rg = Activation.sigmoid(gh[go + j] + gi[go + j]);
                double zg = Activation.sigmoid(gh[go + hs + j] + gi[go + hs + j]);
                double ng = FastTanh.tanh(gi[go + 2 * hs + j] + gh[go + 2 * hs + j] * rg);
                gates[go + j] = rg;
                gates[go + hs + j] = zg;
                gates[go + 2 * hs + j] = ng;
                if (hNew != null) {
                    hNew[ho + j] = (h[ho + j] - ng) * zg + ng;
                }
            }
        }
    }

    private void gatesBackward(double[] in, double[] h, double[] gHNew, double[] gIn, double[] gh, double[] gTheta,
            int rows) {
        int hs = hiddenSize;
        for (int r = 0; r < rows; r++) {
            int go = r * 3 * hs;
            int ho = r * hs;
            for (int j = 0; j < hs; j++) {
                double rg = gates[go + j];
                double zg = gates[go + hs + j];
                double ng = gates[go + 2 * hs + j];
                double a = gHNew[ho + j];
                double dn = a * (1.0 - zg);
                double dz = a * (h[ho + j] - ng);
                double dan = dn * (1.0 - ng * ng);
                double dr = dan * this.gh[go + 2 * hs + j];
                double dar = dr * rg * (1.0 - rg);
                double daz = dz * zg * (1.0 - zg);
                dgi[go + j] = dar;
                dgh[go + j] = dar;
                dgi[go + hs + j] = daz;
                dgh[go + hs + j] = daz;
                dgi[go + 2 * hs + j] = dan;
                dgh[go + 2 * hs + j] = dan * rg;
            }
        }
        inputLinear.backward(in, dgi, gIn, gTheta, rows);
        hiddenLinear.backward(h, dgh, gh == null ? null : dhLinear, gTheta, rows);
        if (gh != null) {
            for (int r = 0; r < rows; r++) {
                int ho = r * hs;
                for (int j = 0; j < hs; j++) {
                    // h reaches h' directly through z ⊙ h and through the three hidden-side gates
                    gh[ho + j] = gHNew[ho + j] * gates[r * 3 * hs + hs + j] + dhLinear[ho + j];
                }
            }
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

    private void ensureCapacity(int rows) {
        if (rows <= capacityRows) {
            return;
        }
        if (rows <= 0) {
            throw new IllegalArgumentException("rows must be positive, got " + rows);
        }
        int h3 = 3 * hiddenSize;
        cellInput = new double[rows * cellInputSize];
        dCellInput = new double[rows * cellInputSize];
        gi = new double[rows * h3];
        gh = new double[rows * h3];
        gates = new double[rows * h3];
        dgi = new double[rows * h3];
        dgh = new double[rows * h3];
        dhLinear = new double[rows * hiddenSize];
        capacityRows = rows;
    }

    @Override
    public String toString() {
        return "GruCell(" + prefix + ", input=" + inputSize + ", hidden=" + hiddenSize + (masked ? ", masked" : "")
                + ")";
    }
}
