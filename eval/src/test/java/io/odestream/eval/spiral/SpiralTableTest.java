package io.odestream.eval.spiral;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.eval.baseline.RnnDeltaT;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * A smoke run of the table with a handful of iterations: every model trains, reports progress with
 * loss and it/s, and scores finite RMSEs; the Markdown table puts them beside the paper's numbers.
 * Chosen rows run alone reproduce the full run's. The RNN's rollout feeds its predictions back one
 * query time at a time.
 */
class SpiralTableTest {

    @Test
    void tinyRunProducesFiniteNumbersAndATable() {
        SpiralTable.Settings settings = new SpiralTable.Settings(20, new int[] {10, 30}, 3, 4, 2, 1e-3, 1e-4, 1, 1L);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SpiralTable.Result result = SpiralTable.run(settings, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String progress = bytes.toString(StandardCharsets.UTF_8);
        for (int c = 0; c < 2; c++) {
            assertTrue(Double.isFinite(result.latentOde()[c].rmse()) && result.latentOde()[c].rmse() > 0,
                    "latent ODE RMSE " + result.latentOde()[c]);
            assertTrue(Double.isFinite(result.latentOdeRnn()[c].rmse()) && result.latentOdeRnn()[c].rmse() > 0,
                    "latent ODE (RNN encoder) RMSE " + result.latentOdeRnn()[c]);
            assertNotEquals(result.latentOde()[c].rmse(), result.latentOdeRnn()[c].rmse(), "two different encoders");
            assertTrue(Double.isFinite(result.rnn()[c].rmse()) && result.rnn()[c].rmse() > 0,
                    "RNN RMSE " + result.rnn()[c]);
            assertTrue(Double.isFinite(result.rnnRollout()[c].rmse()) && result.rnnRollout()[c].rmse() > 0,
                    "RNN rollout RMSE " + result.rnnRollout()[c]);
            assertEquals(3, result.latentOde()[c].iterationsRun());
            assertEquals(3, result.rnn()[c].iterationsRun());
            assertEquals(3, result.latentOdeRnn()[c].iterationsRun());
        }
        assertTrue(progress.contains("spirals: 16 train, 4 test"), progress);
        assertTrue(progress.contains("[latent-ode n=10] iter 3/3") && progress.contains("it/s"), progress);
        assertTrue(progress.contains("[rnn-dt n=30] iter 1/3"), progress);
        assertTrue(progress.contains("[latent-ode-rnn n=30] iter 3/3"), progress);
        String table = SpiralTable.markdown(result);
        assertTrue(table.startsWith("| Model | 10 points | 30 points |"), table);
        // the paper has no 10-point column; its 30-point numbers are shown
        assertTrue(table.contains("| Latent ODE (paper) | — | 0.1642 |"), table);
        assertTrue(table.contains("| RNN (paper) | — | 0.3937 |"), table);
        assertTrue(table.contains(String.format(Locale.ROOT, "%.4f", result.latentOde()[1].rmse())), table);
        assertTrue(table.contains(String.format(Locale.ROOT, "| Latent ODE, RNN encoder (ours) | %.4f",
                result.latentOdeRnn()[0].rmse())), table);
        assertTrue(table.contains("Total run time"), table);

        // One row alone: the same numbers as in the full run (its seeds do not depend on the other rows).
        SpiralTable.Result alone = SpiralTable.run(settings.withModels(SpiralTable.Model.parse("latent-ode-rnn")),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertNull(alone.latentOde());
        assertNull(alone.rnn());
        assertNull(alone.rnnRollout());
        for (int c = 0; c < 2; c++) {
            assertEquals(result.latentOdeRnn()[c].rmse(), alone.latentOdeRnn()[c].rmse(), 0.0);
        }
        String oneRow = SpiralTable.markdown(alone);
        assertTrue(oneRow.contains("| Latent ODE, RNN encoder (ours) |"), oneRow);
        assertFalse(oneRow.contains("| Latent ODE (ours) |") || oneRow.contains("RNN-Δt"), oneRow);
        assertTrue(oneRow.contains("| Latent ODE (paper) | — | 0.1642 |"), "the paper's rows stay: " + oneRow);
    }

    @Test
    void modelsAreChosenByTheirFlagNames() {
        assertEquals(EnumSet.of(SpiralTable.Model.LATENT_ODE, SpiralTable.Model.RNN),
                SpiralTable.Model.parse("rnn, latent-ode"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SpiralTable.Model.parse("latent-ode,gru"));
        assertTrue(e.getMessage().contains("unknown model 'gru'") && e.getMessage().contains("latent-ode-rnn"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SpiralTable.Settings.paper().withModels(EnumSet.noneOf(SpiralTable.Model.class)));
        assertTrue(e.getMessage().startsWith("models must"), e.getMessage());
        assertEquals(EnumSet.allOf(SpiralTable.Model.class), SpiralTable.Settings.paper().models(),
                "default: every row");
    }

    @Test
    void rolloutFeedsEachPredictionBackAsAnObservation() {
        RnnDeltaT model = RnnDeltaT.create(2, 5, 1000.0, 3L);
        long[] times = {0, 1000};
        double[][] values = {{0.5, -0.2}, {0.1, 0.4}};
        double[][] out = SpiralTable.rollout(model, times, values, new long[] {2000, 3000});
        // the first query sees only the conditioning points: the model's own prediction
        assertArrayEquals(model.predict(times, values, new long[] {2000})[0], out[0], 0.0);
        // the second sees the first prediction as an observation at 2000
        double[][] withFirst = {values[0], values[1], out[0]};
        assertArrayEquals(model.predict(new long[] {0, 1000, 2000}, withFirst, new long[] {3000})[0], out[1], 0.0);
        assertFalse(Arrays.equals(model.predict(times, values, new long[] {3000})[0], out[1]),
                "rolling out differs from one long Δt step");
    }

    @Test
    void settingsRejectBadValuesNamingThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SpiralTable.Settings(21, new int[] {30}, 1, 1, 1, 1e-3, 1e-4, 1, 1L));
        assertTrue(e.getMessage().startsWith("spirals must"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new SpiralTable.Settings(20, new int[] {101}, 1, 1, 1, 1e-3, 1e-4, 1, 1L));
        assertTrue(e.getMessage().startsWith("counts must"), e.getMessage());
    }
}
