package io.odestream.cli.data;

import io.odestream.cli.csv.CsvInputException;
import io.odestream.cli.csv.CsvLayout;
import io.odestream.cli.csv.CsvProblem;
import io.odestream.cli.csv.ObservationCsvReader;
import io.odestream.latent.LatentOdeTraining.Series;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Training series read from disk: the CSV layouts of {@code odestream produce} (long, wide) or the
 * PhysioNet Challenge 2012 stays. Every series gets the same channel list (the union, in order of
 * first appearance), with NaN for channels a series never has.
 *
 * @param channels channel names, in model order
 * @param series   one entry per series id
 * @param ids      the series ids, aligned with {@code series}
 */
public record TrainingData(List<String> channels, List<Series> series, List<String> ids) {

    /** Long or wide CSV (one file, or every *.csv file of a directory). */
    public static TrainingData fromCsv(Path path, CsvLayout layout, Consumer<CsvProblem> problems) {
        Map<String, List<long[]>> times = new LinkedHashMap<>();
        Map<String, List<Map<String, Double>>> rows = new LinkedHashMap<>();
        LinkedHashSet<String> channels = new LinkedHashSet<>();
        for (Path file : files(path, ".csv")) {
            ObservationCsvReader reader = new ObservationCsvReader(file, layout, null);
            reader.read((observation, line) -> {
                String id = observation.getSeriesId();
                List<String> names = observation.getChannels();
                if (names == null) {
                    throw new CsvInputException(file + " line " + line + ": observations need channel names to train on");
                }
                Map<String, Double> row = new LinkedHashMap<>();
                for (int j = 0; j < names.size(); j++) {
                    Double v = observation.getValues().get(j);
                    channels.add(names.get(j));
                    row.put(names.get(j), v == null ? Double.NaN : v);
                }
                times.computeIfAbsent(id, k -> new ArrayList<>()).add(new long[] {observation.getEventTime().toEpochMilli()});
                rows.computeIfAbsent(id, k -> new ArrayList<>()).add(row);
            }, problems);
        }
        return assemble(new ArrayList<>(channels), times, rows);
    }

    /**
     * PhysioNet 2012 stays ({@code set-a/<RecordID>.txt}: {@code Time,Parameter,Value} with Time as
     * HH:MM since admission). The static descriptors at 00:00 (RecordID, Age, Gender, Height, ICUType)
     * are left out; −1 means missing; measurements at the same minute form one observation.
     */
    public static TrainingData fromPhysioNet(Path directory) {
        Map<String, List<long[]>> times = new LinkedHashMap<>();
        Map<String, List<Map<String, Double>>> rows = new LinkedHashMap<>();
        LinkedHashSet<String> channels = new LinkedHashSet<>();
        for (Path file : files(directory, ".txt")) {
            String id = file.getFileName().toString().replace(".txt", "");
            List<String> lines;
            try {
                lines = Files.readAllLines(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read PhysioNet stay " + file, e);
            }
            long currentMinute = -1;
            Map<String, Double> row = null;
            for (int i = 1; i < lines.size(); i++) {
                String[] cells = lines.get(i).split(",");
                if (cells.length != 3) {
                    throw new CsvInputException(file + " line " + (i + 1) + ": expected Time,Parameter,Value, got '"
                            + lines.get(i) + "'");
                }
                String parameter = cells[1].trim();
                if (parameter.isEmpty() || List.of("RecordID", "Age", "Gender", "Height", "ICUType").contains(parameter)) {
                    continue;
                }
                String[] hm = cells[0].trim().split(":");
                long minute = Long.parseLong(hm[0]) * 60 + Long.parseLong(hm[1]);
                double value = Double.parseDouble(cells[2].trim());
                if (value == -1) {
                    continue;
                }
                if (minute != currentMinute) {
                    row = new LinkedHashMap<>();
                    currentMinute = minute;
                    times.computeIfAbsent(id, k -> new ArrayList<>()).add(new long[] {minute * 60_000L});
                    rows.computeIfAbsent(id, k -> new ArrayList<>()).add(row);
                }
                channels.add(parameter);
                row.put(parameter, value);
            }
        }
        return assemble(new ArrayList<>(channels), times, rows);
    }

    private static TrainingData assemble(List<String> channels, Map<String, List<long[]>> times,
                                         Map<String, List<Map<String, Double>>> rows) {
        List<Series> series = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (String id : times.keySet()) {
            List<long[]> t = times.get(id);
            List<Map<String, Double>> r = rows.get(id);
            long[] millis = new long[t.size()];
            double[][] values = new double[t.size()][channels.size()];
            for (int k = 0; k < t.size(); k++) {
                millis[k] = t.get(k)[0];
                for (int j = 0; j < channels.size(); j++) {
                    values[k][j] = r.get(k).getOrDefault(channels.get(j), Double.NaN);
                }
            }
            series.add(new Series(millis, values));
            ids.add(id);
        }
        if (series.isEmpty()) {
            throw new CsvInputException("no series found; check --data and --format");
        }
        return new TrainingData(List.copyOf(channels), series, ids);
    }

    private static List<Path> files(Path path, String suffix) {
        if (Files.isRegularFile(path)) {
            return List.of(path);
        }
        if (!Files.isDirectory(path)) {
            throw new CsvInputException("--data " + path + " is neither a file nor a directory");
        }
        try (Stream<Path> s = Files.list(path)) {
            List<Path> found = s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
            if (found.isEmpty()) {
                throw new CsvInputException("--data " + path + " holds no *" + suffix + " files");
            }
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + path, e);
        }
    }
}
