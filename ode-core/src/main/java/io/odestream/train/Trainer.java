package io.odestream.train;

import java.util.Arrays;
import java.util.Locale;

/**
 * The training loop over a flat parameter vector: evaluate loss and gradient, clip, step, report.
 * Deterministic on one thread: the objective decides what data an iteration sees (seed it).
 * Stops early, leaving the parameters at their last finite values, when the loss or the gradient
 * stops being finite.
 */
public final class Trainer {

    /** One iteration's loss and gradient at the current parameters. */
    @FunctionalInterface
    public interface Objective {
        /**
         * @param iteration counted from 0
         * @param gradient  zeroed by the trainer; the objective writes dLoss/dθ into it
         */
        Evaluation evaluate(int iteration, double[] gradient);
    }

    /**
     * @param loss                the loss
     * @param forwardEvaluations  vector-field evaluations of the forward solve(s)
     * @param backwardEvaluations evaluations (or vector–Jacobian products) of the backward pass
     */
    public record Evaluation(double loss, long forwardEvaluations, long backwardEvaluations) {
    }

    /** What the command-line user sees while it runs. */
    public record Progress(int iteration, int iterations, double loss, double gradientNorm, long forwardEvaluations,
                           long backwardEvaluations, double iterationsPerSecond, double learningRate) {
        public String line() {
            return String.format(Locale.ROOT, "iter %d/%d  loss %.6g  |grad| %.3e  NFE fwd %d bwd %d  %.1f it/s  lr %.2e",
                    iteration + 1, iterations, loss, gradientNorm, forwardEvaluations, backwardEvaluations,
                    iterationsPerSecond, learningRate);
        }
    }

    @FunctionalInterface
    public interface ProgressListener {
        void report(Progress progress);

        /** Hands a progress line to {@code sink} every {@code every} iterations (and at the last). */
        static ProgressListener printing(java.util.function.Consumer<String> sink, int every) {
            return p -> {
                if ((p.iteration() + 1) % every == 0 || p.iteration() + 1 == p.iterations()) {
                    sink.accept(p.line());
                }
            };
        }

        static ProgressListener silent() {
            return p -> { };
        }
    }

    /**
     * @param iterations      iterations to run
     * @param optimizer       updates the parameters
     * @param schedule        learning rate per iteration
     * @param maxGradientNorm clip gradients above this norm (+∞: no clipping)
     * @param listener        progress reports, one per iteration
     */
    public record Config(int iterations, Optimizer optimizer, LearningRateSchedule schedule, double maxGradientNorm,
                         ProgressListener listener) {
        public Config {
            if (iterations < 1) {
                throw new IllegalArgumentException("iterations must be >= 1, got " + iterations);
            }
            if (optimizer == null || schedule == null || listener == null) {
                throw new IllegalArgumentException("optimizer, schedule and listener are required");
            }
            if (!(maxGradientNorm > 0)) {
                throw new IllegalArgumentException("maxGradientNorm must be > 0 (use +Infinity for none), got "
                        + maxGradientNorm);
            }
        }
    }

    /** Loss per iteration (before that iteration's update) and totals. */
    public record Result(double[] losses, long forwardEvaluations, long backwardEvaluations, double seconds) {
        public double finalLoss() {
            return losses[losses.length - 1];
        }
    }

    private final Config config;

    public Trainer(Config config) {
        this.config = config;
    }

    public Result train(double[] parameters, Objective objective) {
        double[] gradient = new double[parameters.length];
        double[] losses = new double[config.iterations()];
        long forward = 0;
        long backward = 0;
        long start = System.nanoTime();
        for (int it = 0; it < config.iterations(); it++) {
            Arrays.fill(gradient, 0.0);
            Evaluation e = objective.evaluate(it, gradient);
            double norm = GradientClipping.clipByNorm(gradient, config.maxGradientNorm());
            if (!Double.isFinite(e.loss()) || !Double.isFinite(norm)) {
                throw new TrainingDivergedException(it, e.loss(), norm);
            }
            double rate = config.schedule().at(it);
            config.optimizer().step(parameters, gradient, rate);
            losses[it] = e.loss();
            forward += e.forwardEvaluations();
            backward += e.backwardEvaluations();
            double seconds = (System.nanoTime() - start) / 1e9;
            config.listener().report(new Progress(it, config.iterations(), e.loss(), norm, e.forwardEvaluations(),
                    e.backwardEvaluations(), (it + 1) / Math.max(seconds, 1e-9), rate));
        }
        return new Result(losses, forward, backward, (System.nanoTime() - start) / 1e9);
    }
}
