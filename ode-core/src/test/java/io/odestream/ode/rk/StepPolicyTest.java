package io.odestream.ode.rk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.ode.SolverException;
import io.odestream.ode.SolverException.Reason;
import io.odestream.ode.control.AdaptiveStep;
import io.odestream.ode.control.StepControl;
import io.odestream.ode.rk.StepPolicy.Verdict;
import org.junit.jupiter.api.Test;

/** The step policy both Runge–Kutta engines share, decision by decision, on plain numbers. */
class StepPolicyTest {
    private static final double INTEGRAL_EXPONENT = 1.0 / 5; // dopri5's error order is 4

    /** A dopri5 policy for one row at position 0, started. */
    private static StepPolicy dopri5(AdaptiveStep control) {
        StepPolicy policy = new StepPolicy(DormandPrince54.TABLEAU, control);
        policy.ensureRows(1);
        policy.start(0);
        return policy;
    }

    private static AdaptiveStep.Builder adaptive() {
        return StepControl.adaptive(1e-6, 1e-8);
    }

    // ------------------------------------------------------------------ the first step

    @Test
    void aFixedGridStepsToTheEndWithItsLastPointMovedThere() {
        StepPolicy policy = new StepPolicy(RungeKutta4.TABLEAU, StepControl.fixed(0.3));
        policy.ensureRows(1);
        policy.start(0);
        assertFalse(policy.initialise(0, 0.0, 1.0), "a fixed grid needs no heuristic");
        double t = 0.0;
        double[] ends = {0.3, 0.6, 0.3 * 3, 1.0}; // ceil(1 / 0.3) = 4 steps, the last one shortened
        for (double end : ends) {
            assertTrue(policy.propose(0, t, 1.0));
            assertEquals(end, policy.stepEnd(0), 0.0);
            assertEquals(end - t, policy.step(0), 0.0);
            assertEquals(Verdict.ACCEPTED, policy.judgeFixed(0, true));
            policy.advanced(0);
            t = policy.stepEnd(0);
        }
        assertEquals(-0.3, newFixed(0.3, 1.0, 0.0), 0.0, "the grid runs towards the end, backwards too");
    }

    private static double newFixed(double h, double t0, double tEnd) {
        StepPolicy policy = new StepPolicy(RungeKutta4.TABLEAU, StepControl.fixed(h));
        policy.ensureRows(1);
        policy.start(0);
        policy.initialise(0, t0, tEnd);
        return policy.nextStep(0);
    }

    @Test
    void aGivenFirstStepPointsTowardsTheEnd() {
        StepPolicy policy = dopri5(adaptive().firstStep(0.25).build());
        assertFalse(policy.initialise(0, 2.0, 0.0));
        assertEquals(-0.25, policy.nextStep(0), 0.0);
    }

    @Test
    void withoutAFirstStepHairersHeuristicChoosesItFromTheNorms() {
        StepPolicy policy = dopri5(adaptive().build());
        assertTrue(policy.initialise(0, 0.0, 1.0), "no first step given: the heuristic is needed");
        // Trial step 0.01·d0/d1; then min(100·h0, (0.01 / max(d1, d2/h0))^(1/(q+1))).
        double trial = policy.initialTrialStep(0, 2.0, 4.0, 0.0, 1.0);
        assertEquals(0.005, trial, 0.0);
        assertTrue(policy.chooseInitialStep(0, 4.0, 0.5, 0.0, 1.0));
        assertEquals(Math.pow(0.01 / 100.0, INTEGRAL_EXPONENT), policy.nextStep(0), 1e-15);

        StepPolicy tiny = dopri5(adaptive().build());
        tiny.initialise(0, 0.0, -1.0);
        assertEquals(-1e-6, tiny.initialTrialStep(0, 1e-7, 3.0, 0.0, -1.0), 0.0,
                "a state near zero gets the tiny trial step, signed towards the end");
    }

    @Test
    void aResumedProposalIsKeptOnlyWhenItPointsTowardsTheEnd() {
        StepPolicy policy = dopri5(adaptive().build());
        policy.resume(0, 0.125, 0.5, 0.0, 1.0);
        assertFalse(policy.initialise(0, 0.0, 1.0));
        assertEquals(0.125, policy.nextStep(0), 0.0);
        assertEquals(0.5, policy.previousRatio(0), 0.0);

        StepPolicy backwards = dopri5(adaptive().build());
        backwards.resume(0, 0.125, 0.5, 1.0, 0.0);
        assertTrue(backwards.initialise(0, 1.0, 0.0), "a proposal pointing away is dropped");
    }

