package io.odestream.eval.nab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A detector's results matched to NAB's data files and windows, ready to score.
 *
 * <p>Layout (NAB's): {@code dataDir/<category>/<name>.csv} and
 * {@code resultsDir/<category>/<detector>_<name>.csv} (or {@code <name>.csv}). A results file
 * belongs to the data file of the same category whose name it equals or ends with after an
 * underscore (the longest such name). Results files without a data file are listed in
 * {@link #unmatched()} and not scored; files at the top of {@code resultsDir} (NAB's
 * {@code *_scores.csv}) are ignored.
 */
public record NabResultsCorpus(List<ScoredSeries> series, List<NabSeries> data, List<Path> unmatched) {

    public static NabResultsCorpus load(Path dataDir, Path resultsDir, Path windowsFile) {
        requireDirectory(dataDir, "--data");
        requireDirectory(resultsDir, "--results");
        Map<String, List<LabelWindow>> windows = NabJsonReader.readWindows(windowsFile);
        List<ScoredSeries> scored = new ArrayList<>();
        List<NabSeries> data = new ArrayList<>();
        List<Path> unmatched = new ArrayList<>();
        for (Path results : csvFilesOneLevelDown(resultsDir)) {
            Path category = resultsDir.relativize(results).getParent();
            String dataName = dataFileFor(dataDir.resolve(category.toString()), results.getFileName().toString());
            if (dataName == null) {
                unmatched.add(results);
                continue;
            }
            String name = category.toString().replace('\\', '/') + "/" + dataName;
            List<LabelWindow> fileWindows = windows.get(name);
            if (fileWindows == null) {
                throw new NabInputException(windowsFile + ": no entry for " + name + "; every data file needs one (an empty "
                        + "list if it has no anomaly) — pass the windows file that belongs to this data (--labels)");
            }
            NabSeries series = SeriesCsvReader.readData(dataDir.resolve(name), name);
            double[] anomalyScores = SeriesCsvReader.readAnomalyScores(results, series);
            data.add(series);
            scored.add(ScoredSeries.of(series, fileWindows, anomalyScores, windowsFile.toString()));
        }
        if (scored.isEmpty()) {
            throw new NabInputException(resultsDir + ": no results file matches a data file of " + dataDir
                    + "; expected <category>/<detector>_<name>.csv for data <category>/<name>.csv");
        }
        return new NabResultsCorpus(List.copyOf(scored), List.copyOf(data), List.copyOf(unmatched));
    }

    private static String dataFileFor(Path categoryDir, String resultsName) {
        if (!Files.isDirectory(categoryDir)) {
            return null;
        }
        String best = null;
        for (Path candidate : csvFiles(categoryDir)) {
            String name = candidate.getFileName().toString();
            if ((resultsName.equals(name) || resultsName.endsWith("_" + name))
                    && (best == null || name.length() > best.length())) {
                best = name;
            }
        }
        return best;
    }

    private static List<Path> csvFilesOneLevelDown(Path dir) {
        List<Path> files = new ArrayList<>();
        for (Path sub : list(dir)) {
            if (Files.isDirectory(sub)) {
                files.addAll(csvFiles(sub));
            }
        }
        return files;
    }

    private static List<Path> csvFiles(Path dir) {
        return list(dir).stream().filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".csv")).toList();
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.sorted(Comparator.comparing(Path::toString)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot be listed", e);
        }
    }

    private static void requireDirectory(Path dir, String option) {
        if (!Files.isDirectory(dir)) {
            throw new NabInputException(option + " " + dir + ": no such directory; point it at NAB's layout "
                    + "(<category>/<file>.csv)");
        }
    }
}
