package io.odestream.eval.nab;

import java.time.LocalDateTime;
import java.util.List;

/**
 * What the scorer needs of one file: its row count, its label windows as inclusive row ranges
 * (in time order, not overlapping) and the detector's anomaly score of every row, in [0, 1].
 */
public record ScoredSeries(String name, int rows, int[] windowFirstRow, int[] windowLastRow, double[] anomalyScores) {
    public ScoredSeries {
        if (windowFirstRow.length != windowLastRow.length) {
            throw new IllegalArgumentException(name + ": window starts and ends differ in number");
        }
        if (anomalyScores.length != rows) {
            throw new NabInputException(name + ": " + anomalyScores.length + " anomaly scores for " + rows
                    + " data rows; a detector must score every row of the data file, in order");
        }
        int previousLast = -1;
        for (int w = 0; w < windowFirstRow.length; w++) {
            if (windowFirstRow[w] <= previousLast || windowLastRow[w] < windowFirstRow[w] || windowLastRow[w] >= rows) {
                throw new NabInputException(name + ": label window " + (w + 1) + " (rows " + windowFirstRow[w] + ".."
                        + windowLastRow[w] + ") is out of order, overlaps the previous one or lies outside the "
                        + rows + " rows; fix the windows file");
            }
            previousLast = windowLastRow[w];
        }
        for (int i = 0; i < rows; i++) {
            double s = anomalyScores[i];
            if (!(s >= 0.0 && s <= 1.0)) {
                throw new NabInputException(name + ": anomaly score " + s + " of row " + i + " is outside [0, 1]");
            }
        }
    }

    /**
     * Places {@code windows} on the rows of {@code series}: both ends must be timestamps of its
     * rows, as in NAB's labels; like NAB ({@code timestamps.index}) the first row with that
     * timestamp is taken, which matters where a file repeats timestamps.
     */
    public static ScoredSeries of(NabSeries series, List<LabelWindow> windows, double[] anomalyScores, String labelsSource) {
        LocalDateTime[] ts = series.timestamps();
        int[] first = new int[windows.size()];
        int[] last = new int[windows.size()];
        for (int w = 0; w < windows.size(); w++) {
            first[w] = rowOf(ts, windows.get(w).start(), series.name(), labelsSource);
            last[w] = rowOf(ts, windows.get(w).end(), series.name(), labelsSource);
        }
        return new ScoredSeries(series.name(), series.rows(), first, last, anomalyScores);
    }

    public int windowCount() {
        return windowFirstRow.length;
    }

    private static int rowOf(LocalDateTime[] timestamps, LocalDateTime t, String name, String labelsSource) {
        int row = 0;
        while (row < timestamps.length && !timestamps[row].equals(t)) {
            row++;
        }
        if (row == timestamps.length) {
            throw new NabInputException(labelsSource + ": window end point " + t + " of " + name
                    + " is not a timestamp of the data file; window ends must be data rows (use the labels that "
                    + "belong to this data)");
        }
        return row;
    }
}
