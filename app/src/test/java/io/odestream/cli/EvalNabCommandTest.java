package io.odestream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.eval.nab.NabReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code odestream eval nab} end to end on a one-file NAB layout written here (a noisy daily sine
 * with a spike in its one window): results files, the score table, the report section, and the
 * error for a missing labels file. Runs the product's default settings (one fit, a few seconds).
 */
class EvalNabCommandTest {
    static final DateTimeFormatter NAB_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss");

    record Run(int exit, String out, String err) {
    }

    static Run odestream(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Odestream.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return new Run(cli.execute(args), out.toString(), err.toString());
    }

    @Test
    void runsTheDetectorWritesResultsScoresThemAndUpdatesTheReport(@TempDir Path nab) throws IOException {
        int rows = 600;
        int spike = 450;
        Random random = new Random(8);
        StringBuilder csv = new StringBuilder("timestamp,value\n");
        for (int i = 0; i < rows; i++) {
            double v = 20 + 5 * Math.sin(2 * Math.PI * i / 288.0) + 0.5 * random.nextGaussian() + (i == spike ? 10 : 0);
            csv.append(time(i)).append(',').append(String.format(Locale.ROOT, "%.3f", v)).append('\n');
        }
        Files.createDirectories(nab.resolve("data/synthetic"));
        Files.writeString(nab.resolve("data/synthetic/spike.csv"), csv);
        Files.createDirectories(nab.resolve("labels"));
        Files.writeString(nab.resolve("labels/combined_windows.json"), "{\"synthetic/spike.csv\": [[\""
                + time(spike - 30) + ".000000\", \"" + time(spike + 29) + ".000000\"]]}");
        Path report = nab.resolve("docs/RESULTS.md");

        // with continual learning (a round every 200 of the 510 scored rows; the first period's 16 windows, a fifth held out,
        // are too few for a round), which the report says with its command
        Run run = odestream("eval", "nab", "--data", nab.resolve("data").toString(), "--out", nab.resolve("out").toString(),
                "--report", report.toString(), "--no-progress", "--fine-tune-every", "200", "--fine-tune-iterations", "5");

        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("continual learning: a fine-tuning round every 200 scored rows, 5 iterations each, "
                + "on every window since the first row; 1 rounds"), run.out());
        assertTrue(Files.isRegularFile(nab.resolve("out/synthetic/odestream_spike.csv")));
        assertTrue(run.out().contains("NAB scores over 1 files, 1 windows"), run.out());
        assertTrue(run.out().contains("1 series, 600 rows"), run.out());
        String section = Files.readString(report);
        assertTrue(section.contains(NabReport.BEGIN) && section.contains("odestream (latent-ODE filter"), section);
        assertTrue(section.contains("--fine-tune-every 200 --fine-tune-iterations 5`"), section);

        // another seed, another score mode and no level shift: the settings say them, and so does the report's command
        Run seeded = odestream("eval", "nab", "--data", nab.resolve("data").toString(), "--out",
                nab.resolve("out").toString(), "--report", report.toString(), "--no-progress", "--seed", "11",
                "--score-mode", "mean-path", "--level-shift", "off");
        assertEquals(0, seeded.exit(), seeded.err());
        assertTrue(seeded.out().contains("seed=11,") && seeded.out().contains("score mode mean-path"), seeded.out());
        assertTrue(Files.readString(report).contains("--seed 11 --score-mode mean-path --level-shift off`"),
                Files.readString(report));

        // several seeds: each run into its own folder, exactly as that seed's single run; the report leads with their mean
        Run both = odestream("eval", "nab", "--data", nab.resolve("data").toString(), "--out",
                nab.resolve("seeds").toString(), "--report", report.toString(), "--no-progress", "--seeds", "11,4",
                "--score-mode", "mean-path", "--level-shift", "off");
        assertEquals(0, both.exit(), both.err());
        assertEquals(Files.readString(nab.resolve("out/synthetic/odestream_spike.csv")),
                Files.readString(nab.resolve("seeds/seed-11/synthetic/odestream_spike.csv")));
        assertTrue(Files.isRegularFile(nab.resolve("seeds/seed-4/synthetic/odestream_spike.csv")));
        assertTrue(both.out().contains("seed 11: standard ") && both.out().contains("seed 4: standard ")
                && both.out().contains("over the 2 seeds: mean "), both.out());
        String seedsSection = Files.readString(report);
        assertTrue(seedsSection.contains("--seeds 11,4 --score-mode mean-path --level-shift off`")
                && seedsSection.contains("odestream (latent-ODE filter + alert policy), mean of 2 seeds**"), seedsSection);

        Run twice = odestream("eval", "nab", "--data", nab.resolve("data").toString(), "--out",
                nab.resolve("seeds").toString(), "--no-progress", "--seeds", "1-3", "--seed", "2");
        assertEquals(1, twice.exit());
        assertTrue(twice.err().contains("--seed and --seeds"), twice.err());

        Run noLabels = odestream("eval", "nab", "--data", nab.resolve("data").toString(), "--out",
                nab.resolve("out").toString(), "--labels", nab.resolve("missing.json").toString(), "--no-progress");
        assertEquals(1, noLabels.exit());
        assertTrue(noLabels.err().contains("missing.json") && noLabels.err().contains("--labels"), noLabels.err());
    }

    @Test
    void aMissingDataFolderSaysWhatToPass(@TempDir Path tmp) {
        String missing = tmp.resolve("no-nab/data").toString();
        for (Run run : new Run[] {
            odestream("eval", "nab", "--data", missing, "--out", tmp.resolve("out").toString(), "--no-progress"),
            odestream("eval", "nab-score", "--data", missing, "--results", tmp.toString())}) {
            assertEquals(1, run.exit(), run.err());
            assertTrue(run.err().contains("no NAB data folder at") && run.err().contains(missing)
                    && run.err().contains("pass --data DIR"), run.err());
        }
    }

    @Test
    void aNegativeFineTuningPeriodSaysWhatIsAllowed(@TempDir Path tmp) {
        Run run = odestream("eval", "nab", "--data", tmp.toString(), "--out", tmp.resolve("out").toString(),
                "--no-progress", "--fine-tune-every", "-5");
        assertEquals(1, run.exit(), run.err());
        assertTrue(run.err().contains("--fine-tune-every must be >= 0 rows") && run.err().contains("-5"), run.err());
    }

    @Test
    void seasonalSettingsThatDescribeNoSeasonSayWhichOptionIsWrong(@TempDir Path tmp) {
        Run kind = odestream("eval", "nab", "--data", tmp.toString(), "--out", tmp.resolve("out").toString(),
                "--no-progress", "--seasonal", "--seasonal-kind", "weekly");
        assertEquals(1, kind.exit(), kind.err());
        assertTrue(kind.err().contains("--seasonal-kind weekly"), kind.err());
        Run harmonics = odestream("eval", "nab", "--data", tmp.toString(), "--out", tmp.resolve("out").toString(),
                "--no-progress", "--seasonal", "--seasonal-harmonics", "0,0");
        assertEquals(1, harmonics.exit(), harmonics.err());
        assertTrue(harmonics.err().contains("--seasonal-harmonics 0,0") && harmonics.err().contains("at least one"),
                harmonics.err());
    }

    static String time(int row) {
        return LocalDateTime.of(2024, 5, 1, 0, 0).plusMinutes(5L * row).format(NAB_TIME);
    }
}
