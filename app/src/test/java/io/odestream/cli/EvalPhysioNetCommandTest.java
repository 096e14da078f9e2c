package io.odestream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.cli.EvalNabCommandTest.Run;
import io.odestream.eval.physionet.PaperProtocol;
import io.odestream.eval.physionet.PhysioNetReport;
import io.odestream.model.ModelArtifacts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code odestream eval physionet} end to end on ten stays in PhysioNet's file format written here:
 * the table on stdout (RNN-Δt only, two iterations) and the generated report section, twice, so
 * the second run replaces the first between the markers.
 */
class EvalPhysioNetCommandTest {

    static void writeStays(Path dir) throws IOException {
        writeStays(dir, 132_001);
    }

    /** Ten stays with RecordIDs from {@code firstId}. */
    static void writeStays(Path dir, int firstId) throws IOException {
        Files.createDirectories(dir);
        Random random = new Random(4);
        for (int id = firstId; id < firstId + 10; id++) {
            StringBuilder txt = new StringBuilder("Time,Parameter,Value\n00:00,RecordID," + id + "\n00:00,Age,60\n"
                    + "00:00,Gender,1\n00:00,Height,-1\n00:00,ICUType,2\n00:00,Weight,80\n");
            for (int minute = 7; minute < 48 * 60; minute += 60 + random.nextInt(60)) {
                String time = String.format(Locale.ROOT, "%02d:%02d", minute / 60, minute % 60);
                txt.append(time).append(",HR,").append(70 + random.nextInt(30)).append('\n');
                if (random.nextBoolean()) {
                    txt.append(time).append(",Temp,").append(36 + random.nextInt(3)).append('\n');
                }
            }
            Files.writeString(dir.resolve(id + ".txt"), txt);
        }
    }

    @Test
    void printsTheTableAndRefreshesTheReportSection(@TempDir Path tmp) throws IOException {
        writeStays(tmp.resolve("set-a"));
        Path report = tmp.resolve("RESULTS.md");
        Files.writeString(report, "# Results\n");
        String[] args = {"eval", "physionet", "--data", tmp.resolve("set-a").toString(), "--models", "rnn-dt",
            "--iterations", "2", "--batch", "3", "--window", "6", "--split", "3", "--report", report.toString()};

        Run first = EvalNabCommandTest.odestream(args);
        Run second = EvalNabCommandTest.odestream(args);

        assertEquals(0, first.exit(), first.err());
        assertEquals(0, second.exit(), second.err());
        assertTrue(second.out().contains("| Last value carried forward (no training) | "), second.out());
        assertTrue(second.out().contains("| RNN-Δt | "), second.out());
        assertTrue(second.out().contains("2 test stays (every 5th stay by RecordID of 10)"), second.out());
        String page = Files.readString(report);
        assertTrue(page.startsWith("# Results\n"), page);
        assertEquals(page.indexOf(PhysioNetReport.BEGIN), page.lastIndexOf(PhysioNetReport.BEGIN), page);
        assertTrue(page.contains("--models rnn-dt --iterations 2"), page);
    }

