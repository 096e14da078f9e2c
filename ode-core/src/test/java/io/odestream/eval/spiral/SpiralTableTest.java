package io.odestream.eval.spiral;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.baseline.RnnDeltaT;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * A smoke run of the table with a handful of iterations: both models train, report progress with
 * loss and it/s, and score finite RMSEs; the Markdown table puts them beside the paper's numbers.
 * The RNN's rollout feeds its predictions back one query time at a time.
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
            assertTrue(Double.isFinite(result.rnn()[c].rmse()) && result.rnn()[c].rmse() > 0,
                    "RNN RMSE " + result.rnn()[c]);
            assertTrue(Double.isFinite(result.rnnRollout()[c].rmse()) && result.rnnRollout()[c].rmse() > 0,
                    "RNN rollout RMSE " + result.rnnRollout()[c]);
            assertEquals(3, result.latentOde()[c].iterationsRun());
            assertEquals(3, result.rnn()[c].iterationsRun());
        }
        assertTrue(progress.contains("spirals: 16 train, 4 test"), progress);
        assertTrue(progress.contains("[latent-ode n=10] iter 3/3") && progress.contains("it/s"), progress);
        assertTrue(progress.contains("[rnn-dt n=30] iter 1/3"), progress);
        String table = SpiralTable.markdown(result);
        assertTrue(table.startsWith("| Model | 10 points | 30 points |"), table);
        // the paper has no 10-point column; its 30-point numbers are shown
        assertTrue(table.contains("| Latent ODE (paper) | — | 0.1642 |"), table);
        assertTrue(table.contains("| RNN (paper) | — | 0.3937 |"), table);
        assertTrue(table.contains(String.format(Locale.ROOT, "%.4f", result.latentOde()[1].rmse())), table);
        assertTrue(table.contains("Total run time"), table);
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
