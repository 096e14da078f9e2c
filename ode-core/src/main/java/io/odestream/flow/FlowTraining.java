package io.odestream.flow;

import io.odestream.ode.Solution;
import io.odestream.ode.adjoint.AdjointMethod;
import io.odestream.ode.adjoint.Gradients;
import io.odestream.train.GradientClipping;
import io.odestream.train.Optimizer;
import java.util.SplittableRandom;

/**
 * Maximum-likelihood training of a {@link ContinuousFlow} with adjoint gradients (Chen et al. 2018,
 * Alg. 1) over the augmented state [z, ℓ, c, ε]: the loss of a mini-batch is
 * <pre>
 *   L = (1/N) Σ_r −log p(x_r | c_r) = (1/N) Σ_r ( ½|z_r(1)|² + (D/2)·log 2π + ℓ_r(1) )
 * </pre>
 * so its cotangent at t = 1 is {@code z_r(1)/N} on z, {@code 1/N} on ℓ and 0 on the constants; the
 * backward solve uses the forward solve's method and step control. Gradients are clipped by norm
 * before the optimiser's step, because an unlucky batch early on can send the dynamics stiff.
 */
public final class FlowTraining {
    private final ContinuousFlow flow;
    private final AdjointMethod adjoint;
    private final Optimizer optimizer;
    private final double learningRate;
    private final double maxGradientNorm;

    public FlowTraining(ContinuousFlow flow, Optimizer optimizer, double learningRate, double maxGradientNorm) {
        if (!(learningRate > 0) || !(maxGradientNorm > 0)) {
            throw new IllegalArgumentException("learning rate and gradient clip must be > 0; got " + learningRate
                    + ", " + maxGradientNorm);
        }
        this.flow = flow;
        this.adjoint = new AdjointMethod(flow.solver().method(), flow.solver().control(), false);
        this.optimizer = optimizer;
        this.learningRate = learningRate;
        this.maxGradientNorm = maxGradientNorm;
    }

    /** One optimiser step on a mini-batch; returns the batch's mean negative log-likelihood before it. */
    public double step(double[] x, double[] context, int rows, SplittableRandom noise) {
        LossAndGradient result = lossAndGradient(flow, adjoint, x, context, rows, noise);
        double[] gradient = result.gradient();
        if (!Double.isFinite(result.loss()) || !Double.isFinite(GradientClipping.norm(gradient))) {
            throw new IllegalStateException("the flow's loss or gradient is not finite (loss " + result.loss()
                    + "); lower the learning rate");
        }
        GradientClipping.clipByNorm(gradient, maxGradientNorm);
        optimizer.step(flow.field().parameters(), gradient, learningRate);
        flow.field().parametersChanged();
        return result.loss();
    }

    /**
     * Trains for {@code iterations} steps on mini-batches of {@code batch} points drawn uniformly
     * (with replacement) from the {@code count} points of {@code data}; calls {@code progress} with
     * each step's loss.
     */
    public void fit(double[] data, double[] context, int count, int iterations, int batch, long seed,
            StepListener progress) {
        int d = flow.field().dataDimension();
        int c = flow.field().contextSize();
        SplittableRandom random = new SplittableRandom(seed);
        double[] x = new double[batch * d];
        double[] cx = new double[batch * c];
        for (int it = 0; it < iterations; it++) {
            for (int r = 0; r < batch; r++) {
                int pick = random.nextInt(count);
                System.arraycopy(data, pick * d, x, r * d, d);
                if (c > 0) {
                    System.arraycopy(context, pick * c, cx, r * c, c);
                }
            }
            double loss = step(x, cx, batch, random);
            progress.afterStep(it, loss);
        }
    }

    /** The mean NLL of a batch and its gradient in θ by the adjoint method. */
    static LossAndGradient lossAndGradient(ContinuousFlow flow, AdjointMethod adjoint, double[] x, double[] context,
            int rows, SplittableRandom noise) {
        Solution forward = flow.forward(x, context, rows, noise);
        double[][] cotangents = cotangents(flow.field(), forward, rows);
        Gradients gradients = adjoint.gradients(flow.field(), forward, 0.0, cotangents);
        return new LossAndGradient(meanNll(flow.field(), forward, rows), gradients.parameters());
    }

    /** dL/d(row at t = 1) for the mean NLL, {@code [row][component]}: z/N on z, 1/N on ℓ, 0 elsewhere. */
    static double[][] cotangents(CnfField field, Solution forward, int rows) {
        int width = field.dimension();
        int d = field.dataDimension();
        double[] end = forward.state(0);
        double[][] cotangents = new double[rows][width];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < d; i++) {
                cotangents[r][i] = end[r * width + i] / rows;
            }
            cotangents[r][d] = 1.0 / rows;
        }
        return cotangents;
    }

    static double meanNll(CnfField field, Solution forward, int rows) {
        int width = field.dimension();
        int d = field.dataDimension();
        double[] end = forward.state(0);
        double sum = 0;
        for (int r = 0; r < rows; r++) {
            sum += end[r * width + d] - ContinuousFlow.logStandardNormal(end, r * width, d);
        }
        return sum / rows;
    }

    /** A batch loss and its parameter gradient. */
    record LossAndGradient(double loss, double[] gradient) {
    }

    /** Told the loss after every training step. */
    @FunctionalInterface
    public interface StepListener {
        void afterStep(int iteration, double loss);
    }
}
