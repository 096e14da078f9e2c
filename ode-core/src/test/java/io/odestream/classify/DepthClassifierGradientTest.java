package io.odestream.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Gradients of the classifiers' cross-entropy with respect to every parameter (projection, block,
 * readout): the ODE-Net's and ANODE's by the adjoint, by back-propagation through the solver and by
 * central finite differences of the loss; the ResNet's by back-propagation and finite differences.
 * The solves run at 1e-12 tolerances, so the solution (and the loss) is a smooth function of θ to
 * ~1e-12 and a central difference with step 1e-4 is good to ~1e-8.
 */
class DepthClassifierGradientTest {
    private static final DepthClassifier.Shape SHAPE = new DepthClassifier.Shape(3, 4, 3);
    private static final int ROWS = 5;
    private static final double TIGHT = 1e-12;
    private static final double STEP = 1e-4;

    @Test
    void odeNetAdjointEqualsBackpropagationAndFiniteDifferences() {
        checkOdeBlockGradients(0);
    }

    @Test
    void augmentedOdeNetAdjointEqualsBackpropagationAndFiniteDifferences() {
        checkOdeBlockGradients(2);
    }

    @Test
    void resNetBackpropagationEqualsFiniteDifferences() {
        DepthClassifier resNet = DepthClassifier.resNet(SHAPE, 3, 6, 4L);
        double[] x = inputs(new Random(9));
        int[] y = labels(new Random(10));
        double[] analytic = gradient(resNet, x, y);
        double[] numeric = finiteDifferences(resNet, x, y);
        assertClose(numeric, analytic, 1e-7, "ResNet backprop vs finite differences");
    }

    private static void checkOdeBlockGradients(int augment) {
        DepthClassifier byAdjoint = DepthClassifier.odeNet(SHAPE, augment, 8, TIGHT, TIGHT, OdeBlock.Gradient.ADJOINT, 3L);
        DepthClassifier byBackprop = DepthClassifier.odeNet(SHAPE, augment, 8, TIGHT, TIGHT, OdeBlock.Gradient.BACKPROP,
                3L);
        double[] x = inputs(new Random(7));
        int[] y = labels(new Random(8));
        double[] adjoint = gradient(byAdjoint, x, y);
        double[] backprop = gradient(byBackprop, x, y);
        double[] numeric = finiteDifferences(byBackprop, x, y);
        String what = augment == 0 ? "ODE-Net" : "ANODE";
        // Two discretisations of the same gradient at 1e-12 tolerances: far below 1e-8 apart.
        assertClose(backprop, adjoint, 1e-8, what + " adjoint vs backprop");
        assertClose(numeric, backprop, 1e-6, what + " backprop vs finite differences");
        assertClose(numeric, adjoint, 1e-6, what + " adjoint vs finite differences");
    }

    private static double[] gradient(DepthClassifier c, double[] x, int[] y) {
        double[] g = new double[c.parameterCount()];
        c.lossAndGradient(x, y, 0, ROWS, SoftmaxCrossEntropy.unweighted(SHAPE.classes()), g);
        return g;
    }

    private static double[] finiteDifferences(DepthClassifier c, double[] x, int[] y) {
        double[] theta = c.parameters();
        double[] g = new double[theta.length];
        double[] scratch = new double[theta.length];
        SoftmaxCrossEntropy loss = SoftmaxCrossEntropy.unweighted(SHAPE.classes());
        for (int i = 0; i < theta.length; i++) {
            double saved = theta[i];
            theta[i] = saved + STEP;
            c.parametersChanged();
            double up = c.lossAndGradient(x, y, 0, ROWS, loss, scratch);
            theta[i] = saved - STEP;
            c.parametersChanged();
            double down = c.lossAndGradient(x, y, 0, ROWS, loss, scratch);
            theta[i] = saved;
            c.parametersChanged();
            g[i] = (up - down) / (2 * STEP);
        }
        return g;
    }

    private static double[] inputs(Random random) {
        double[] x = new double[ROWS * SHAPE.inputs()];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextGaussian();
        }
        return x;
    }

    private static int[] labels(Random random) {
        int[] y = new int[ROWS];
        for (int r = 0; r < ROWS; r++) {
            y[r] = random.nextInt(SHAPE.classes());
        }
        return y;
    }

    private static void assertClose(double[] expected, double[] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length, what + ": lengths");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tolerance * Math.max(1, Math.abs(expected[i])),
                    what + ": parameter " + i);
        }
    }
}
