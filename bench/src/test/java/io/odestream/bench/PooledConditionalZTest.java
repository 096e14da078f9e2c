package io.odestream.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PooledConditionalZTest {
    private static final int EVENTS = 20_000;

    /** Three channels that share one factor (the model off on all at once) plus their own noise. */
    private static PooledConditionalZ pooledOverCommonFactor(double common, double own) {
        SplittableRandom random = new SplittableRandom(5);
        PooledConditionalZ pooled = new PooledConditionalZ(3);
        for (int i = 0; i < EVENTS; i++) {
            double f = random.nextGaussian();
            pooled.add(new double[] {common * f + own * random.nextGaussian(), common * f + own * random.nextGaussian(),
                    common * f + own * random.nextGaussian()});
        }
        return pooled;
    }

    @Test
    void aDeviationCommonToEveryChannelIsExplainedAndOneChannelsAloneIsNot() {
        PooledConditionalZ pooled = pooledOverCommonFactor(0.9, 0.45);
        double[] allOff = {3, 3, 3};
        double[] oneOff = {3, 0, 0};
        assertTrue(pooled.largestConditional(allOff) < 1.5, "common factor: " + pooled.largestConditional(allOff));
        assertTrue(pooled.largestConditional(oneOff) > 4, "one channel: " + pooled.largestConditional(oneOff));
    }

    @Test
    void withoutCorrelationTheConditionalIsTheZOverItsPooledSpread() {
        PooledConditionalZ pooled = pooledOverCommonFactor(0, 0.5);
        double[] z = {2, -1, 0.5};
        for (int j = 0; j < 3; j++) {
            assertEquals(z[j] / 0.5, pooled.conditional(z, j), 0.05 * Math.abs(z[j] / 0.5) + 0.02);
        }
    }

    @Test
    void aMissingChannelIsLeftOutOfTheConditioning() {
        PooledConditionalZ pooled = pooledOverCommonFactor(0.9, 0.45);
        double[] z = {3, Double.NaN, 3};
        double alone = pooled.conditional(new double[] {3, Double.NaN, Double.NaN}, 0);
        assertEquals(3 / Math.sqrt(pooled.moment(0, 0)), alone, 1e-12, "no other channel: z over its pooled sd");
        assertTrue(Math.abs(pooled.conditional(z, 0)) < alone, "the observed third channel explains part of it");
        assertTrue(Double.isFinite(pooled.largestConditional(z)));
    }
}
