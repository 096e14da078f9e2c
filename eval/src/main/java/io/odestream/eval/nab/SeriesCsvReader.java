package io.odestream.eval.nab;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads NAB's CSV files: data files ({@code timestamp,value}) and a detector's results files
 * ({@code timestamp,value,anomaly_score,label}, extra columns allowed). Columns are found by
 * header name. Every problem names the file and its line (header = line 1; NAB files have no
 * multi-line cells).
 */
public final class SeriesCsvReader {
    private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder()
            .setHeader().setSkipHeaderRecord(true).setIgnoreSurroundingSpaces(true).setTrim(true)
            .setIgnoreEmptyLines(true).get();

    private SeriesCsvReader() {
    }

    /** A data file; {@code name} is its path relative to NAB's {@code data/} folder. */
    public static NabSeries readData(Path file, String name) {
        List<LocalDateTime> timestamps = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        forEachRecord(file, List.of("timestamp", "value"), (record, where) -> {
            LocalDateTime t = NabTimestamp.parse(record.get("timestamp"), where);
            timestamps.add(t);
            values.add(number(record.get("value"), "value", where));
        });
        double[] v = new double[values.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = values.get(i);
        }
        return new NabSeries(name, timestamps.toArray(LocalDateTime[]::new), v);
    }

    /**
     * The {@code anomaly_score} column of a results file written for {@code data}: one row per
     * data row, in the same order (checked on the {@code timestamp} column when present), each
     * score in [0, 1].
     */
    public static double[] readAnomalyScores(Path file, NabSeries data) {
        double[] scores = new double[data.rows()];
        int[] count = {0};
        forEachRecord(file, List.of("anomaly_score"), (record, where) -> {
            int row = count[0]++;
            if (row >= scores.length) {
                throw new NabInputException(where + ": the results file has more rows than its data file " + data.name()
                        + " (" + data.rows() + "); results must hold exactly one row per data row");
            }
            if (record.isMapped("timestamp") && record.isSet("timestamp")
                    && !NabTimestamp.parse(record.get("timestamp"), where).equals(data.timestamps()[row])) {
                throw new NabInputException(where + ": timestamp " + record.get("timestamp") + " differs from row "
                        + (row + 2) + " of the data file " + data.name() + " (" + data.timestamps()[row]
                        + "); results rows must be the data rows in the same order");
            }
            double s = number(record.get("anomaly_score"), "anomaly_score", where);
            if (!(s >= 0.0 && s <= 1.0)) {
                throw new NabInputException(where + ": anomaly_score " + record.get("anomaly_score")
                        + " is outside [0, 1]; NAB scores are in [0, 1] (rescale the detector's output)");
            }
            scores[row] = s;
        });
        if (count[0] != scores.length) {
            throw new NabInputException(file + ": " + count[0] + " result rows but the data file " + data.name() + " has "
                    + data.rows() + "; results must hold exactly one row per data row (rerun the detector)");
        }
        return scores;
    }

    private interface RecordConsumer {
        void accept(CSVRecord record, String where);
    }

    private static void forEachRecord(Path file, List<String> requiredColumns, RecordConsumer consumer) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                CSVParser parser = CSVParser.builder().setReader(reader).setFormat(FORMAT).get()) {
            List<String> header = parser.getHeaderNames();
            for (String column : requiredColumns) {
                if (!header.contains(column)) {
                    throw new NabInputException(file + ", line 1: no '" + column + "' column in the header " + header
                            + "; NAB files start with a header such as timestamp,value[,anomaly_score,...]");
                }
            }
            try {
                for (CSVRecord record : parser) {
                    String where = file + ", line " + (record.getRecordNumber() + 1);
                    for (String column : requiredColumns) {
                        if (!record.isSet(column)) {
                            throw new NabInputException(where + ": the row has no '" + column + "' cell");
                        }
                    }
                    consumer.accept(record, where);
                }
            } catch (UncheckedIOException e) {
                throw new NabInputException(file + ", near line " + parser.getCurrentLineNumber()
                        + ": malformed CSV (" + e.getCause().getMessage() + ")", e);
            }
        } catch (NoSuchFileException e) {
            throw new NabInputException(file + ": no such file; check the path", e);
        } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
            throw new NabInputException(file + ": cannot be read as CSV with a header (" + e.getMessage() + ")", e);
        }
    }

    private static double number(String cell, String column, String where) {
        try {
            double d = Double.parseDouble(cell);
            if (Double.isNaN(d)) {
                throw new NumberFormatException("NaN");
            }
            return d;
        } catch (NumberFormatException e) {
            throw new NabInputException(where + ": " + column + " '" + cell + "' is not a number; fix or remove the row "
                    + "(a results file must score every data row)");
        }
    }
}