    @Test
    void aSeparateTestFolderIsScoredByModelsTrainedOnTheTrainingFolder(@TempDir Path tmp) throws IOException {
        writeStays(tmp.resolve("set-a"));
        writeStays(tmp.resolve("set-b"));
        Run run = EvalNabCommandTest.odestream("eval", "physionet", "--train", tmp.resolve("set-a").toString(),
                "--test", tmp.resolve("set-b").toString(), "--train-stays", "4", "--test-stays", "3", "--models",
                "rnn-dt", "--iterations", "2", "--batch", "3", "--window", "6", "--split", "3");

        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("3 test stays (3 of the 10 stays of " + tmp.resolve("set-b")
                + "; training stays 4 of the 10 of " + tmp.resolve("set-a") + "), trained on 4 stays"), run.out());
        assertTrue(run.out().contains("| RNN-Δt + decay skip | "), run.out());
    }

    /**
     * The paper's protocol on two pooled folders (every 5th stay of the 20 a test stay): its table and
     * report section; the checkpoint it wrote scores the same as the model it had at the end.
     */
    @Test
    void thePapersProtocolPoolsFoldersAndScoresItsCheckpoint(@TempDir Path tmp) throws IOException {
        writeStays(tmp.resolve("set-a"));
        writeStays(tmp.resolve("set-b"), 142_001);
        Path report = tmp.resolve("RESULTS.md");
        Path saved = tmp.resolve("models");
        Run run = EvalNabCommandTest.odestream("eval", "physionet", "--paper-protocol", "--data",
                tmp.resolve("set-a").toString(), "--data", tmp.resolve("set-b").toString(), "--iterations", "2",
                "--batch", "2", "--latent", "3", "--hidden", "4", "--units", "5", "--every", "1", "--paper-save",
                saved.toString(), "--report", report.toString());

        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("16 training stays, 4 test stays"), run.out());
        String row = run.out().lines().filter(l -> l.startsWith("| reconstruction | ")).findFirst().orElseThrow();
        assertTrue(row.contains("2 it, "), row);
        assertTrue(Files.readString(report).contains(PaperProtocol.BEGIN), "the report section is written");

        Run loaded = EvalNabCommandTest.odestream("eval", "physionet", "--paper-protocol", "--data",
                tmp.resolve("set-a").toString(), "--data", tmp.resolve("set-b").toString(), "--paper-load",
                saved.resolve("paper-reconstruction.artifact").toString());
        assertEquals(0, loaded.exit(), loaded.err());
        String scored = loaded.out().lines().filter(l -> l.startsWith("| reconstruction | ")).findFirst()
                .orElseThrow();
        assertEquals(row.substring(0, row.indexOf(" it, ") - 1), scored.substring(0, scored.indexOf("saved model")),
                "the checkpoint after the last iteration is the scored model");

        Run sampled = EvalNabCommandTest.odestream("eval", "physionet", "--paper-protocol", "--data",
                tmp.resolve("set-a").toString(), "--data", tmp.resolve("set-b").toString(), "--paper-load",
                saved.resolve("paper-reconstruction.artifact").toString(), "--paper-samples", "3");
        assertEquals(0, sampled.exit(), sampled.err());
        String predictive = sampled.out().lines()
                .filter(l -> l.startsWith("| reconstruction, predictive mean of 3 draws | ")).findFirst().orElseThrow();
        assertTrue(!predictive.split("\\|")[2].equals(scored.split("\\|")[2]),
                "the draws' mean reconstructs otherwise than z0's mean: " + predictive + " / " + scored);
        assertTrue(sampled.out().contains("Predictions: the mean of 3 posterior draws"), sampled.out());
    }

    /**
     * A warm start trains on from the saved model, not from a fresh one: with a learning rate too small
     * to move anything it scores what the saved model scores, and its own checkpoint counts the
     * iterations of both runs.
     */
    @Test
    void aWarmStartGoesOnFromTheSavedModel(@TempDir Path tmp) throws IOException {
        writeStays(tmp.resolve("set-a"));
        Path first = tmp.resolve("first");
        Path second = tmp.resolve("second");
        String data = tmp.resolve("set-a").toString();
        Run trained = EvalNabCommandTest.odestream("eval", "physionet", "--paper-protocol", "--data", data,
                "--iterations", "3", "--lr", "0.05", "--batch", "2", "--latent", "3", "--hidden", "4", "--units", "5",
                "--every", "1", "--paper-save", first.toString());
        assertEquals(0, trained.exit(), trained.err());
        Path saved = first.resolve("paper-reconstruction.artifact");

        Run warm = EvalNabCommandTest.odestream("eval", "physionet", "--paper-protocol", "--data", data,
                "--iterations", "1", "--lr", "1e-12", "--batch", "2", "--every", "1", "--paper-warm-start",
                saved.toString(), "--paper-save", second.toString());
        Run fresh = EvalNabCommandTest.odestream("eval", "physionet", "--paper-protocol", "--data", data,
                "--iterations", "1", "--lr", "1e-12", "--batch", "2", "--latent", "3", "--hidden", "4", "--units",
                "5", "--every", "1");
        Run loaded = EvalNabCommandTest.odestream("eval", "physionet", "--paper-protocol", "--data", data,
                "--paper-load", saved.toString());

        assertEquals(0, warm.exit(), warm.err());
        String warmRow = row(warm);
        assertTrue(warmRow.contains("| 1 it after 3 (warm start), "), warmRow);
        String loadedRow = row(loaded);
        String scores = loadedRow.substring(0, loadedRow.indexOf("saved model"));
        assertEquals(scores, warmRow.substring(0, scores.length()), "the saved model's scores");
        assertFalse(row(fresh).startsWith(scores), "a fresh model scores otherwise: " + row(fresh));
        assertEquals("4", ModelArtifacts.read(second.resolve("paper-reconstruction.artifact")).getLineage()
                .get("iterations"), "the warm run's checkpoint counts both runs' iterations");
    }

    @Test
    void aWarmStartNeedsASavedModelAndExcludesScoringOne(@TempDir Path tmp) throws IOException {
        writeStays(tmp.resolve("set-a"));
        String missing = tmp.resolve("none.artifact").toString();
        Run run = EvalNabCommandTest.odestream("eval", "physionet", "--paper-protocol", "--data",
                tmp.resolve("set-a").toString(), "--paper-warm-start", missing);
        assertTrue(run.exit() != 0);
        assertTrue(run.err().contains("no saved model at " + missing), run.err());
        Run both = EvalNabCommandTest.odestream("eval", "physionet", "--paper-protocol", "--data",
                tmp.resolve("set-a").toString(), "--paper-warm-start", missing, "--paper-load", missing);
        assertTrue(both.exit() != 0);
        assertTrue(both.err().contains("give one of them"), both.err());
    }

    private static String row(Run run) {
        return run.out().lines().filter(l -> l.startsWith("| reconstruction | ")).findFirst()
                .orElseThrow(() -> new AssertionError("no reconstruction row in: " + run.out() + run.err()));
    }

    @Test
    void dataAndTrainTestFoldersAreEitherOr(@TempDir Path tmp) throws IOException {
        writeStays(tmp.resolve("set-a"));
        Run both = EvalNabCommandTest.odestream("eval", "physionet", "--data", tmp.resolve("set-a").toString(),
                "--train", tmp.resolve("set-a").toString(), "--models", "rnn-dt");
        assertTrue(both.exit() != 0);
        assertTrue(both.err().contains("either --data DIR"), both.err());
        Run half = EvalNabCommandTest.odestream("eval", "physionet", "--train", tmp.resolve("set-a").toString());
        assertTrue(half.exit() != 0);
        assertTrue(half.err().contains("both --train DIR and --test DIR"), half.err());
    }

    @Test
    void anUnknownModelFailsWithTheList(@TempDir Path tmp) throws IOException {
        writeStays(tmp.resolve("set-a"));
        Run run = EvalNabCommandTest.odestream("eval", "physionet", "--data", tmp.resolve("set-a").toString(),
                "--models", "lstm");
        assertTrue(run.exit() != 0);
        assertTrue(run.err().contains("unknown model 'lstm'"), run.err());
    }

    @Test
    void aMissingDataFolderSaysWhatToPass(@TempDir Path tmp) {
        String missing = tmp.resolve("set-a").toString();
        Run run = EvalNabCommandTest.odestream("eval", "physionet", "--data", missing, "--models", "rnn-dt");
        assertTrue(run.exit() != 0);
        assertTrue(run.err().contains("no PhysioNet folder at " + missing) && run.err().contains("pass --data DIR"),
                run.err());
    }
}
