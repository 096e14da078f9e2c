package io.odestream.latent;

import io.odestream.latent.LatentOdeTraining.Series;
import io.odestream.train.Adam;
import io.odestream.train.LearningRateSchedule;
import io.odestream.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Trains a latent ODE the way Rubanova et al. 2019 train theirs on PhysioNet (their §4.2 and code):
 * whole sequences, the encoder reading each one backwards into z₀ at its first observation
 * ({@link LatentOdeElbo#evaluateFromStart}), and one of their two objectives:
 * <ul>
 *   <li>{@link Objective#RECONSTRUCTION} (their interpolation): read every observation, score every
 *       observed value;</li>
 *   <li>{@link Objective#EXTRAPOLATION}: read the observations before the cut-off, score those
 *       after it (a sequence without both is skipped).</li>
 * </ul>
 * The KL weight is annealed as in their code: 0 for the first {@value #KL_WAIT} iterations, then
 * {@code 1 − 0.99^(iteration − KL_WAIT)}, so the decoder learns to reconstruct before the prior
 * pulls the posterior in. Minibatches of whole sequences drawn with replacement; each sequence is
 * its own ELBO evaluation (sequences differ in length; a padded batch would feed the GRU empty
 * observations), the gradient the mean over the minibatch. Not the served path: the job's filter
 * reads forward and causally; this is for {@code odestream eval physionet --paper-protocol}.
 */
public final class FromStartTraining {

    /** Their objectives for one trained model. */
    public enum Objective { RECONSTRUCTION, EXTRAPOLATION }

    /** Iterations before the KL term starts to count (their {@code wait_until_kl_inc}). */
    static final int KL_WAIT = 10;

    /**
     * @param batchSize    sequences per iteration
     * @param iterations   Adam iterations
     * @param learningRate initial rate (decays tenfold over the run, as {@link LatentOdeTraining})
     * @param objective    what is read and what is scored
     * @param cutoffMillis the extrapolation cut-off, time since the sequence's origin (ms); unused for
     *                     reconstruction
     * @param seed         minibatches and noise
     * @param encoderStep  the encoder's fixed Euler step in model time, as their code solves it; 0: the
     *                     model's own adaptive solver
     * @param trainedBefore iterations the model was trained before this run (a warm start): the KL
     *                     weight's annealing goes on from there instead of starting again at 0, which
     *                     would let a trained posterior drift from the prior for another few hundred
     *                     iterations
     */
    public record Config(int batchSize, int iterations, double learningRate, Objective objective, long cutoffMillis,
                         long seed, double encoderStep, int trainedBefore) {
        public Config {
            if (batchSize < 1 || iterations < 1 || !(learningRate > 0) || !(encoderStep >= 0) || trainedBefore < 0) {
                throw new IllegalArgumentException("batch size and iterations must be >= 1, the rate > 0, the "
                        + "encoder step and the iterations trained before >= 0");
            }
        }

        /** A run from a freshly initialised model. */
        public Config(int batchSize, int iterations, double learningRate, Objective objective, long cutoffMillis,
                      long seed, double encoderStep) {
            this(batchSize, iterations, learningRate, objective, cutoffMillis, seed, encoderStep, 0);
        }
    }

    /** The ELBO with the encoder solved as {@code encoderStep} says (see {@link Config}). */
    public static LatentOdeElbo elbo(LatentOdeModel model, double klWeight, double encoderStep) {
        return encoderStep > 0
                ? new LatentOdeElbo(model, klWeight, io.odestream.ode.rk.Euler.TABLEAU,
                        io.odestream.ode.control.StepControl.fixed(encoderStep))
                : new LatentOdeElbo(model, klWeight);
    }

    private FromStartTraining() {
    }

    /** The KL weight at {@code iteration} (0-based). */
    static double klWeight(int iteration) {
        return iteration < KL_WAIT ? 0 : 1 - Math.pow(0.99, iteration - KL_WAIT);
    }

    public static Trainer.Result train(LatentOdeModel model, List<Series> data, Config config,
                                       Trainer.ProgressListener listener) {
        List<LatentOdeElbo.Sequences> usable = new ArrayList<>();
        for (Series s : data) {
            LatentOdeElbo.Sequences one = sequenceOf(model.spec(), s, config);
            if (one != null) {
                usable.add(one);
            }
        }
        if (usable.isEmpty()) {
            throw new IllegalArgumentException("no sequence has observations to read and to score for "
                    + config.objective());
        }
        SplittableRandom random = new SplittableRandom(config.seed());
        double[] scratch = new double[model.parameters().size()];
        Trainer trainer = new Trainer(new Trainer.Config(config.iterations(), Adam.defaults(),
                LearningRateSchedule.exponential(config.learningRate(), 0.1, config.iterations()), 10.0, listener));
        return trainer.train(model.parameters().values(), (iteration, gradient) -> {
            model.parametersChanged();
            LatentOdeElbo elbo = elbo(model, klWeight(config.trainedBefore() + iteration), config.encoderStep());
            java.util.Arrays.fill(scratch, 0);
            double loss = 0;
            long forward = 0;
            long backward = 0;
            for (int b = 0; b < config.batchSize(); b++) {
                LatentOdeElbo.Result r = elbo.evaluateFromStart(usable.get(random.nextInt(usable.size())),
                        random.nextLong(), scratch);
                loss += r.loss();
                forward += r.forwardEvaluations();
                backward += r.backwardEvaluations();
            }
            for (int i = 0; i < gradient.length; i++) {
                gradient[i] += scratch[i] / config.batchSize();
            }
            return new Trainer.Evaluation(loss / config.batchSize(), forward, backward);
        });
    }

    /**
     * One series as a single-row {@link LatentOdeElbo.Sequences}: times in model units since its
     * first observation, values normalised with the spec's mean and std, mask 1 where observed; null
     * when the objective has nothing to read or nothing to score in it.
     */
    public static LatentOdeElbo.Sequences sequenceOf(LatentOdeSpec spec, Series s, Config config) {
        long[] t = s.timesMillis();
        int n = t.length;
        if (n == 0) {
            return null;
        }
        int read = n;
        int scoredFrom = 0;
        if (config.objective() == Objective.EXTRAPOLATION) {
            int before = 0;
            while (before < n && t[before] < config.cutoffMillis()) {
                before++;
            }
            if (before == 0 || before == n) {
                return null;
            }
            read = before;
            scoredFrom = before;
        }
        int c = spec.channels();
        double[][] times = new double[1][n];
        double[][][] values = new double[1][n][c];
        double[][][] mask = new double[1][n][c];
        for (int k = 0; k < n; k++) {
            times[0][k] = (t[k] - t[0]) / spec.timeUnitMillis();
            for (int j = 0; j < c; j++) {
                double v = s.values()[k][j];
                boolean observed = Double.isFinite(v);
                mask[0][k][j] = observed ? 1 : 0;
                values[0][k][j] = observed ? (v - spec.mean(j)) / spec.std(j) : 0;
            }
        }
        return new LatentOdeElbo.Sequences(times, values, mask, read, scoredFrom);
    }
}
