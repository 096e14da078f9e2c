package io.odestream.eval.nab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NAB's input files: what is read, and how bad input is reported (file, line, what to do). */
class NabInputReadersTest {
    @TempDir
    Path dir;

    static final String DATA = """
            timestamp,value
            2014-04-01 00:00:00,1.5
            2014-04-01 00:05:00,2.5
            2014-04-01 00:10:00,3.5
            """;

    Path write(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        return file;
    }

    NabSeries data() throws IOException {
        return SeriesCsvReader.readData(write("data/cat/x.csv", DATA), "cat/x.csv");
    }

    static void assertMessage(NabInputException e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + part + "' missing in: " + e.getMessage());
        }
    }

    @Test
    void dataFilesGiveTimestampsAndValues() throws IOException {
        NabSeries s = data();
        assertEquals(3, s.rows());
        assertEquals(LocalDateTime.of(2014, 4, 1, 0, 5), s.timestamps()[1]);
        assertArrayEquals(new double[] {1.5, 2.5, 3.5}, s.values());
    }

    @Test
    void resultsFilesGiveTheAnomalyScoreColumnWhateverElseTheyHold() throws IOException {
        Path results = write("results/cat/det_x.csv", """
                timestamp,value,anomaly_score,raw_score,label,S(t)_reward_low_FP_rate
                2014-04-01 00:00:00,1.5,0.0,0.3,0,0
                2014-04-01 00:05:00,2.5,0.25,0.3,0,0
                2014-04-01 00:10:00,3.5,1,0.3,1,0
                """);
        assertArrayEquals(new double[] {0.0, 0.25, 1.0}, SeriesCsvReader.readAnomalyScores(results, data()));
    }

    @Test
    void aResultsFileWithADifferentRowCountIsRejected() throws IOException {
        Path results = write("results/cat/det_x.csv", "timestamp,value,anomaly_score\n2014-04-01 00:00:00,1.5,0.5\n");
        assertMessage(assertThrows(NabInputException.class, () -> SeriesCsvReader.readAnomalyScores(results, data())),
                results.toString(), "1 result rows", "has 3", "one row per data row");
    }

    @Test
    void anUnparseableScoreIsReportedWithItsLine() throws IOException {
        Path results = write("results/cat/det_x.csv", """
                timestamp,value,anomaly_score
                2014-04-01 00:00:00,1.5,0.5
                2014-04-01 00:05:00,2.5,high
                2014-04-01 00:10:00,3.5,0.5
                """);
        assertMessage(assertThrows(NabInputException.class, () -> SeriesCsvReader.readAnomalyScores(results, data())),
                results + ", line 3", "'high' is not a number");
    }

    @Test
    void aScoreOutsideZeroToOneIsRejected() throws IOException {
        Path results = write("results/cat/det_x.csv", """
                timestamp,value,anomaly_score
                2014-04-01 00:00:00,1.5,0.5
                2014-04-01 00:05:00,2.5,0.5
                2014-04-01 00:10:00,3.5,1.2
                """);
        assertMessage(assertThrows(NabInputException.class, () -> SeriesCsvReader.readAnomalyScores(results, data())),
                results + ", line 4", "outside [0, 1]");
    }

    @Test
    void resultsRowsMustBeTheDataRowsInOrder() throws IOException {
        Path results = write("results/cat/det_x.csv", """
                timestamp,value,anomaly_score
                2014-04-01 00:00:00,1.5,0.5
                2014-04-01 00:10:00,3.5,0.5
                2014-04-01 00:05:00,2.5,0.5
                """);
        assertMessage(assertThrows(NabInputException.class, () -> SeriesCsvReader.readAnomalyScores(results, data())),
                ", line 3", "same order");
    }

    @Test
    void aMissingFileOrColumnIsNamed() throws IOException {
        Path missing = dir.resolve("nope.csv");
        assertMessage(assertThrows(NabInputException.class, () -> SeriesCsvReader.readData(missing, "nope.csv")),
                missing.toString(), "no such file");
        Path noScore = write("results/cat/det_x.csv", "timestamp,value\n2014-04-01 00:00:00,1.5\n");
        assertMessage(assertThrows(NabInputException.class, () -> SeriesCsvReader.readAnomalyScores(noScore, data())),
                "line 1", "no 'anomaly_score' column");
    }

    @Test
    void windowsUseNabsMicrosecondTimestampsAndLandOnDataRows() throws IOException {
        Path labels = write("labels/windows.json", """
                {"cat/x.csv": [["2014-04-01 00:05:00.000000", "2014-04-01 00:10:00.000000"]], "cat/y.csv": []}
                """);
        Map<String, List<LabelWindow>> windows = NabJsonReader.readWindows(labels);
        assertEquals(List.of(), windows.get("cat/y.csv"));
        ScoredSeries s = ScoredSeries.of(data(), windows.get("cat/x.csv"), new double[3], labels.toString());
        assertArrayEquals(new int[] {1}, s.windowFirstRow());
        assertArrayEquals(new int[] {2}, s.windowLastRow());
    }

    @Test
    void aWindowEndThatIsNoDataRowIsRejected() throws IOException {
        Path labels = write("labels/windows.json", """
                {"cat/x.csv": [["2014-04-01 00:05:00.000000", "2014-04-01 00:07:00.000000"]]}
                """);
        List<LabelWindow> w = NabJsonReader.readWindows(labels).get("cat/x.csv");
        assertMessage(assertThrows(NabInputException.class, () -> ScoredSeries.of(data(), w, new double[3], labels.toString())),
                labels.toString(), "2014-04-01T00:07", "not a timestamp of the data file");
    }

    @Test
    void profilesAreReadInFileOrder() throws IOException {
        Path profiles = write("config/profiles.json", """
                {"standard": {"CostMatrix": {"tpWeight": 1.0, "fnWeight": 1.0, "fpWeight": 0.11, "tnWeight": 1.0}},
                 "strict": {"CostMatrix": {"tpWeight": 1.0, "fnWeight": 3.0, "fpWeight": 0.5}}}
                """);
        assertEquals(List.of(CostProfile.STANDARD, new CostProfile("strict", 1.0, 0.5, 3.0)),
                NabJsonReader.readProfiles(profiles));
        Path broken = write("config/broken.json", "{\"standard\": {\"CostMatrix\": {\"tpWeight\": 1.0}}}");
        assertMessage(assertThrows(NabInputException.class, () -> NabJsonReader.readProfiles(broken)),
                broken.toString(), "fpWeight");
    }

    @Test
    void resultsFilesAreMatchedToDataFilesByNabsNaming() throws IOException {
        write("data/cat/x.csv", DATA);
        write("data/cat/a_x.csv", DATA);
        String results = "timestamp,value,anomaly_score\n2014-04-01 00:00:00,1,0\n2014-04-01 00:05:00,1,0\n"
                + "2014-04-01 00:10:00,1,1\n";
        write("results/cat/det_x.csv", results);
        write("results/cat/det_a_x.csv", results); // the longest data name wins: a_x.csv, not x.csv
        write("results/cat/det_z.csv", results);   // no data file: listed, not scored
        write("results/det_standard_scores.csv", "ignored");
        Path labels = write("labels/w.json", "{\"cat/x.csv\": [], \"cat/a_x.csv\": []}");
        NabResultsCorpus corpus = NabResultsCorpus.load(dir.resolve("data"), dir.resolve("results"), labels);
        assertEquals(List.of("cat/a_x.csv", "cat/x.csv"), corpus.series().stream().map(ScoredSeries::name).toList());
        assertEquals(List.of(dir.resolve("results/cat/det_z.csv")), corpus.unmatched());
    }
}
