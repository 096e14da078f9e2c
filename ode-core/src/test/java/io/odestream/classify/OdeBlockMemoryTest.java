package io.odestream.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What a gradient holds: the adjoint's state does not depend on how many steps the solve took,
 * back-propagation's tape grows with them; tighter tolerances take more steps (the depth adapts).
 */
class OdeBlockMemoryTest {
    private static final DepthClassifier.Shape SHAPE = new DepthClassifier.Shape(3, 4, 2);
    private static final int ROWS = 16;

    @Test
    void theAdjointHoldsTheSameAtAnyDepthAndTheTapeGrowsWithTheSteps() {
        double[] x = new double[ROWS * SHAPE.inputs()];
        Random random = new Random(4);
        for (int i = 0; i < x.length; i++) {
            x[i] = 2 * random.nextGaussian();
        }
        int[] y = new int[ROWS];
        long[] adjointHeld = new long[2];
        long[] tapeHeld = new long[2];
        long[] nfe = new long[2];
        double[] tolerances = {1e-3, 1e-8};
        for (int k = 0; k < 2; k++) {
            DepthClassifier adjoint = DepthClassifier.odeNet(SHAPE, 0, 8, tolerances[k], tolerances[k],
                    OdeBlock.Gradient.ADJOINT, 2L);
            DepthClassifier backprop = DepthClassifier.odeNet(SHAPE, 0, 8, tolerances[k], tolerances[k],
                    OdeBlock.Gradient.BACKPROP, 2L);
            adjoint.lossAndGradient(x, y, 0, ROWS, SoftmaxCrossEntropy.unweighted(2), new double[adjoint.parameterCount()]);
            backprop.lossAndGradient(x, y, 0, ROWS, SoftmaxCrossEntropy.unweighted(2),
                    new double[backprop.parameterCount()]);
            adjointHeld[k] = adjoint.block().heldValues();
            tapeHeld[k] = backprop.block().heldValues();
            nfe[k] = adjoint.block().forwardEvaluations();
        }
        String table = "NFE " + nfe[0] + " → " + nfe[1] + ", adjoint holds " + adjointHeld[0] + " → " + adjointHeld[1]
                + ", tape " + tapeHeld[0] + " → " + tapeHeld[1];
        assertTrue(nfe[1] > 2 * nfe[0], table);
        // 3·B·D + P, whatever the steps: B = 16, D = 4, P = 3·4+4 + 5·8+8 + 8·4+4 + 4·2+2 = 110.
        assertEquals(3 * ROWS * 4 + 110, adjointHeld[0], table);
        assertEquals(adjointHeld[0], adjointHeld[1], table);
        assertTrue(tapeHeld[1] > 2 * tapeHeld[0], table);
        assertTrue(tapeHeld[1] > 5 * adjointHeld[1], table);
    }
}
