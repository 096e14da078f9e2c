package io.odestream.train;

/** Updates a flat parameter vector in place from its gradient. */
public interface Optimizer {

    /**
     * One update: {@code parameters ← parameters − step(gradient)} at the given learning rate.
     * Deterministic: the same gradients in the same order give bit-identical parameters.
     */
    void step(double[] parameters, double[] gradient, double learningRate);

    /** Forgets accumulated state (moments, momentum), e.g. before fine-tuning from new parameters. */
    void reset();
}