    // ------------------------------------------------------------------ proposal

    @Test
    void aProposalWithinOnePercentOfTheEndOrBeyondItStopsExactlyThere() {
        StepPolicy policy = dopri5(adaptive().firstStep(0.995).build());
        policy.initialise(0, 0.0, 1.0);
        assertTrue(policy.propose(0, 0.0, 1.0));
        assertEquals(1.0, policy.stepEnd(0), 0.0, "stretched: no sliver of a step is left");
        assertEquals(1.0, policy.step(0), 0.0);

        StepPolicy beyond = dopri5(adaptive().firstStep(5.0).build());
        beyond.initialise(0, 0.5, 1.0);
        assertTrue(beyond.propose(0, 0.5, 1.0));
        assertEquals(1.0, beyond.stepEnd(0), 0.0, "clipped to the end");
        assertEquals(0.5, beyond.step(0), 0.0);

        StepPolicy inside = dopri5(adaptive().firstStep(0.25).build());
        inside.initialise(0, 0.0, 1.0);
        assertTrue(inside.propose(0, 0.0, 1.0));
        assertEquals(0.25, inside.stepEnd(0), 0.0, "far from the end the proposal is taken as it is");
    }

    // ------------------------------------------------------------------ acceptance

    @Test
    void aRejectionShrinksTheStepAndAnAcceptanceMayGrowIt() {
        StepPolicy policy = dopri5(adaptive().firstStep(0.1).build());
        policy.initialise(0, 0.0, 10.0);
        policy.propose(0, 0.0, 10.0);
        assertEquals(Verdict.REJECTED, policy.judge(0, 32.0));
        // safety · r^(−1/5) = 0.9 / 2
        assertEquals(0.1 * 0.45, policy.nextStep(0), 1e-15);

        policy.propose(0, 0.0, 10.0);
        assertEquals(Verdict.ACCEPTED, policy.judge(0, 1e-12));
        assertEquals(policy.step(0), policy.nextStep(0), 0.0, "no growth right after a rejection");

        policy.propose(0, 0.045, 10.0);
        assertEquals(Verdict.ACCEPTED, policy.judge(0, 0.0));
        assertEquals(policy.step(0) * 10.0, policy.nextStep(0), 0.0, "a zero error grows by maxFactor");
    }

    @Test
    void aRejectedNonFiniteErrorShrinksByTheSmallestFactor() {
        StepPolicy policy = dopri5(adaptive().firstStep(1.0).build());
        policy.initialise(0, 0.0, 10.0);
        policy.propose(0, 0.0, 10.0);
        assertEquals(Verdict.REJECTED, policy.judge(0, Double.NaN));
        assertEquals(0.2, policy.nextStep(0), 0.0);
    }

    // ------------------------------------------------------------------ giving up

    @Test
    void aStepBelowMinStepFailsAsUnderflow() {
        StepPolicy policy = dopri5(adaptive().firstStep(0.01).minStep(0.1).build());
        policy.initialise(0, 0.0, 1.0);
        assertFalse(policy.propose(0, 0.0, 1.0));
        SolverException failure = policy.failure(0, 0.0, 7);
        assertEquals(Reason.STEP_SIZE_UNDERFLOW, failure.reason());
        assertEquals(7, failure.row());
        assertEquals(0.01, failure.stepSize(), 0.0);
        assertTrue(failure.getMessage().contains("step size 0.01 is below minStep (0.1)"), failure.getMessage());
    }

    @Test
    void aStepTooSmallToChangeTFailsEvenWithoutMinStep() {
        StepPolicy policy = dopri5(adaptive().firstStep(1e-300).build());
        policy.initialise(0, 1.0, 2.0);
        assertFalse(policy.propose(0, 1.0, 2.0));
        assertEquals(Reason.STEP_SIZE_UNDERFLOW, policy.failure(0, 1.0, 0).reason());
    }

