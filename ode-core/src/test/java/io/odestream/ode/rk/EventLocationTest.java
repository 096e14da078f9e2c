package io.odestream.ode.rk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.ode.Solution;
import io.odestream.ode.SolveOptions;
import io.odestream.ode.VectorField;
import io.odestream.ode.control.StepControl;
import io.odestream.ode.event.Direction;
import io.odestream.ode.event.Event;
import io.odestream.ode.event.EventOccurrence;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Events are roots of g(t, z) located on the dense output. */
class EventLocationTest {
    private static final double G = 9.81;

    /** A falling ball: height x, velocity v; x(t) = x0 − g t²/2. */
    private static final VectorField FALLING = new VectorField() {
        @Override
        public int dimension() {
            return 2;
        }

        @Override
        public void evaluate(double[] t, double[] z, double[] dz, int rows) {
            for (int r = 0; r < rows; r++) {
                dz[2 * r] = z[2 * r + 1];
                dz[2 * r + 1] = -G;
            }
        }
    };

    @Test
    void aTerminalEventStopsTheBallWhereItHitsTheGround() {
        RungeKuttaSolver solver = new RungeKuttaSolver(DormandPrince54.TABLEAU, StepControl.adaptive(1e-8, 1e-10).build());
        double[] heights = {10, 2};
        Solution s = solver.solvePerRow(FALLING, new double[] {heights[0], 0, heights[1], 0}, 2, new double[] {0, 0},
                new double[][] {{0.5, 5}, {0.5, 5}},
                SolveOptions.DEFAULT.withEvents(Event.terminal((row, t, z, o, d) -> z[o], Direction.FALLING)));
        for (int r = 0; r < 2; r++) {
            double exact = Math.sqrt(2 * heights[r] / G);
            assertEquals(exact, s.endTime(r), 1e-10, "impact time of row " + r);
            assertEquals(0.0, s.finalState().state()[2 * r], 1e-9, "height at impact");
        }
        List<EventOccurrence> events = s.events();
        assertEquals(2, events.size());
        // Row 0 (from 10 m) lands at 1.43 s, after its first output; row 1 at 0.64 s, also after 0.5.
        assertEquals(10 - G * 0.125, s.value(0, 0, 0), 1e-9);
        assertTrue(Double.isNaN(s.value(0, 1, 0)), "no output after the ball stopped");
    }

    @Test
    void recordingEventsListEveryCrossingAndTheSolveContinues() {
        // z' = (−z2, z1): a circle; z1 = cos t crosses zero at π/2 + kπ.
        VectorField rotation = new VectorField() {
            @Override
            public int dimension() {
                return 2;
            }

            @Override
            public void evaluate(double[] t, double[] z, double[] dz, int rows) {
                for (int r = 0; r < rows; r++) {
                    dz[2 * r] = -z[2 * r + 1];
                    dz[2 * r + 1] = z[2 * r];
                }
            }
        };
        RungeKuttaSolver solver = new RungeKuttaSolver(Tsitouras54.TABLEAU, StepControl.adaptive(1e-10, 1e-12).build());
        Solution s = solver.solve(rotation, new double[] {1, 0}, 1, 0, new double[] {10},
                SolveOptions.DEFAULT.withEvents(
                        Event.recording((row, t, z, o, d) -> z[o], Direction.EITHER),
                        Event.recording((row, t, z, o, d) -> z[o], Direction.RISING)));
        long either = s.events().stream().filter(e -> e.eventIndex() == 0).count();
        long rising = s.events().stream().filter(e -> e.eventIndex() == 1).count();
        assertEquals(3, either, "cos t has roots at π/2, 3π/2, 5π/2 in [0, 10]");
        assertEquals(1, rising, "only 3π/2 is a rising crossing");
        for (EventOccurrence e : s.events()) {
            double k = Math.round((e.time() - Math.PI / 2) / Math.PI);
            assertEquals(Math.PI / 2 + k * Math.PI, e.time(), 1e-10);
            assertEquals(0.0, e.state()[0], 1e-9);
        }
        assertEquals(10.0, s.endTime(0));
        assertEquals(Math.cos(10), s.value(0, 0, 0), 1e-8);
    }

    @Test
    void inSharedControlTheEarliestTerminalEventStopsTheBatch() {
        RungeKuttaSolver solver = new RungeKuttaSolver(DormandPrince54.TABLEAU, StepControl.adaptive(1e-8, 1e-10).build());
        Solution s = solver.solve(FALLING, new double[] {10, 0, 2, 0}, 2, 0, new double[] {5},
                SolveOptions.DEFAULT.withEvents(Event.terminal((row, t, z, o, d) -> z[o], Direction.FALLING)));
        double first = Math.sqrt(2 * 2 / G);
        assertEquals(first, s.endTime(0), 1e-10);
        assertEquals(first, s.endTime(1), 1e-10);
        assertEquals(10 - G * first * first / 2, s.finalState().state()[0], 1e-9);
    }
}
