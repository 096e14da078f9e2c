package io.odestream.latent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link ForecastLimits}: the model's weight and the spans solved, by the distance of a query. */
class ForecastLimitsTest {
    private final ForecastLimits limits = new ForecastLimits(4.0, 100);

    @Test
    void upToTheHorizonTheModelHasFullWeightAndIsSolvedAllTheWay() {
        assertEquals(1.0, limits.modelWeight(0));
        assertEquals(1.0, limits.modelWeight(4.0));
        assertEquals(3.0, limits.solveTo(3.0));
    }

    @Test
    void beyondItTheWeightDecaysOnTheHorizonsOwnScaleAndNothingIsSolvedFurther() {
        assertEquals(Math.exp(-1), limits.modelWeight(8.0), 1e-15);
        assertTrue(limits.modelWeight(400.0) < 1e-40);
        assertEquals(4.0, limits.solveTo(1e12));
        double previous = 1;
        for (double t = 4; t < 100; t += 0.5) {
            assertTrue(limits.modelWeight(t) <= previous);
            previous = limits.modelWeight(t);
        }
    }

    @Test
    void aHorizonAndAnEnvelopeMustBePositiveAndFinite() {
        assertThrows(IllegalArgumentException.class, () -> new ForecastLimits(0, 100));
        assertThrows(IllegalArgumentException.class, () -> new ForecastLimits(Double.POSITIVE_INFINITY, 100));
        assertThrows(IllegalArgumentException.class, () -> new ForecastLimits(1, 0));
    }
}
