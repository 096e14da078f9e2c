package io.odestream.ode.rk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.ode.Solution;
import io.odestream.ode.SolverException;
import io.odestream.ode.VectorField;
import io.odestream.ode.control.StepControl;
import io.odestream.ode.testing.MlpCase;
import io.odestream.ode.testing.TanhMlpField;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Grouped step control ({@link RungeKuttaSolver#solveGrouped}): each group of rows is one solve under
 * its own step controller over its own span — many series' posterior samples in one batch of rows —
 * so every group must be exactly {@link RungeKuttaSolver#solve} of that group alone, bit for bit, whatever the other groups do.
 */
class GroupedStepControlTest {
    private static final MlpCase CASE = MlpCase.load();
    private static final int GROUP = 5;

    @Test
    void everyGroupIsItsOwnOneControllerSolveBitForBit() {
        TanhMlpField field = CASE.field();
        Random random = new Random(11);
        int groups = 13; // rows = 65: 8-row kernel blocks cut through the groups
        double[] z0 = PerRowStepControlTest.randomStates(random, groups * GROUP);
        double[] t0 = new double[groups];
        double[] t1 = new double[groups];
        for (int g = 0; g < groups; g++) {
            t0[g] = random.nextDouble();
            // spans from none to long, one backwards: groups finish at different steps
            double span = g == 3 ? 0.0 : -Math.log(1 - random.nextDouble()) * 2 * (g == 7 ? -1 : 1);
            t1[g] = t0[g] + span;
        }
        for (ButcherTableau method : new ButcherTableau[] {DormandPrince54.TABLEAU, BogackiShampine32.TABLEAU}) {
            RungeKuttaSolver batch = new RungeKuttaSolver(method, StepControl.adaptive(1e-6, 1e-8).build());
            Solution together = batch.solveGrouped(field, z0, GROUP, groups, t0, t1);
            RungeKuttaSolver single = new RungeKuttaSolver(method, StepControl.adaptive(1e-6, 1e-8).build());
            for (int g = 0; g < groups; g++) {
                double[] rows = Arrays.copyOfRange(z0, g * GROUP * CASE.d, (g + 1) * GROUP * CASE.d);
                Solution alone = single.solve(field, rows, GROUP, t0[g], new double[] {t1[g]});
                for (int j = 0; j < GROUP; j++) {
                    int r = g * GROUP + j;
                    String where = method.name() + " group " + g + " row " + j;
                    assertArrayEquals(alone.rowState(j, 0), together.rowState(r, 0), 0.0, where);
                    assertEquals(alone.stats().accepted(j), together.stats().accepted(r), where);
                    assertEquals(alone.stats().rejected(j), together.stats().rejected(r), where);
                    assertEquals(alone.stats().evaluations(j), together.stats().evaluations(r), where);
                    assertEquals(t1[g], together.endTime(r), where);
                    assertNull(together.failure(r));
                }
            }
            assertTrue(together.stats().evaluations() < together.stats().rowEvaluations() / GROUP,
                    "evaluations are batched over the groups");
        }
    }

    /**
     * A group given a first step (a step carried over from its series' last solve) is the solve of it
     * alone from that step, bit for bit, evaluations included: the first-step guess other groups make
     * in the same batch is not counted against it, nor are its steps changed by it. A step longer than
     * the span is cut to the span; none (0), NaN or negative: the guess, as before.
     */
    @Test
    void aCarriedFirstStepStartsItsGroupAsItStartsTheSolveOfItAlone() {
        TanhMlpField field = CASE.field();
        Random random = new Random(12);
        int groups = 7;
        double[] z0 = PerRowStepControlTest.randomStates(random, groups * GROUP);
        double[] t0 = new double[groups];
        double[] t1 = new double[groups];
        double[] first = {0.05, 0.0, 1e-4, 30.0, Double.NaN, 0.3, -0.2};
        for (int g = 0; g < groups; g++) {
            t0[g] = random.nextDouble();
            t1[g] = t0[g] + (g == 5 ? -1.5 : 1 + random.nextDouble()); // one backwards: the step turns with it
        }
        RungeKuttaSolver batch = new RungeKuttaSolver(DormandPrince54.TABLEAU, StepControl.adaptive(1e-6, 1e-8).build());
        Solution together = batch.solveGrouped(field, z0, GROUP, groups, t0, t1, first);
        RungeKuttaSolver single = new RungeKuttaSolver(DormandPrince54.TABLEAU, StepControl.adaptive(1e-6, 1e-8).build());
        for (int g = 0; g < groups; g++) {
            double[] rows = Arrays.copyOfRange(z0, g * GROUP * CASE.d, (g + 1) * GROUP * CASE.d);
            Solution alone = single.solve(field, rows, GROUP, t0[g], new double[] {t1[g]}, first[g]);
            Solution guessed = single.solve(field, rows, GROUP, t0[g], new double[] {t1[g]});
            boolean carries = first[g] > 0;
            assertEquals(carries ? 0 : 1, alone.stats().evaluations(0) - evaluationsOfSteps(alone, 0),
                    "group " + g + ": the guess costs one evaluation, a carried step none");
            for (int j = 0; j < GROUP; j++) {
                int r = g * GROUP + j;
                String where = "group " + g + " row " + j;
                assertArrayEquals(alone.rowState(j, 0), together.rowState(r, 0), 0.0, where);
                assertEquals(alone.stats().evaluations(j), together.stats().evaluations(r), where);
                assertEquals(alone.stats().rejected(j), together.stats().rejected(r), where);
                assertEquals(alone.finalState().nextStep(j), together.finalState().nextStep(r), 0.0, where);
                if (!carries) {
                    assertArrayEquals(guessed.rowState(j, 0), alone.rowState(j, 0), 0.0, where + ": the guess, as before");
                }
            }
            assertArrayEquals(guessed.rowState(0, 0), alone.rowState(0, 0), 1e-5, "group " + g
                    + ": another first step, the same solution within the tolerance");
        }
    }

    /** DOPRI5's evaluations for its steps: the first (FSAL) slope and six per step tried. */
    private static long evaluationsOfSteps(Solution s, int row) {
        return 1 + 6L * (s.stats().accepted(row) + s.stats().rejected(row));
    }

    @Test
    void aFailingGroupFailsAloneWithTheErrorItsOwnSolveThrows() {
        // dz/dt = z²: a group starting at 1 blows up at t = 1, the others (0.1, 0.2) only at 10 and 5.
        VectorField blowUp = SolverFailureTest.BLOW_UP;
        double[] z0 = {0.1, 0.11, 1.0, 1.01, 0.2, 0.21};
        double[] t0 = {0, 0, 0};
        double[] t1 = {2, 2, 2};
        RungeKuttaSolver solver = new RungeKuttaSolver(DormandPrince54.TABLEAU, StepControl.adaptive(1e-6, 1e-9).build());

        Solution s = solver.solveGrouped(blowUp, z0, 2, 3, t0, t1);

        SolverException alone = assertThrows(SolverException.class,
                () -> solver.solve(blowUp, new double[] {1.0, 1.01}, 2, 0, new double[] {2}));
        for (int r = 2; r < 4; r++) {
            assertNotNull(s.failure(r), "both rows of the failing group report it");
            assertEquals(alone.reason(), s.failure(r).reason());
            assertEquals(alone.time(), s.failure(r).time(), 0.0, "it stops where its own solve stops");
        }
        for (int g : new int[] {0, 2}) {
            Solution own = solver.solve(blowUp, Arrays.copyOfRange(z0, 2 * g, 2 * g + 2), 2, 0, new double[] {2});
            for (int j = 0; j < 2; j++) {
                assertNull(s.failure(2 * g + j));
                assertEquals(own.value(j, 0, 0), s.value(2 * g + j, 0, 0), 0.0, "group " + g + " row " + j);
            }
        }
    }

    /**
     * The per-event form ({@link RungeKuttaSolver#solveGroupedToEnds}) is the grouped solve without its
     * {@link Solution}: the same end states, evaluations, next steps and failures, bit for bit, through
     * one solver whose reused buffers serve a large batch, a smaller one, and a system of another
     * dimension in turn.
     */
    @Test
    void theSolveToEndsIsTheGroupedSolveOnReusedBuffers() {
        TanhMlpField field = CASE.field();
        Random random = new Random(13);
        RungeKuttaSolver reused = new RungeKuttaSolver(DormandPrince54.TABLEAU, StepControl.adaptive(1e-6, 1e-8).build());
        RungeKuttaSolver fresh = new RungeKuttaSolver(DormandPrince54.TABLEAU, StepControl.adaptive(1e-6, 1e-8).build());
        for (int groups : new int[] {9, 2}) {
            double[] z0 = PerRowStepControlTest.randomStates(random, groups * GROUP);
            double[] t0 = new double[groups];
            double[] t1 = new double[groups];
            double[] first = new double[groups];
            for (int g = 0; g < groups; g++) {
                t1[g] = g == 1 ? 0.0 : 0.5 + random.nextDouble(); // one empty span
                first[g] = g % 3 == 0 ? 0.0 : 0.1 * g;
            }
            Solution want = fresh.solveGrouped(field, z0, GROUP, groups, t0, t1, first);
            SolvedEnds got = reused.solveGroupedToEnds(field, z0, GROUP, groups, t0, t1, first);
            for (int r = 0; r < groups * GROUP; r++) {
                String where = groups + " groups, row " + r;
                assertArrayEquals(want.rowState(r, 0), Arrays.copyOfRange(got.finalStates(), r * CASE.d,
                        (r + 1) * CASE.d), 0.0, where);
                assertEquals(want.stats().evaluations(r), got.evaluations(r), where);
                assertEquals(want.finalState().nextStep(r), got.nextStep(r), 0.0, where);
                assertNull(got.failure(r), where);
            }
        }
        SolvedEnds blownUp = reused.solveGroupedToEnds(SolverFailureTest.BLOW_UP, new double[] {0.1, 0.11, 1.0, 1.01},
                2, 2, new double[2], new double[] {2, 2}, null);
        Solution own = fresh.solve(SolverFailureTest.BLOW_UP, new double[] {0.1, 0.11}, 2, 0, new double[] {2});
        assertNull(blownUp.failure(0));
        assertEquals(own.value(1, 0, 0), blownUp.finalStates()[1], 0.0, "D = 1 after D = " + CASE.d);
        assertNotNull(blownUp.failure(2), "the group that blows up fails alone");
        assertNotNull(blownUp.failure(3));
    }

    @Test
    void refusesAShapeItCannotSolve() {
        TanhMlpField field = CASE.field();
        double[] z0 = new double[2 * 3 * CASE.d + 7]; // a longer reused buffer is fine, a shorter one is not
        RungeKuttaSolver solver = new RungeKuttaSolver(DormandPrince54.TABLEAU, StepControl.adaptive(1e-6, 1e-8).build());
        assertEquals(6, solver.solveGrouped(field, z0, 3, 2, new double[2], new double[] {1, 2}).rows());
        assertThrows(IllegalArgumentException.class,
                () -> solver.solveGrouped(field, new double[3 * CASE.d], 3, 2, new double[2], new double[2]));
        assertThrows(IllegalArgumentException.class, () -> solver.solveGrouped(field, z0, 3, 2, new double[1], new double[2]));
        assertThrows(IllegalArgumentException.class, () -> solver.solveGrouped(field, z0, 0, 2, new double[2], new double[2]));
        assertThrows(IllegalArgumentException.class,
                () -> solver.solveGrouped(field, z0, 3, 2, new double[2], new double[] {1, Double.NaN}));
    }
}
