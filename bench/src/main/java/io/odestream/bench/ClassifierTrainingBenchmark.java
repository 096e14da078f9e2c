package io.odestream.bench;

import io.odestream.classify.ClassifierTraining;
import io.odestream.classify.DepthClassifier;
import io.odestream.classify.OdeBlock;
import io.odestream.classify.SoftmaxCrossEntropy;
import io.odestream.train.Trainer;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Training throughput of the continuous-depth classifiers against the ResNet at the same parameter
 * budget, in one process, alternated round by round so host load hits them alike: samples/s, the
 * block's NFE per forward and backward pass, and what each holds for its gradient (the adjoint's
 * augmented state, back-propagation's tape, the ResNet's block inputs). The mortality head's shape
 * (H = 32 inputs, width 16, field units 32, batch 64) on a seeded two-class problem.
 *
 * <p>{@code java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar
 * io.odestream.bench.ClassifierTrainingBenchmark [rounds] [iterations]}
 */
public final class ClassifierTrainingBenchmark {
    private static final DepthClassifier.Shape SHAPE = new DepthClassifier.Shape(32, 16, 2);
    private static final int ROWS = 4096;
    private static final int BATCH = 64;

    private ClassifierTrainingBenchmark() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        double[] x = new double[ROWS * SHAPE.inputs()];
        int[] y = new int[ROWS];
        SplittableRandom random = new SplittableRandom(7);
        for (int r = 0; r < ROWS; r++) {
            double norm = 0;
            for (int j = 0; j < SHAPE.inputs(); j++) {
                double v = random.nextGaussian();
                x[r * SHAPE.inputs() + j] = v;
                norm += v * v;
            }
            y[r] = norm > SHAPE.inputs() ? 1 : 0; // a sphere: not linearly separable
        }
        String[] names = {"ODE-Net (adjoint)", "ODE-Net (backprop)", "ANODE +8 (adjoint)", "ResNet (2 blocks)"};
        double[][] samplesPerSecond = new double[names.length][rounds];
        long[] held = new long[names.length];
        double[] forwardNfe = new double[names.length];
        double[] backwardNfe = new double[names.length];
        int[] parameters = new int[names.length];
        for (int round = -1; round < rounds; round++) { // round −1 warms the JIT up
            for (int h = 0; h < names.length; h++) {
                DepthClassifier c = build(h);
                Trainer.Result result = ClassifierTraining.train(c, x, y, SoftmaxCrossEntropy.unweighted(2),
                        new ClassifierTraining.Config(iterations, BATCH, 0.003, 10.0, 1L), Trainer.ProgressListener.silent());
                if (round >= 0) {
                    samplesPerSecond[h][round] = iterations * (double) BATCH / result.seconds();
                    held[h] = 8 * c.block().heldValues();
                    forwardNfe[h] = result.forwardEvaluations() / (double) iterations;
                    backwardNfe[h] = result.backwardEvaluations() / (double) iterations;
                    parameters[h] = c.parameterCount();
                }
            }
        }
        System.out.println("| head | parameters | samples/s (median of " + rounds + " rounds) | vs ResNet | NFE forward / "
                + "backward | held for the gradient |");
        System.out.println("|---|---|---|---|---|---|");
        double resNet = median(samplesPerSecond[names.length - 1]);
        for (int h = 0; h < names.length; h++) {
            double s = median(samplesPerSecond[h]);
            System.out.printf(Locale.ROOT, "| %s | %d | %.0f | %.3f× | %.1f / %.1f | %.1f KiB |%n", names[h],
                    parameters[h], s, s / resNet, forwardNfe[h], backwardNfe[h], held[h] / 1024.0);
        }
    }

    private static DepthClassifier build(int head) {
        return switch (head) {
            case 0 -> DepthClassifier.odeNet(SHAPE, 0, 32, 1e-3, 1e-4, OdeBlock.Gradient.ADJOINT, 1L);
            case 1 -> DepthClassifier.odeNet(SHAPE, 0, 32, 1e-3, 1e-4, OdeBlock.Gradient.BACKPROP, 1L);
            case 2 -> DepthClassifier.odeNet(SHAPE, 8, 32, 1e-3, 1e-4, OdeBlock.Gradient.ADJOINT, 1L);
            default -> DepthClassifier.resNet(SHAPE, 2, DepthClassifier.residualUnitsMatching(SHAPE, 32, 2), 1L);
        };
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s[s.length / 2];
    }
}
