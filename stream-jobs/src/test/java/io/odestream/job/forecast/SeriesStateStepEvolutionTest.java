package io.odestream.job.forecast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.odestream.latent.FilterState;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The series' keyed state gained the step sizes its filter's last score and encoder solves ended
 * with ({@link FilterState#scoreStep}, {@link FilterState#encoderStep}). Checkpoints and savepoints
 * written before hold the older fields only: Flink's POJO serializer must restore them, and the
 * restored series carries no step (0), so its next solves start from the fresh first-step guess as
 * they did before; once it carries steps, they survive the new format.
 */
class SeriesStateStepEvolutionTest {
    private static final Set<String> ADDED = Set.of("scoreStep", "encoderStep", "level");

    @Test
    void stateWrittenBeforeStepsWereCarriedRestoresWithoutACarriedStep() throws Exception {
        SeriesState written = new SeriesState();
        written.modelId = "m";
        written.modelVersion = 3;
        written.originMillis = 1_000;
        written.stateMillis = 5_000;
        written.hidden = new double[] {0.1, -0.2};
        written.lastValues = new double[] {1.5};
        written.lastObservedMillis = new long[] {5_000};
        written.observations = 4;
        // the fields before the steps; the level frame came later still
        SeriesState restored = StateBefore.restored(SeriesState.class,
                StateBefore.serializerWithout(SeriesState.class, ADDED), written);
        FilterState state = restored.filterState("m", 3);
        assertArrayEquals(written.hidden, state.hidden());
        assertEquals(5_000, state.timeMillis());
        assertEquals(0.0, state.scoreStep(), "no carried step: the next score starts from the fresh guess");
        assertEquals(0.0, state.encoderStep(), "nor the next encoder solve");

        FilterState carrying = state.after(6_000, new double[] {0.3, -0.1}, new double[] {2.0}, null, 0.25, 0.5);
        restored.store(carrying);
        SeriesState again = StateBefore.roundTrip(SeriesState.class, restored);
        assertEquals(carrying, again.filterState("m", 3), "written in the new format, its steps kept");
    }
}
