package io.odestream.classify;

import io.odestream.train.Adam;
import io.odestream.train.LearningRateSchedule;
import io.odestream.train.Trainer;
import java.util.SplittableRandom;

/**
 * Minibatch Adam on a {@link DepthClassifier}'s cross-entropy, through the project's {@link Trainer}:
 * each iteration draws {@code batch} rows with replacement from a seeded stream, so a run is
 * reproducible and the same seed shows two classifiers the same minibatches.
 */
public final class ClassifierTraining {

    /**
     * @param iterations    Adam iterations
     * @param batch         rows per iteration
     * @param learningRate  Adam's rate (constant)
     * @param maxGradNorm   clipping threshold (+∞: none)
     * @param seed          the minibatch stream
     */
    public record Config(int iterations, int batch, double learningRate, double maxGradNorm, long seed) {
        public Config {
            if (iterations < 1 || batch < 1 || !(learningRate > 0) || !(maxGradNorm > 0)) {
                throw new IllegalArgumentException("iterations and batch must be >= 1, learningRate and maxGradNorm "
                        + "> 0; got " + iterations + ", " + batch + ", " + learningRate + ", " + maxGradNorm);
            }
        }
    }

    private ClassifierTraining() {
    }

    /**
     * @param x      rows × N features, row-major
     * @param labels the class of each row
     */
    public static Trainer.Result train(DepthClassifier classifier, double[] x, int[] labels, SoftmaxCrossEntropy loss,
                                       Config config, Trainer.ProgressListener listener) {
        int n = classifier.shape().inputs();
        int rows = labels.length;
        if (rows == 0 || x.length != rows * n) {
            throw new IllegalArgumentException("need rows × " + n + " features for " + rows + " labels, got "
                    + x.length + " values");
        }
        double[] batchX = new double[config.batch() * n];
        int[] batchY = new int[config.batch()];
        SplittableRandom random = new SplittableRandom(config.seed());
        Trainer trainer = new Trainer(new Trainer.Config(config.iterations(), Adam.defaults(),
                LearningRateSchedule.constant(config.learningRate()), config.maxGradNorm(), listener));
        return trainer.train(classifier.parameters(), (iteration, gradient) -> {
            classifier.parametersChanged();
            for (int b = 0; b < batchY.length; b++) {
                int row = random.nextInt(rows);
                System.arraycopy(x, row * n, batchX, b * n, n);
                batchY[b] = labels[row];
            }
            double value = classifier.lossAndGradient(batchX, batchY, 0, batchY.length, loss, gradient);
            return new Trainer.Evaluation(value, classifier.block().forwardEvaluations(),
                    classifier.block().backwardEvaluations());
        });
    }
}
