package io.odestream.train;

/** Stochastic gradient descent with optional (heavy-ball) momentum. */
public final class Sgd implements Optimizer {
    private final double momentum;
    private double[] velocity;

    public Sgd(double momentum) {
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        this.momentum = momentum;
    }

    public static Sgd plain() {
        return new Sgd(0.0);
    }

    @Override
    public void step(double[] parameters, double[] gradient, double learningRate) {
        if (momentum == 0.0) {
            for (int i = 0; i < parameters.length; i++) {
                parameters[i] -= learningRate * gradient[i];
            }
            return;
        }
        if (velocity == null || velocity.length != parameters.length) {
            velocity = new double[parameters.length];
        }
        for (int i = 0; i < parameters.length; i++) {
            velocity[i] = momentum * velocity[i] + gradient[i];
            parameters[i] -= learningRate * velocity[i];
        }
    }

    @Override
    public void reset() {
        velocity = null;
    }
}
