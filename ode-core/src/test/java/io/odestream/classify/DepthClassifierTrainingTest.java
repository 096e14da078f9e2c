package io.odestream.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.train.Trainer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The classifiers learn: Dupont et al.'s concentric classes (inner disc r &lt; 0.5 against the ring
 * 1 &lt; r &lt; 1.5, in 2-D, which no linear readout separates), trained by the adjoint (ODE-Net,
 * ANODE) and by back-propagation (ResNet), each classify held-out points; and the ResNet matched to
 * the ODE-Net's budget has about its number of parameters.
 */
class DepthClassifierTrainingTest {
    private static final DepthClassifier.Shape SHAPE = new DepthClassifier.Shape(2, 4, 2);
    private static final ClassifierTraining.Config CONFIG = new ClassifierTraining.Config(300, 32, 0.03,
            Double.POSITIVE_INFINITY, 5L);

    @Test
    void odeNetClassifiesConcentricClasses() {
        assertLearns(DepthClassifier.odeNet(SHAPE, 0, 16, 1e-3, 1e-4, OdeBlock.Gradient.ADJOINT, 1L));
    }

    @Test
    void augmentedOdeNetClassifiesConcentricClasses() {
        assertLearns(DepthClassifier.odeNet(SHAPE, 2, 16, 1e-3, 1e-4, OdeBlock.Gradient.ADJOINT, 1L));
    }

    @Test
    void resNetClassifiesConcentricClasses() {
        assertLearns(DepthClassifier.resNet(SHAPE, 2, DepthClassifier.residualUnitsMatching(SHAPE, 16, 2), 1L));
    }

    @Test
    void theMatchedResNetHasTheOdeNetsParameterBudget() {
        DepthClassifier.Shape shape = new DepthClassifier.Shape(32, 16, 2);
        int odeNet = DepthClassifier.odeNet(shape, 0, 32, 1e-3, 1e-4, OdeBlock.Gradient.ADJOINT, 1L).parameterCount();
        for (int blocks = 1; blocks <= 4; blocks++) {
            int units = DepthClassifier.residualUnitsMatching(shape, 32, blocks);
            int resNet = DepthClassifier.resNet(shape, blocks, units, 1L).parameterCount();
            // One hidden unit more or less moves K blocks by K·(2d + 1) parameters: within half of that.
            assertTrue(Math.abs(resNet - odeNet) <= blocks * (2 * 16 + 1) / 2 + blocks * 16,
                    blocks + " blocks of " + units + ": " + resNet + " parameters vs the ODE-Net's " + odeNet);
        }
        // Projection 32·16 + 16, field 17·32 + 32 + 32·16 + 16, readout 16·2 + 2.
        assertEquals(528 + 1104 + 34, odeNet);
    }

    private static void assertLearns(DepthClassifier classifier) {
        Random random = new Random(2);
        int n = 400;
        double[] x = new double[n * 2];
        int[] y = new int[n];
        rings(random, x, y, n);
        Trainer.Result result = ClassifierTraining.train(classifier, x, y, SoftmaxCrossEntropy.unweighted(2), CONFIG,
                Trainer.ProgressListener.silent());
        double[] heldOutX = new double[n * 2];
        int[] heldOutY = new int[n];
        rings(new Random(3), heldOutX, heldOutY, n);
        double[] p = classifier.probabilities(heldOutX, n);
        int right = 0;
        for (int r = 0; r < n; r++) {
            int predicted = p[2 * r + 1] > 0.5 ? 1 : 0;
            right += predicted == heldOutY[r] ? 1 : 0;
        }
        double accuracy = right / (double) n;
        assertTrue(accuracy >= 0.95, classifier.description() + ": held-out accuracy " + accuracy + ", final loss "
                + result.finalLoss());
    }

    private static void rings(Random random, double[] x, int[] y, int n) {
        for (int r = 0; r < n; r++) {
            boolean outer = random.nextBoolean();
            double radius = outer ? 1.0 + 0.5 * random.nextDouble() : 0.5 * random.nextDouble();
            double angle = 2 * Math.PI * random.nextDouble();
            x[2 * r] = radius * Math.cos(angle);
            x[2 * r + 1] = radius * Math.sin(angle);
            y[r] = outer ? 1 : 0;
        }
    }
}
