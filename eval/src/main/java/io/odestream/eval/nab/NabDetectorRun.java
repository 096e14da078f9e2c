package io.odestream.eval.nab;

import io.odestream.eval.detector.DetectorOutput;
import io.odestream.eval.detector.LatentOdeDetector;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Runs odestream's detector over every series of a NAB data folder and writes NAB-layout results
 * ({@code out/<category>/odestream_<name>.csv}: timestamp, value, anomaly_score, raw_score, label),
 * which {@link NabResultsCorpus} and {@link NabScorer} then score like any detector's.
 *
 * <p>Each series is independent (its own model, fitted on its probationary rows), so series run
 * in parallel on {@code threads} threads; the results do not depend on the thread count.
 */
public final class NabDetectorRun {
    /** The detector name in results file names, as NAB names its detectors' files. */
    public static final String DETECTOR = "odestream";
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss");

    /** Told after each series, from the worker thread that ran it. */
    @FunctionalInterface
    public interface Listener {
        void seriesDone(SeriesRun run);

        static Listener silent() {
            return run -> { };
        }
    }

    /**
     * One series' run: name, rows, fit rows, fit and total seconds, whether the fit diverged, solver
     * failures, continual-learning rounds and the refreshed models they served.
     */
    public record SeriesRun(String name, int rows, int fitRows, double fitSeconds, double seconds, boolean fitDiverged,
                            int solverFailures, int fineTuningRounds, int modelSwaps) {
    }

    /** The whole run: what each series cost, the corpus as scored, and its wall time. */
    public record Result(List<SeriesRun> series, NabResultsCorpus corpus, double seconds) {
    }

    private NabDetectorRun() {
    }

    /** The data files of a NAB data folder ({@code <category>/<name>.csv}), as names relative to it, sorted. */
    public static List<String> dataFiles(Path dataDir) {
        if (!Files.isDirectory(dataDir)) {
            throw new NabInputException("--data " + dataDir + ": no such directory; point it at NAB's data folder "
                    + "(<category>/<name>.csv)");
        }
        try (Stream<Path> files = Files.walk(dataDir, 2)) {
            List<String> names = files.filter(p -> p.getNameCount() - dataDir.getNameCount() == 2)
                    .filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".csv"))
                    .map(p -> dataDir.relativize(p).toString().replace('\\', '/'))
                    .sorted(Comparator.naturalOrder()).toList();
            if (names.isEmpty()) {
                throw new NabInputException("--data " + dataDir + ": no <category>/<name>.csv files; point it at NAB's "
                        + "data folder");
            }
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException(dataDir + ": cannot be listed", e);
        }
    }

    /**
     * Runs {@code detector} over every data file that has an entry in {@code windowsFile}, writes
     * the results under {@code resultsDir} and loads them back for scoring.
     */
    public static Result run(LatentOdeDetector detector, Path dataDir, Path windowsFile, Path resultsDir, int threads,
                             Listener listener) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        long started = System.nanoTime();
        Map<String, List<LabelWindow>> windows = NabJsonReader.readWindows(windowsFile);
        List<String> names = dataFiles(dataDir).stream().filter(windows::containsKey).toList();
        if (names.isEmpty()) {
            throw new NabInputException(windowsFile + " has no entry for any data file under " + dataDir
                    + "; pass the windows file that belongs to this data (--labels)");
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "nab-detector");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<SeriesRun>> futures = new ArrayList<>();
            for (String name : names) {
                futures.add(pool.submit(() -> {
                    SeriesRun run = runOne(detector, dataDir, name, windows.get(name), resultsDir);
                    listener.seriesDone(run);
                    return run;
                }));
            }
            List<SeriesRun> runs = new ArrayList<>();
            for (Future<SeriesRun> f : futures) {
                runs.add(f.get());
            }
            NabResultsCorpus corpus = NabResultsCorpus.load(dataDir, resultsDir, windowsFile);
            return new Result(runs, corpus, (System.nanoTime() - started) / 1e9);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the detector ran", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("the detector failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private static SeriesRun runOne(LatentOdeDetector detector, Path dataDir, String name, List<LabelWindow> windows,
                                    Path resultsDir) {
        long started = System.nanoTime();
        NabSeries series = SeriesCsvReader.readData(dataDir.resolve(name), name);
        long[] times = new long[series.rows()];
        for (int i = 0; i < times.length; i++) {
            times[i] = series.timestamps()[i].toInstant(ZoneOffset.UTC).toEpochMilli();
        }
        int fitRows = RowWeights.probationLength(series.rows());
        DetectorOutput out = detector.run(times, series.values(), fitRows);
        ScoredSeries placed = ScoredSeries.of(series, windows, out.anomalyScore(), "labels");
        write(resultsFile(resultsDir, name), series, out, placed);
        return new SeriesRun(name, series.rows(), fitRows, out.fitSeconds(), (System.nanoTime() - started) / 1e9,
                out.fitDiverged(), out.solverFailures(), out.fineTuningRounds(), out.modelSwaps());
    }

    /** {@code resultsDir/<category>/odestream_<name>.csv}, NAB's naming. */
    public static Path resultsFile(Path resultsDir, String name) {
        int slash = name.indexOf('/');
        return resultsDir.resolve(name.substring(0, slash)).resolve(DETECTOR + "_" + name.substring(slash + 1));
    }

    private static void write(Path file, NabSeries series, DetectorOutput out, ScoredSeries placed) {
        boolean[] inWindow = new boolean[series.rows()];
        for (int w = 0; w < placed.windowCount(); w++) {
            for (int i = placed.windowFirstRow()[w]; i <= placed.windowLastRow()[w]; i++) {
                inWindow[i] = true;
            }
        }
        try {
            Files.createDirectories(file.getParent());
            try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                w.write("timestamp,value,anomaly_score,raw_score,label\n");
                LocalDateTime[] t = series.timestamps();
                for (int i = 0; i < series.rows(); i++) {
                    w.write(String.format(Locale.ROOT, "%s,%s,%s,%s,%d%n", TIMESTAMP.format(t[i]),
                            Double.toString(series.values()[i]), Double.toString(out.anomalyScore()[i]),
                            Double.toString(out.rawScore()[i]), inWindow[i] ? 1 : 0));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write the results file (is --out writable?)", e);
        }
    }
}
