package io.odestream.eval.physionet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The MSE in the paper's units: its code scales a channel by {@code (x − min) / max}, the streaming
 * table by {@code (x − min) / (max − min)}; and its averaging, per stay and channel first.
 */
class PaperMseTest {
    /** Channel 0: min 0, max 10 (the two scalings agree); channel 1: min 50, max 100 (range 50). */
    private static final MinMaxNormalisation SCALING = new MinMaxNormalisation(new double[] {0, 50},
            new double[] {10, 100});

    @Test
    void anErrorIsScaledByTheMaximumInThePapersUnits() {
        PaperMse mse = new PaperMse(SCALING);
        // a raw error of 10 in channel 1 is 10 / 50 = 0.2 in max − min units and 10 / 100 = 0.1 in max units
        mse.add(new double[][] {{Double.NaN, 0.2}}, new double[][] {{Double.NaN, 0.0}});
        assertEquals(0.04, mse.pooledRange(), 1e-15);
        assertEquals(0.01, mse.pooledMax(), 1e-15);
    }

    @Test
    void pooledMeansCountEveryObservedValueOnce() {
        PaperMse mse = new PaperMse(SCALING);
        mse.add(new double[][] {{0.1, 0.2}, {0.1, 7}}, new double[][] {{0, 0}, {0, Double.NaN}});
        mse.add(new double[][] {{0.3, 9}}, new double[][] {{0, Double.NaN}});
        assertEquals(4, mse.values(), "unobserved values are not scored");
        assertEquals((0.01 + 0.04 + 0.01 + 0.09) / 4, mse.pooledRange(), 1e-15);
        assertEquals((0.01 + 0.01 + 0.01 + 0.09) / 4, mse.pooledMax(), 1e-15);
        // the paper's averaging: stay 1 = mean(0.01, 0.01) = 0.01; stay 2 = mean(0.09, 0 for the channel it
        // never observed) = 0.045; then the mean over stays
        assertEquals((0.01 + 0.045) / 2, mse.paperAveraged(), 1e-15);
        assertEquals(2, mse.stays());
    }

    @Test
    void aChannelWhoseMaximumIsZeroIsDividedByOne() {
        PaperMse mse = new PaperMse(new MinMaxNormalisation(new double[] {-4}, new double[] {0}));
        mse.add(new double[][] {{0.5}}, new double[][] {{0}});
        assertEquals(0.25 * 16, mse.pooledMax(), 1e-12, "range 4 over max 0 → 1: the error times 4");
    }
}