    @Test
    void aStateThatStaysNonFiniteFails() {
        StepPolicy policy = dopri5(adaptive().firstStep(1.0).build());
        policy.initialise(0, 0.0, 1e6);
        for (int attempt = 1; attempt <= StepPolicy.MAX_NON_FINITE_RETRIES; attempt++) {
            assertTrue(policy.propose(0, 0.0, 1e6));
            assertEquals(Verdict.REJECTED, policy.judge(0, Double.POSITIVE_INFINITY), "retry " + attempt);
        }
        assertTrue(policy.propose(0, 0.0, 1e6));
        assertEquals(Verdict.FAILED, policy.judge(0, Double.NaN));
        SolverException failure = policy.failure(0, 0.0, 0);
        assertEquals(Reason.NON_FINITE_STATE, failure.reason());
        assertTrue(failure.getMessage().contains("in 31 attempts with shrinking steps"), failure.getMessage());
    }

    @Test
    void shrinkingAfterANonFiniteStateIsReportedAsTheNonFiniteState() {
        StepPolicy policy = dopri5(adaptive().firstStep(0.5).minStep(0.2).build());
        policy.initialise(0, 0.0, 10.0);
        assertTrue(policy.propose(0, 0.0, 10.0));
        assertEquals(Verdict.REJECTED, policy.judge(0, Double.NaN)); // 0.5 → 0.1, below minStep
        assertFalse(policy.propose(0, 0.0, 10.0));
        assertEquals(Reason.NON_FINITE_STATE, policy.failure(0, 0.0, 0).reason());
    }

    @Test
    void aNonFiniteFirstStepOrFixedStepFails() {
        StepPolicy policy = dopri5(adaptive().build());
        policy.initialise(0, 0.0, 1.0);
        policy.initialTrialStep(0, 1.0, Double.NaN, 0.0, 1.0);
        assertFalse(policy.chooseInitialStep(0, Double.NaN, Double.NaN, 0.0, 1.0));
        assertEquals(Reason.NON_FINITE_STATE, policy.failure(0, 0.0, 0).reason());

        StepPolicy fixed = new StepPolicy(RungeKutta4.TABLEAU, StepControl.fixed(0.1));
        fixed.ensureRows(1);
        fixed.start(0);
        fixed.initialise(0, 0.0, 1.0);
        fixed.propose(0, 0.0, 1.0);
        assertEquals(Verdict.FAILED, fixed.judgeFixed(0, false), "a fixed grid cannot retry");
        assertTrue(fixed.failure(0, 0.0, 0).getMessage().contains("during the step"));
    }

    @Test
    void maxStepsCountsRejectedStepsToo() {
        StepPolicy policy = dopri5(adaptive().firstStep(0.1).maxSteps(3).build());
        policy.initialise(0, 0.0, 1.0);
        double t = 0.0;
        for (double ratio : new double[] {0.5, 2.0, 0.5}) {
            assertTrue(policy.propose(0, t, 1.0));
            if (policy.judge(0, ratio) == Verdict.ACCEPTED) {
                t = policy.stepEnd(0);
            }
        }
        assertFalse(policy.propose(0, t, 1.0));
        SolverException failure = policy.failure(0, t, 0);
        assertEquals(Reason.MAX_STEPS_EXCEEDED, failure.reason());
        assertTrue(failure.getMessage().contains("took 3 steps (maxSteps = 3)"), failure.getMessage());
    }

    // ------------------------------------------------------------------ bookkeeping

    @Test
    void rowsKeepTheirOwnStateAndMoveWithIt() {
        StepPolicy policy = new StepPolicy(DormandPrince54.TABLEAU, adaptive().firstStep(0.1).build());
        policy.ensureRows(2);
        policy.start(0);
        policy.start(1);
        policy.initialise(0, 0.0, 1.0);
        policy.initialise(1, 0.0, 1.0);
        policy.propose(1, 0.0, 1.0);
        policy.judge(1, 32.0);
        assertEquals(0.1, policy.nextStep(0), 0.0, "row 1's rejection leaves row 0 alone");
        policy.move(1, 0);
        assertEquals(0.1 * 0.45, policy.nextStep(0), 1e-15, "a row moved to another position takes its state along");
        assertTrue(policy.previousRatio(0) > 0);
    }

    @Test
    void aMethodWithoutAnErrorEstimateCannotAdapt() {
        assertThrows(IllegalArgumentException.class, () -> new StepPolicy(RungeKutta4.TABLEAU, adaptive().build()));
    }

    @Test
    void failureIsOnlyAskedOfARowThatGaveUp() {
        assertThrows(IllegalStateException.class, () -> dopri5(adaptive().build()).failure(0, 0.0, 0));
    }
}
