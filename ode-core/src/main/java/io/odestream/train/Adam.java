package io.odestream.train;

/**
 * Adam (Kingma &amp; Ba 2015, Algorithm 1) with bias correction, as torch.optim.Adam computes it:
 * {@code θ ← θ − lr · m̂ / (sqrt(v̂) + ε)}.
 */
public final class Adam implements Optimizer {
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private double[] m;
    private double[] v;
    private long t;

    public Adam(double beta1, double beta2, double epsilon) {
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(epsilon > 0)) {
            throw new IllegalArgumentException("Adam needs 0 <= beta1, beta2 < 1 and epsilon > 0; got " + beta1 + ", "
                    + beta2 + ", " + epsilon);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
    }

    /** The paper's (and torch's) defaults: β1 = 0.9, β2 = 0.999, ε = 1e-8. */
    public static Adam defaults() {
        return new Adam(0.9, 0.999, 1e-8);
    }

    @Override
    public void step(double[] parameters, double[] gradient, double learningRate) {
        if (m == null || m.length != parameters.length) {
            m = new double[parameters.length];
            v = new double[parameters.length];
            t = 0;
        }
        t++;
        double correction1 = 1 - Math.pow(beta1, t);
        double correction2 = 1 - Math.pow(beta2, t);
        double stepSize = learningRate / correction1;
        double sqrtCorrection2 = Math.sqrt(correction2);
        for (int i = 0; i < parameters.length; i++) {
            double g = gradient[i];
            m[i] = beta1 * m[i] + (1 - beta1) * g;
            v[i] = beta2 * v[i] + (1 - beta2) * g * g;
            parameters[i] -= stepSize * m[i] / (Math.sqrt(v[i]) / sqrtCorrection2 + epsilon);
        }
    }

    @Override
    public void reset() {
        m = null;
        v = null;
        t = 0;
    }
}
