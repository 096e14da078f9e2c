package io.odestream.flow;

import static io.odestream.flow.CnfFieldVjpTest.gaussian;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.ode.control.FixedStep;
import io.odestream.ode.rk.RungeKutta4;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Hutchinson's estimate of the log-density is unbiased: over many Rademacher draws its mean is the
 * exact trace's log-density.
 *
 * <p>Why the bound holds: the z part of the dynamics does not read ε, so with a fixed step every
 * draw follows the very same discrete trajectory, and the ℓ it accumulates is a fixed linear
 * combination of {@code εᵀJ_kε} over the stages k. Each of those has expectation tr(J_k) for
 * Rademacher ε, so the estimate's expectation is the exact run's ℓ to rounding. The draws are
 * i.i.d. with finite variance, so by the central limit theorem the mean of N of them lies within
 * 4 standard errors (the sample standard deviation / √N) of the expectation except with probability
 * 6·10⁻⁵ — and the seed is fixed, so the outcome is deterministic. The test also checks that it has
 * power: the draws do vary, and a bias of a tenth of the integrated trace would fall outside the bound.
 */
class HutchinsonTraceTest {
    private static final int D = 4;
    private static final int H = 16;
    private static final int DRAWS = 2000;

    @Test
    void hutchinsonLogDensityAveragesToTheExactOne() {
        Random random = new Random(8);
        double[] theta = gaussian(random, CnfField.parameterCount(D, 1, H), 0.6);
        double[] point = gaussian(random, D, 1.0);
        double[] context = {0.7};
        FixedStep step = new FixedStep(0.1);
        ContinuousFlow exact = new ContinuousFlow(new CnfField(D, 1, H, TraceMode.EXACT, theta),
                RungeKutta4.TABLEAU, step);
        ContinuousFlow hutchinson = new ContinuousFlow(new CnfField(D, 1, H, TraceMode.HUTCHINSON, theta),
                RungeKutta4.TABLEAU, step);

        double expected = exact.logDensity(point, context, 1, new SplittableRandom(1))[0];
        double[] copies = new double[DRAWS * D];
        double[] contexts = new double[DRAWS];
        for (int r = 0; r < DRAWS; r++) {
            System.arraycopy(point, 0, copies, r * D, D);
            contexts[r] = context[0];
        }
        double[] estimates = hutchinson.logDensity(copies, contexts, DRAWS, new SplittableRandom(99));

        double mean = 0;
        for (double v : estimates) {
            mean += v / DRAWS;
        }
        double variance = 0;
        for (double v : estimates) {
            variance += (v - mean) * (v - mean) / (DRAWS - 1);
        }
        double standardError = Math.sqrt(variance / DRAWS);
        assertTrue(variance > 1e-4, "the estimates vary (variance " + variance + "): the test is not vacuous");
        double integratedTrace = exact.forward(point, context, 1, new SplittableRandom(1)).state(0)[D];
        assertTrue(4 * standardError < 0.1 * Math.abs(integratedTrace), "4 standard errors (" + 4 * standardError
                + " nats) are small beside the integrated trace (" + integratedTrace + "), so a 10 % bias would show");
        assertTrue(Math.abs(mean - expected) <= 4 * standardError, "Hutchinson's mean " + mean + " vs exact "
                + expected + ": " + Math.abs(mean - expected) / standardError + " standard errors apart");
    }
}
