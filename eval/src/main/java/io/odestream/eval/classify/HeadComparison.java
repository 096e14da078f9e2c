package io.odestream.eval.classify;

import com.sun.management.ThreadMXBean;
import io.odestream.classify.ClassifierTraining;
import io.odestream.classify.DepthClassifier;
import io.odestream.classify.SoftmaxCrossEntropy;
import io.odestream.eval.TaggedProgress;
import io.odestream.train.Trainer;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;

/**
 * Trains one classifier head on features and measures it: test probabilities, parameters, training
 * time and throughput, the bytes a training iteration allocates (the thread's allocation counter:
 * the adjoint keeps O(1) of the solve, back-propagation its tape, the ResNet its K activations), and
 * the NFE of its block per forward and backward pass (averaged over training, and on the test rows).
 */
public final class HeadComparison {
    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

    /**
     * @param probabilities      test rows × K
     * @param allocatedPerIteration bytes allocated per training iteration (mean)
     * @param forwardNfe         mean block evaluations per training forward pass
     * @param backwardNfe        mean block evaluations per training backward pass
     * @param testNfe            block evaluations of the forward pass over all test rows at once
     * @param heldBytes          what the block held for the gradient in the last training iteration
     *                           ({@link io.odestream.classify.DepthBlock#heldValues()}, 8 bytes each)
     */
    public record Head(String name, String description, int parameters, double[] probabilities, double trainSeconds,
                       double samplesPerSecond, double allocatedPerIteration, double forwardNfe, double backwardNfe,
                       long testNfe, long heldBytes, double finalLoss) {
    }

    private HeadComparison() {
    }

    /** Trains {@code classifier} on (trainX, trainY) and scores testX. */
    public static Head run(String name, DepthClassifier classifier, double[] trainX, int[] trainY, double[] testX,
                           SoftmaxCrossEntropy loss, ClassifierTraining.Config config, PrintStream progress,
                           int every) {
        long thread = Thread.currentThread().getId();
        long bytesBefore = THREADS.getThreadAllocatedBytes(thread);
        Trainer.Result result = ClassifierTraining.train(classifier, trainX, trainY, loss, config,
                TaggedProgress.of(progress, name, every, new int[1]));
        long bytes = THREADS.getThreadAllocatedBytes(thread) - bytesBefore;
        long held = 8 * classifier.block().heldValues();
        int testRows = testX.length / classifier.shape().inputs();
        double[] p = classifier.probabilities(testX, testRows);
        long testNfe = classifier.block().forwardEvaluations();
        int iterations = config.iterations();
        return new Head(name, classifier.description(), classifier.parameterCount(), p, result.seconds(),
                (double) iterations * config.batch() / result.seconds(), (double) bytes / iterations,
                (double) result.forwardEvaluations() / iterations, (double) result.backwardEvaluations() / iterations,
                testNfe, held, result.finalLoss());
    }

    /** A byte count for a table: KiB or MiB. */
    public static String bytes(double b) {
        return b >= 1 << 20 ? String.format(java.util.Locale.ROOT, "%.1f MiB", b / (1 << 20))
                : String.format(java.util.Locale.ROOT, "%.0f KiB", b / 1024);
    }

    /** Column {@code k} of rows × K probabilities. */
    public static double[] column(double[] probabilities, int classes, int k) {
        double[] out = new double[probabilities.length / classes];
        for (int r = 0; r < out.length; r++) {
            out[r] = probabilities[r * classes + k];
        }
        return out;
    }
}
