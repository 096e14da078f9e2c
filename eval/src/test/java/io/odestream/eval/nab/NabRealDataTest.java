package io.odestream.eval.nab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.hipparchus.special.Erf;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scorer on NAB's real series with their real windows and profiles — a slice of NAB bundled as
 * test resources ({@code src/test/resources/nab}, provenance and license in its README: 2 series,
 * 6 windows): detectors built from the windows must score exactly 100 and 0, and a simple online
 * baseline must get a finite score in between, through the same file readers the command uses.
 */
class NabRealDataTest {
    /** Series and label windows in the bundled slice (all windows past the probationary rows). */
    static final int SERIES = 2;
    static final int WINDOWS = 6;
    static Path nab;
    static List<NabSeries> data;
    static Map<String, List<LabelWindow>> windows;
    static List<CostProfile> profiles;

    @BeforeAll
    static void readNab() throws IOException {
        nab = bundledNab();
        windows = NabJsonReader.readWindows(nab.resolve("labels/combined_windows.json"));
        profiles = NabJsonReader.readProfiles(nab.resolve("config/profiles.json"));
        data = new ArrayList<>();
        for (String name : windows.keySet()) {
            data.add(SeriesCsvReader.readData(nab.resolve("data").resolve(name), name));
        }
    }

    @Test
    void theSliceHas2SeriesWith6WindowsAndNabsThreeProfiles() {
        assertEquals(SERIES, data.size());
        assertEquals(WINDOWS, data.stream().mapToInt(s -> windows.get(s.name()).size()).sum());
        assertEquals(List.of(CostProfile.STANDARD, CostProfile.REWARD_LOW_FP_RATE, CostProfile.REWARD_LOW_FN_RATE), profiles);
    }

    @Test
    void aDetectionAtTheFirstRowOfEveryWindowScores100OnEveryProfile() {
        NabScores scores = NabScorer.score(corpus(NabRealDataTest::perfect), profiles);
        for (ProfileScore p : scores.profiles()) {
            assertEquals(100.0, p.normalizedScore(), 1e-9, p.profile().name());
            assertEquals(WINDOWS * p.profile().tpWeight(), p.rawScore(), 1e-9);
        }
    }

    @Test
    void theNullDetectorScores0OnEveryProfile() {
        NabScores scores = NabScorer.score(corpus(s -> new double[s.rows()]), profiles);
        for (ProfileScore p : scores.profiles()) {
            assertEquals(0.0, p.normalizedScore(), 1e-9, p.profile().name());
            assertEquals(-WINDOWS * p.profile().fnWeight(), p.rawScore(), 1e-9); // NAB: −116/−232 over its 116 windows
            assertEquals(NabScorer.NO_DETECTION, p.threshold(), 0.0);
        }
    }

    @Test
    void aRunningZScoreBaselineGetsAFiniteScoreThroughTheResultsFiles(@TempDir Path results) throws IOException {
        for (NabSeries s : data) {
            writeResults(results.resolve(s.name().replace("/", "/baseline_")), s, runningZScore(s.values()));
        }
        NabResultsCorpus loaded = NabResultsCorpus.load(nab.resolve("data"), results,
                nab.resolve("labels/combined_windows.json"));
        assertEquals(SERIES, loaded.series().size());
        assertTrue(loaded.unmatched().isEmpty());

        NabScores scores = NabScorer.score(loaded.series(), profiles);
        System.out.println(scores.table().lines().limit(6).reduce("", (a, b) -> a + b + "\n"));
        for (ProfileScore p : scores.profiles()) {
            assertTrue(p.normalizedScore() > -100 && p.normalizedScore() < 100, p.profile().name() + " " + p.normalizedScore());
            assertTrue(p.threshold() < NabScorer.NO_DETECTION, "the baseline detects something");
            assertEquals(p.rawScore(), p.files().stream().mapToDouble(FileScore::score).sum(), 1e-9);
        }
    }

    /** Two-sided tail of a running z-score, computed before the row joins the statistics (strictly online). */
    static double[] runningZScore(double[] values) {
        double[] score = new double[values.length];
        double mean = 0;
        double m2 = 0;
        for (int i = 0; i < values.length; i++) {
            double sd = i > 1 ? Math.sqrt(m2 / (i - 1)) : 0;
            score[i] = sd > 0 ? Erf.erf(Math.abs(values[i] - mean) / (sd * Math.sqrt(2))) : 0.0;
            double delta = values[i] - mean; // Welford
            mean += delta / (i + 1);
            m2 += delta * (values[i] - mean);
        }
        return score;
    }

    static double[] perfect(ScoredSeriesInput s) {
        double[] score = new double[s.rows()];
        for (int first : s.windowFirstRow()) {
            score[first] = 1.0;
        }
        return score;
    }

    /** A series with its windows placed, before a detector has scored it. */
    record ScoredSeriesInput(NabSeries series, int[] windowFirstRow) {
        int rows() {
            return series.rows();
        }
    }

    interface Detector {
        double[] score(ScoredSeriesInput series);
    }

    static List<ScoredSeries> corpus(Detector detector) {
        List<ScoredSeries> corpus = new ArrayList<>();
        for (NabSeries s : data) {
            List<LabelWindow> w = windows.get(s.name());
            int[] first = ScoredSeries.of(s, w, new double[s.rows()], "windows").windowFirstRow();
            corpus.add(ScoredSeries.of(s, w, detector.score(new ScoredSeriesInput(s, first)), "windows"));
        }
        return corpus;
    }

    static void writeResults(Path file, NabSeries s, double[] scores) throws IOException {
        Files.createDirectories(file.getParent());
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(file))) {
            out.println("timestamp,value,anomaly_score,raw_score,label");
            for (int i = 0; i < s.rows(); i++) {
                out.printf(Locale.ROOT, "%s,%s,%s,0.0,0%n", s.timestamps()[i].toString().replace('T', ' ') + secondsIfZero(s, i),
                        s.values()[i], scores[i]);
            }
        }
    }

    /** LocalDateTime.toString drops ":00" seconds; NAB writes them. */
    private static String secondsIfZero(NabSeries s, int i) {
        return s.timestamps()[i].getSecond() == 0 && s.timestamps()[i].getNano() == 0 ? ":00" : "";
    }

    /** The bundled slice: {@code nab/} on the test classpath (a folder under target/test-classes). */
    static Path bundledNab() {
        URL root = NabRealDataTest.class.getResource("/nab/labels/combined_windows.json");
        if (root == null) {
            throw new IllegalStateException("the NAB slice is not on the test classpath; it lives in "
                    + "eval/src/test/resources/nab");
        }
        try {
            return Path.of(root.toURI()).getParent().getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
