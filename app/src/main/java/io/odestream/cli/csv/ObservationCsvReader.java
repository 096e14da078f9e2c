package io.odestream.cli.csv;

import io.odestream.schema.Observation;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads Observations from a CSV file in one of the {@link CsvLayout}s. Rows that cannot be used
 * are reported as {@link CsvProblem}s (line number and reason) and skipped; the file as a whole
 * fails only when it has no usable header ({@link CsvInputException}).
 *
 * <p>Two passes over the file: {@link #plan()} counts the rows (for the progress bar) and, for
 * the long layout without fixed channels, learns the file's channels in order of first appearance,
 * so every Observation of the file has the same channel list, in the same order (a channel a series
 * never has is null in it), as {@code odestream train} orders a model trained on the file. (Per
 * series orders would send the same CSV's series as [temp, pressure] and [pressure, temp].)
 * {@link #read} then emits Observations in file order.
 *
 * <p>Long layout: rows with the same series_id and timestamp become one Observation when they
 * are in the same block of equal timestamps (sorted files satisfy this). A row for a series and
 * timestamp that was already emitted, or a channel given twice, is a problem, not a silent
 * overwrite. An Observation with no value at all is a problem too (the job would dead-letter it).
 */
public final class ObservationCsvReader {
    private final Path file;
    private final String source;
    private final CsvLayout forcedLayout;
    private final List<String> fixedChannels;
    private Plan plan;

    /**
     * @param layout   null = detect from the header
     * @param channels null = the file's channels in order of first appearance (long) / the header's
     *                 columns (wide);
     *                 otherwise the channels and their order in every Observation
     */
    public ObservationCsvReader(Path file, CsvLayout layout, List<String> channels) {
        this.file = file;
        this.source = file.toString();
        this.forcedLayout = layout;
        this.fixedChannels = channels == null ? null : List.copyOf(channels);
        if (fixedChannels != null && new HashSet<>(fixedChannels).size() != fixedChannels.size()) {
            throw new CsvInputException("--channels " + fixedChannels + " names a channel twice; name each once");
        }
    }

    /**
     * What pass 1 found: the layout, the header, the number of data rows, and for the long layout
     * without fixed channels the file's channels in order of first appearance (else empty).
     */
    public record Plan(CsvLayout layout, List<String> header, long dataRows, List<String> channels) {
    }

    /** Receives Observations in file order with the line number of their last row. */
    @FunctionalInterface
    public interface ObservationSink {
        void accept(Observation observation, long line);
    }

    /** Rows read, Observations emitted, rows skipped. */
    public record Summary(CsvLayout layout, long rows, long observations, long problems) {
    }

    public Plan plan() {
        if (plan == null) {
            plan = scan();
        }
        return plan;
    }

    public Summary read(ObservationSink sink, Consumer<CsvProblem> problems) {
        Plan p = plan();
        Pass pass = p.layout() == CsvLayout.LONG ? new LongPass(p, sink, problems) : new WidePass(p, sink, problems);
        try (BufferedReader in = open()) {
            String line = in.readLine(); // header, checked by plan()
            long lineNumber = 1;
            while ((line = in.readLine()) != null) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                pass.rows++;
                List<String> cells;
                try {
                    cells = CsvLines.cells(line);
                } catch (CsvLines.MalformedLineException e) {
                    pass.problem(lineNumber, e.getMessage());
                    continue;
                }
                pass.row(cells, lineNumber);
            }
            pass.finish();
        } catch (IOException e) {
            throw new CsvInputException("cannot read " + source + ": " + e.getMessage(), e);
        }
        return new Summary(p.layout(), pass.rows, pass.emitted, pass.problemCount);
    }

    private Plan scan() {
        try (BufferedReader in = open()) {
            String headerLine = in.readLine();
            if (headerLine == null || headerLine.isBlank()) {
                throw new CsvInputException(source + " is empty; expected a header line such as "
                        + "'series_id,timestamp,channel,value' and data rows");
            }
            if (headerLine.charAt(0) == '\uFEFF') {
                headerLine = headerLine.substring(1); // UTF-8 byte order mark written by some spreadsheets
            }
            List<String> header;
            try {
                header = CsvLines.cells(headerLine);
            } catch (CsvLines.MalformedLineException e) {
                throw new CsvInputException(source + ":1: the header is not valid CSV: " + e.getMessage());
            }
            CsvLayout layout = forcedLayout == null ? CsvLayout.detect(header, source) : forcedLayout;
            layout.check(header, source);
            if (layout == CsvLayout.WIDE) {
                checkWideHeader(header);
            }
            LinkedHashSet<String> channels = new LinkedHashSet<>();
            boolean learnChannels = layout == CsvLayout.LONG && fixedChannels == null;
            long rows = 0;
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                rows++;
                if (learnChannels) {
                    try {
                        List<String> cells = CsvLines.cells(line);
                        if (cells.size() == 4 && !cells.get(0).isEmpty() && !cells.get(2).isEmpty()) {
                            channels.add(cells.get(2));
                        }
                    } catch (CsvLines.MalformedLineException reportedInPass2) {
                        // read() reports it with its line number
                    }
                }
            }
            return new Plan(layout, List.copyOf(header), rows, List.copyOf(channels));
        } catch (IOException e) {
            throw new CsvInputException("cannot read " + source + ": " + e.getMessage(), e);
        }
    }

    private void checkWideHeader(List<String> header) {
        Set<String> seen = new HashSet<>();
        for (String column : header.subList(2, header.size())) {
            if (column.isBlank()) {
                throw new CsvInputException(source + ":1: the header has an empty channel name; name every column");
            }
            if (!seen.add(column)) {
                throw new CsvInputException(source + ":1: channel column '" + column + "' appears twice in the header");
            }
        }
        if (fixedChannels != null) {
            for (String c : fixedChannels) {
                if (!seen.contains(c)) {
                    throw new CsvInputException("--channels names '" + c + "', which is not a column of " + source
                            + " (columns: " + header.subList(2, header.size()) + ")");
                }
            }
        }
    }

    private BufferedReader open() throws IOException {
        try {
            return Files.newBufferedReader(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CsvInputException("the CSV file " + source + " does not exist; check the --csv path", e);
        }
    }

    /** State of one read: counters and problem reporting shared by both layouts. */
    private abstract class Pass {
        final ObservationSink sink;
        final Consumer<CsvProblem> problems;
        long rows;
        long emitted;
        long problemCount;

        Pass(ObservationSink sink, Consumer<CsvProblem> problems) {
            this.sink = sink;
            this.problems = problems;
        }

        abstract void row(List<String> cells, long line);

        void finish() {
        }

        void problem(long line, String reason) {
            problemCount++;
            problems.accept(new CsvProblem(source, line, reason));
        }

        /** Series id and event time of a row, or null after reporting why not. */
        Long eventTime(String seriesId, String timestamp, long line) {
            if (seriesId.isEmpty()) {
                problem(line, "series_id is empty; every row needs the id of its series");
                return null;
            }
            try {
                long t = EventTimes.parseMillis(timestamp);
                if (t <= 0) {
                    problem(line, "timestamp '" + timestamp + "' is not after 1970-01-01T00:00:00Z; event times must be > 0");
                    return null;
                }
                return t;
            } catch (IllegalArgumentException e) {
                problem(line, e.getMessage());
                return null;
            }
        }

        /**
         * Stores the cell's value in {@code out[index]} (null when empty, the channel was not
         * observed); reports the row and returns false when the cell is not a number. NaN and
         * Infinity are passed on: the job masks and counts them (DESIGN: failure rules).
         */
        boolean parseValue(String cell, String channel, Double[] out, int index, long line) {
            if (cell.isEmpty()) {
                out[index] = null;
                return true;
            }
            try {
                out[index] = Double.valueOf(cell);
                return true;
            } catch (NumberFormatException e) {
                problem(line, "value '" + cell + "' of channel '" + channel + "' is not a number; "
                        + "write a decimal number, or leave the cell empty when the channel was not observed");
                return false;
            }
        }

        void emit(String seriesId, long eventTime, Double[] values, List<String> channels, long line) {
            if (Arrays.stream(values).allMatch(v -> v == null)) {
                problem(line, "series '" + seriesId + "' at " + Instant.ofEpochMilli(eventTime)
                        + " has no value in any channel; nothing to send");
                return;
            }
            emitted++;
            sink.accept(Observation.newBuilder()
                    .setSeriesId(seriesId)
                    .setEventTime(Instant.ofEpochMilli(eventTime))
                    .setValues(Arrays.asList(values.clone()))
                    .setChannels(channels)
                    .build(), line);
        }
    }

    private final class WidePass extends Pass {
        private final List<String> header;
        private final List<String> channels;
        private final int[] columnOf;

        WidePass(Plan plan, ObservationSink sink, Consumer<CsvProblem> problems) {
            super(sink, problems);
            this.header = plan.header();
            List<String> all = header.subList(2, header.size());
            this.channels = fixedChannels == null ? List.copyOf(all) : fixedChannels;
            this.columnOf = channels.stream().mapToInt(c -> 2 + all.indexOf(c)).toArray();
        }

        @Override
        void row(List<String> cells, long line) {
            if (cells.size() != header.size()) {
                problem(line, "expected " + header.size() + " cells like the header (" + String.join(",", header)
                        + "), found " + cells.size() + "; leave a cell empty for a channel that was not observed");
                return;
            }
            String seriesId = cells.get(0);
            Long t = eventTime(seriesId, cells.get(1), line);
            if (t == null) {
                return;
            }
            Double[] values = new Double[channels.size()];
            for (int i = 0; i < values.length; i++) {
                if (!parseValue(cells.get(columnOf[i]), channels.get(i), values, i, line)) {
                    return;
                }
            }
            emit(seriesId, t, values, channels, line);
        }
    }

    private final class LongPass extends Pass {
        private final List<String> fileChannels;
        /** Observations being assembled for the current block of equal timestamps, by series. */
        private final Map<String, Group> open = new LinkedHashMap<>();
        /** Event times already sent, per series: exact duplicate detection, ~50 bytes per observation. */
        private final Map<String, Set<Long>> emittedTimes = new HashMap<>();
        private long blockTime = Long.MIN_VALUE;

        LongPass(Plan plan, ObservationSink sink, Consumer<CsvProblem> problems) {
            super(sink, problems);
            this.fileChannels = fixedChannels != null ? fixedChannels : plan.channels();
        }

        private final class Group {
            final String seriesId;
            final long eventTime;
            final List<String> channels;
            final Double[] values;
            final long[] lineOf;
            long lastLine;

            Group(String seriesId, long eventTime, List<String> channels) {
                this.seriesId = seriesId;
                this.eventTime = eventTime;
                this.channels = channels;
                this.values = new Double[channels.size()];
                this.lineOf = new long[channels.size()];
            }
        }

        @Override
        void row(List<String> cells, long line) {
            if (cells.size() != 4) {
                problem(line, "expected 4 cells (series_id,timestamp,channel,value), found " + cells.size());
                return;
            }
            String seriesId = cells.get(0);
            Long t = eventTime(seriesId, cells.get(1), line);
            if (t == null) {
                return;
            }
            String channel = cells.get(2);
            if (channel.isEmpty()) {
                problem(line, "channel is empty; name the channel this value belongs to");
                return;
            }
            List<String> channels = fileChannels;
            int index = channels.indexOf(channel);
            if (index < 0) {
                problem(line, "channel '" + channel + "' is not in --channels " + fixedChannels
                        + "; add it there or drop the row");
                return;
            }
            if (t != blockTime) {
                flush();
                blockTime = t;
            }
            Set<Long> sent = emittedTimes.get(seriesId);
            if (sent != null && sent.contains(t)) {
                problem(line, "series '" + seriesId + "' at " + cells.get(1) + " was already sent from earlier rows; "
                        + "rows of one observation must be in one block of equal timestamps (sort the file by timestamp)");
                return;
            }
            Group g = open.computeIfAbsent(seriesId, s -> new Group(s, t, channels));
            Double[] parsed = new Double[1];
            if (!parseValue(cells.get(3), channel, parsed, 0, line)) {
                return;
            }
            if (g.lineOf[index] != 0) {
                problem(line, "channel '" + channel + "' of series '" + seriesId + "' at " + cells.get(1)
                        + " is given twice (first on line " + g.lineOf[index] + "); keep one row");
                return;
            }
            g.values[index] = parsed[0];
            g.lineOf[index] = line;
            g.lastLine = line;
        }

        @Override
        void finish() {
            flush();
        }

        private void flush() {
            for (Group g : open.values()) {
                emittedTimes.computeIfAbsent(g.seriesId, id -> new HashSet<>()).add(g.eventTime);
                if (g.lastLine > 0) {
                    emit(g.seriesId, g.eventTime, g.values, g.channels, g.lastLine);
                }
            }
            open.clear();
        }
    }

    @Override
    public String toString() {
        return "ObservationCsvReader[" + source + ", layout "
                + (forcedLayout == null ? "auto" : forcedLayout.name().toLowerCase(Locale.ROOT)) + "]";
    }
}
