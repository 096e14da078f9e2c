package io.odestream.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The flow scorer learns the shape of residuals that are not Gaussian — skewed, correlated across
 * channels, wider after a long gap than a short one — and scores by that shape: held-out residuals
 * are likelier under it than under the Gaussian, the gap it is given matters, and a residual that
 * breaks the correlation is more surprising than a larger one that follows it.
 */
class ResidualFlowScorerTest {
    private static final int TRAIN = 2000;
    private static final int TEST = 500;
    private static final long SHORT = 1_000;
    private static final long LONG = 100_000;
    private static final double LOG_TWO_PI = Math.log(2 * Math.PI);
    private static ResidualFlowScorer scorer;
    private static Residuals test;

    /** Residual pairs: z1 a centred exponential (skewed), z2 = 0.9·z1 + 0.2·noise; ×0.5 after a short gap, ×1.5 after a long one. */
    record Residuals(double[] z, long[] gaps) {
        static Residuals draw(int n, long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            double[] z = new double[2 * n];
            long[] gaps = new long[n];
            for (int i = 0; i < n; i++) {
                gaps[i] = random.nextBoolean() ? SHORT : LONG;
                double scale = gaps[i] == SHORT ? 0.5 : 1.5;
                double skewed = -Math.log(1 - random.nextDouble()) - 1;
                z[2 * i] = scale * skewed;
                z[2 * i + 1] = scale * (0.9 * skewed + 0.2 * ContinuousFlow.standardNormal(random));
            }
            return new Residuals(z, gaps);
        }
    }

    @BeforeAll
    static void fit() {
        Residuals train = Residuals.draw(TRAIN, 1);
        test = Residuals.draw(TEST, 2);
        scorer = ResidualFlowScorer.fit(train.z(), train.gaps(), TRAIN, 2, 16, 200, 3, (i, loss) -> { });
    }

    @Test
    void heldOutResidualsAreLikelierUnderTheFlowThanUnderTheGaussian() {
        double flow = meanScore(test.gaps());
        double standard = 0;
        for (int i = 0; i < TEST; i++) {
            double a = test.z()[2 * i];
            double b = test.z()[2 * i + 1];
            standard += 0.5 * (a * a + b * b) / TEST + LOG_TWO_PI / TEST;
        }
        double fitted = GaussianDensity.fit(Residuals.draw(TRAIN, 1).z(), TRAIN, 2).meanNll(test.z(), TEST);
        assertTrue(flow < fitted - 0.5, "flow " + flow + " vs full-covariance Gaussian " + fitted + " nats");
        assertTrue(flow < standard - 0.5, "flow " + flow + " vs the standard normal the Gaussian score assumes "
                + standard + " nats");
    }

    @Test
    void theGapItIsGivenMatters() {
        long[] swapped = new long[TEST];
        for (int i = 0; i < TEST; i++) {
            swapped[i] = test.gaps()[i] == SHORT ? LONG : SHORT;
        }
        assertTrue(meanScore(test.gaps()) < meanScore(swapped) - 0.5, "true gaps " + meanScore(test.gaps())
                + " vs swapped " + meanScore(swapped) + " nats");
    }

    @Test
    void aResidualThatBreaksTheCorrelationIsMoreSurprisingThanALargerOneThatFollowsIt() {
        double[] follows = {2.5, 2.3};
        double[] breaks = {-0.8, 0.8};
        assertTrue(Math.hypot(follows[0], follows[1]) > 2 * Math.hypot(breaks[0], breaks[1]),
                "the Gaussian score ranks them the other way");
        assertTrue(scorer.negativeLogDensity(breaks, LONG) > scorer.negativeLogDensity(follows, LONG) + 3,
                "breaks " + scorer.negativeLogDensity(breaks, LONG) + " vs follows "
                        + scorer.negativeLogDensity(follows, LONG));
    }

    @Test
    void aMissingChannelOrAnotherChannelCountKeepsTheGaussianScore() {
        assertTrue(Double.isNaN(scorer.negativeLogDensity(new double[] {0.3, Double.NaN}, SHORT)));
        assertTrue(Double.isNaN(scorer.negativeLogDensity(new double[] {0.3}, SHORT)));
        assertTrue(Double.isNaN(scorer.negativeLogDensity(new double[] {0.3, 0.1, 0.2}, SHORT)));
    }

    @Test
    void aWrittenScorerReadsBackScoringTheSame() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        scorer.write(bytes);
        ResidualFlowScorer read = ResidualFlowScorer.read(new ByteArrayInputStream(bytes.toByteArray()));
        double[] z = {0.4, -0.1};
        assertEquals(scorer.negativeLogDensity(z, LONG), read.negativeLogDensity(z, LONG), 0.0);

        byte[] truncated = java.util.Arrays.copyOf(bytes.toByteArray(), 40);
        assertThrows(IOException.class, () -> ResidualFlowScorer.read(new ByteArrayInputStream(truncated)));
        IOException foreign = assertThrows(IOException.class,
                () -> ResidualFlowScorer.read(new ByteArrayInputStream("not a flow".getBytes())));
        assertTrue(foreign.getMessage().contains("not a residual flow file"), foreign.getMessage());
    }

    private static double meanScore(long[] gaps) {
        double sum = 0;
        for (int i = 0; i < TEST; i++) {
            sum += scorer.negativeLogDensity(new double[] {test.z()[2 * i], test.z()[2 * i + 1]}, gaps[i]) / TEST;
        }
        return sum;
    }
}
