package io.odestream.classify;

import io.odestream.nn.Mlp;

/**
 * The discrete baseline: {@code h_{k+1} = h_k + mlp_k(h_k)} for k = 0..K−1 (He et al. 2016), each
 * block its own MLP. Back-propagation keeps every h_k: memory O(K) in depth.
 */
public final class ResidualBlocks implements DepthBlock {
    private final Mlp[] blocks;
    private final int dimension;
    private double[][] states;
    private double[] step;
    private double[] cotangent;
    private double[] blockGrad;
    private int capacityRows;
    private int lastRows;

    /** Every block maps D to D. */
    public ResidualBlocks(Mlp[] blocks) {
        if (blocks.length == 0) {
            throw new IllegalArgumentException("a ResNet needs at least one block");
        }
        this.dimension = blocks[0].inputSize();
        for (Mlp b : blocks) {
            if (b.inputSize() != dimension || b.outputSize() != dimension) {
                throw new IllegalArgumentException("every residual block must map " + dimension + " to " + dimension
                        + " values, got " + b.spec());
            }
        }
        this.blocks = blocks.clone();
    }

    public int depth() {
        return blocks.length;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public void forward(double[] in, double[] out, int rows) {
        ensureCapacity(rows);
        lastRows = rows;
        int n = rows * dimension;
        System.arraycopy(in, 0, states[0], 0, n);
        for (int k = 0; k < blocks.length; k++) {
            blocks[k].forward(states[k], step, rows);
            double[] from = states[k];
            double[] to = states[k + 1];
            for (int i = 0; i < n; i++) {
                to[i] = from[i] + step[i];
            }
        }
        System.arraycopy(states[blocks.length], 0, out, 0, n);
    }

    @Override
    public void backward(double[] gOut, double[] gIn, double[] gTheta, int rows) {
        int n = rows * dimension;
        System.arraycopy(gOut, 0, cotangent, 0, n);
        for (int k = blocks.length - 1; k >= 0; k--) {
            blocks[k].vjp(states[k], cotangent, blockGrad, gTheta, rows);
            for (int i = 0; i < n; i++) {
                cotangent[i] += blockGrad[i];
            }
        }
        System.arraycopy(cotangent, 0, gIn, 0, n);
    }

    @Override
    public long forwardEvaluations() {
        return blocks.length;
    }

    @Override
    public long backwardEvaluations() {
        return blocks.length;
    }

    /** Every block's input h_0 .. h_K (the MLPs recompute their hidden layers in the backward pass). */
    @Override
    public long heldValues() {
        return (long) (blocks.length + 1) * lastRows * dimension;
    }

    private void ensureCapacity(int rows) {
        if (rows <= capacityRows) {
            return;
        }
        int n = rows * dimension;
        states = new double[blocks.length + 1][n];
        step = new double[n];
        cotangent = new double[n];
        blockGrad = new double[n];
        capacityRows = rows;
    }
}
