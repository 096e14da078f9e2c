package io.odestream.classify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The loss against hand-computed cases. */
class SoftmaxCrossEntropyTest {

    @Test
    void twoClassesWithOddsThreeToOne() {
        // logits (0, ln 3): p = (1/4, 3/4); label 1 loses −ln(3/4); dL/dl = p − onehot = (1/4, −1/4).
        double[] grad = new double[2];
        double loss = SoftmaxCrossEntropy.unweighted(2).lossAndGradient(new double[] {0, Math.log(3)}, new int[] {1}, 0,
                grad, 1);
        assertEquals(-Math.log(0.75), loss, 1e-15);
        assertArrayEquals(new double[] {0.25, -0.25}, grad, 1e-15);
    }

    @Test
    void balancedWeightsMakeTheRareClassCountAsMuchAsTheCommonOne() {
        // Labels 0,0,0,1: weights 4/(2·3) = 2/3 and 4/(2·1) = 2. Equal logits: every row loses ln 2,
        // so the weighted mean is ln 2; the rare row's gradient is three times a common row's.
        SoftmaxCrossEntropy loss = SoftmaxCrossEntropy.balanced(new int[] {0, 0, 0, 1}, 2);
        double[] grad = new double[8];
        double value = loss.lossAndGradient(new double[8], new int[] {0, 0, 0, 1}, 0, grad, 4);
        assertEquals(Math.log(2), value, 1e-15);
        assertEquals(3 * Math.abs(grad[0]), Math.abs(grad[6]), 1e-15);
        // Σ of the class-1 logit's gradient over rows is zero at equal logits: the classes balance.
        assertEquals(0.0, grad[1] + grad[3] + grad[5] + grad[7], 1e-15);
    }

    @Test
    void aLabelOutsideTheClassesIsRefusedWithItsRow() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SoftmaxCrossEntropy
                .unweighted(2).lossAndGradient(new double[4], new int[] {0, 2}, 0, new double[4], 2));
        assertEquals("label 2 of row 1 is not a class of 0..1", e.getMessage());
    }
}
