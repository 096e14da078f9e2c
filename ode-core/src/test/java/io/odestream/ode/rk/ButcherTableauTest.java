package io.odestream.ode.rk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A tableau checks itself when built and derives what can be derived. */
class ButcherTableauTest {

    @Test
    void rejectsRowSumsThatDifferFromTheNodes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ButcherTableau("bad", 2, 0,
                new double[] {0, 0.5}, new double[][] {{}, {0.4}}, new double[] {0, 1}, null, null, 0));
        assertTrue(e.getMessage().contains("row sum of a[1] = 0.4 differs from c[1] = 0.5"), e.getMessage());
    }

    @Test
    void rejectsWeightsThatDoNotSumToOne() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ButcherTableau("bad", 2, 0,
                new double[] {0, 1}, new double[][] {{}, {1}}, new double[] {0.5, 0.6}, null, null, 0));
        assertTrue(e.getMessage().contains("weights b must sum to 1"), e.getMessage());
    }

    @Test
    void rejectsErrorWeightsThatDoNotSumToZero() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ButcherTableau("bad", 2, 1,
                new double[] {0, 1}, new double[][] {{}, {1}}, new double[] {0.5, 0.5}, new double[] {0.5, 0.4}, null, 0));
        assertTrue(e.getMessage().contains("error weights must sum to 0"), e.getMessage());
    }

    @Test
    void rejectsImplicitCoefficients() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ButcherTableau("bad", 1, 0,
                new double[] {0, 1}, new double[][] {{}, {0.5, 0.5}}, new double[] {0.5, 0.5}, null, null, 0));
        assertTrue(e.getMessage().contains("explicit method"), e.getMessage());
    }

    @Test
    void rejectsAnInterpolantThatMissesTheStepEnd() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ButcherTableau("bad", 2, 0,
                new double[] {0, 1}, new double[][] {{}, {1}}, new double[] {0.5, 0.5}, null,
                new double[][] {{0.4}, {0.5}}, 1));
        assertTrue(e.getMessage().contains("interpolant at θ=1"), e.getMessage());
    }

    @Test
    void firstSameAsLastIsDerivedFromTheCoefficients() {
        assertTrue(DormandPrince54.TABLEAU.isFsal());
        assertTrue(Tsitouras54.TABLEAU.isFsal());
        assertTrue(BogackiShampine32.TABLEAU.isFsal());
        assertFalse(RungeKutta4.TABLEAU.isFsal());
        assertFalse(Euler.TABLEAU.isFsal());
    }

    @Test
    void methodsWithoutTheirOwnInterpolantGetCubicHermite() {
        // The Hermite interpolant needs f(t+h, y1): an extra row unless the method is FSAL.
        assertTrue(RungeKutta4.TABLEAU.interpolantNeedsEndDerivative());
        assertFalse(BogackiShampine32.TABLEAU.interpolantNeedsEndDerivative());
        assertEquals(4, RungeKutta4.TABLEAU.denseOrder());
        assertEquals(3, BogackiShampine32.TABLEAU.denseOrder());
        assertEquals(5, DormandPrince54.TABLEAU.denseOrder(), "fourth-order interpolant, local error O(h^5)");
    }

    @Test
    void methodsAreFoundByName() {
        assertEquals(DormandPrince54.TABLEAU, Tableaus.byName("DOPRI5"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tableaus.byName("rk45"));
        assertTrue(e.getMessage().contains("known methods"), e.getMessage());
    }
}
