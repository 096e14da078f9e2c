package io.odestream.eval.physionet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.latent.LatentOdeTraining.Series;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A smoke run of the table on a few synthetic stays (irregular times over 48 h, 3 channels on
 * different scales, values missing): every model trains 2 iterations and scores finite MSEs beside
 * the published figures; the report section replaces itself between its markers.
 */
class PhysioNetTableTest {
    private static final long MINUTE = 60_000L;

    /** {@code count} stays with ids 1..count: noisy slow sines, each channel observed with prob. 0.6. */
    static List<Series> syntheticStays(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Series> stays = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int n = 24 + random.nextInt(8);
            long[] t = new long[n];
            double[][] x = new double[n][3];
            long minute = 0;
            double phase = random.nextDouble() * 6;
            for (int k = 0; k < n; k++) {
                minute += 1 + random.nextInt(2 * 48 * 60 / n);
                t[k] = minute * MINUTE;
                double h = minute / 60.0;
                x[k][0] = 80 + 10 * Math.sin(h / 6 + phase) + random.nextGaussian();
                x[k][1] = 37 + 0.5 * Math.cos(h / 8 + phase) + 0.1 * random.nextGaussian();
                x[k][2] = 200 * random.nextDouble();
                for (int j = 0; j < 3; j++) {
                    if (random.nextDouble() > 0.6 && k > 0) {
                        x[k][j] = Double.NaN;
                    }
                }
            }
            stays.add(new Series(t, x));
        }
        return stays;
    }

    private static List<String> ids(int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            ids.add(String.valueOf(i));
        }
        return ids;
    }

    @Test
    void tinyRunOfEveryModelGivesFiniteNumbersAndATable(@TempDir Path dir) throws IOException {
        PhysioNetTable.Settings settings = new PhysioNetTable.Settings(PhysioNetTable.MODELS, 2, 4, 3, 6, 6, 12, 6,
                3, 1e-3, 1e-4, 0.01, 48.0, 1, 1L);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PhysioNetTable.Result result = PhysioNetTable.run(ids(10), syntheticStays(10, 3L),
                List.of("HR", "Temp", "Urine"), settings, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String progress = bytes.toString(StandardCharsets.UTF_8);

        assertEquals(8, result.trainStays());
        assertEquals(2, result.testStays());
        // last value, the decay, and every model with and without its skip
        assertEquals(2 + 2 * PhysioNetTable.MODELS.size(), result.rows().size());
        for (PhysioNetTable.Row row : result.rows()) {
            assertTrue(Double.isFinite(row.interpolation()) && row.interpolation() > 0, row.toString());
            assertTrue(Double.isFinite(row.extrapolation()) && row.extrapolation() > 0, row.toString());
            assertTrue(row.interpolationValues() > 0 && row.extrapolationValues() > 0, row.toString());
            boolean untrained = row.model().equals(PhysioNetTable.LAST_VALUE) || row.model().equals(PhysioNetTable.DECAY);
            assertEquals(untrained ? -1 : 2, row.iterationsRun(), row.toString());
            boolean skip = row.model().equals(PhysioNetTable.DECAY) || row.model().endsWith(PhysioNetTable.SKIP_SUFFIX);
            // a skip has a calibrated distribution and no bottleneck to reconstruct through; a network reconstructs
            assertEquals(skip || row.model().startsWith("latent"), Double.isFinite(row.coverage90()), row.toString());
            assertEquals(!skip && !untrained, Double.isFinite(row.reconstruction()), row.toString());
        }
        // every model is scored on the same values
        long values = result.rows().get(0).interpolationValues();
        assertTrue(result.rows().stream().allMatch(r -> r.interpolationValues() == values));
        assertTrue(progress.contains("8 training stays, 2 test stays"), progress);
        assertTrue(progress.contains("[latent-ode] iter 2/2") && progress.contains("it/s"), progress);
        assertTrue(progress.contains("[ode-rnn] iter 1/2"), progress);

        String table = PhysioNetTable.markdown(result);
        assertTrue(table.contains("| Latent ODE (ODE enc.) | " + String.format(Locale.ROOT, "%.3f",
                1e3 * result.row(PhysioNetTable.LATENT_ODE).interpolation())), table);
        assertTrue(table.contains("| 2.118 ± 0.271 | 2.231 ± 0.029 |"), table);
        assertTrue(table.contains("| RNN-Δt | "), table);
        assertTrue(table.contains("| 3.520 ± 0.276 | — |"), table);
        assertTrue(table.contains("Last value carried forward"), table);
        assertTrue(table.contains("| Latent ODE (ODE enc.) + decay skip | "), table);
        assertTrue(table.contains("**The paper's protocol**"), table);
        assertTrue(table.contains("Total run time"), table);

        Path report = dir.resolve("RESULTS.md");
        Files.writeString(report, "# Results\n\nhand-written\n");
        PhysioNetReport.writeSection(report, PhysioNetReport.section(result, List.of("first run")));
        PhysioNetReport.writeSection(report, PhysioNetReport.section(result, List.of("second run")));
        String page = Files.readString(report);
        assertTrue(page.startsWith("# Results\n\nhand-written\n"), page);
        assertTrue(page.contains("second run") && !page.contains("first run"), page);
        assertEquals(page.indexOf(PhysioNetReport.BEGIN), page.lastIndexOf(PhysioNetReport.BEGIN), page);
    }

    @Test
    void onlyTheChosenModelsTrain() {
        PhysioNetTable.Settings settings = new PhysioNetTable.Settings(List.of(PhysioNetTable.RNN_DT), 2, 4, 3, 6, 6,
                12, 6, 3, 1e-3, 1e-4, 0.01, 1.0, 1, 1L);
        PhysioNetTable.Result result = PhysioNetTable.run(ids(10), syntheticStays(10, 3L),
                List.of("HR", "Temp", "Urine"), settings, new PrintStream(new ByteArrayOutputStream(), true,
                        StandardCharsets.UTF_8));
        assertEquals(List.of(PhysioNetTable.LAST_VALUE, PhysioNetTable.DECAY, PhysioNetTable.RNN_DT,
                        PhysioNetTable.RNN_DT + PhysioNetTable.SKIP_SUFFIX),
                result.rows().stream().map(PhysioNetTable.Row::model).toList());
    }

    @Test
    void separateTrainingAndTestStaysAreScoredAsGiven() {
        PhysioNetTable.Settings settings = new PhysioNetTable.Settings(List.of(PhysioNetTable.RNN_DT), 2, 4, 3, 6, 6,
                12, 6, 3, 1e-3, 1e-4, 0.01, 48.0, 1, 1L);
        PhysioNetTable.Result result = PhysioNetTable.run(syntheticStays(6, 3L), syntheticStays(3, 4L),
                List.of("HR", "Temp", "Urine"), settings, new PrintStream(new ByteArrayOutputStream(), true,
                        StandardCharsets.UTF_8), "set-b");
        assertEquals(6, result.trainStays());
        assertEquals(3, result.testStays());
        assertTrue(PhysioNetTable.markdown(result).contains("3 test stays (set-b), trained on 6 stays"),
                PhysioNetTable.markdown(result));
    }

    @Test
    void unknownModelsAndImpossibleWindowsAreRejected() {
        PhysioNetTable.Settings d = PhysioNetTable.Settings.defaults();
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> d.withModels(List.of("lstm")));
        assertTrue(unknown.getMessage().contains("unknown model 'lstm'"), unknown.getMessage());
        IllegalArgumentException window = assertThrows(IllegalArgumentException.class,
                () -> new PhysioNetTable.Settings(d.models(), 1, 1, 1, 1, 1, 10, 10, 1, 1e-3, 1e-4, 0.01, 1, 1, 1L));
        assertTrue(window.getMessage().contains("split must be in [1, window)"), window.getMessage());
    }
}
