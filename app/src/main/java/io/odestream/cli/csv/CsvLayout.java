package io.odestream.cli.csv;

import java.util.List;
import java.util.Locale;

/**
 * The two CSV layouts {@code odestream produce} reads; the first line is always a header.
 * <ul>
 *   <li>{@link #LONG}: {@code series_id,timestamp,channel,value}, one value per row; rows of the
 *       same series and timestamp form one Observation.</li>
 *   <li>{@link #WIDE}: {@code series_id,timestamp,<channel>,<channel>...}, one Observation per
 *       row, an empty cell = channel not observed.</li>
 * </ul>
 */
public enum CsvLayout {
    LONG, WIDE;

    static final String SERIES_ID = "series_id";
    static final String TIMESTAMP = "timestamp";
    static final List<String> LONG_HEADER = List.of(SERIES_ID, TIMESTAMP, "channel", "value");

    /** The layout a header announces, or an exception saying what a header must look like. */
    public static CsvLayout detect(List<String> header, String source) {
        List<String> names = header.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).toList();
        if (names.equals(LONG_HEADER)) {
            return LONG;
        }
        if (names.size() >= 3 && names.get(0).equals(SERIES_ID) && names.get(1).equals(TIMESTAMP)) {
            return WIDE;
        }
        throw new CsvInputException(source + ": cannot tell the layout from the header " + header
                + "; the first line must be 'series_id,timestamp,channel,value' (long) or "
                + "'series_id,timestamp,<channel>,...' (wide), or give --format long|wide");
    }

    /** Checks that {@code header} fits this layout (when the user forced it with --format). */
    void check(List<String> header, String source) {
        List<String> names = header.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).toList();
        boolean fits = this == LONG ? names.equals(LONG_HEADER)
                : names.size() >= 3 && names.get(0).equals(SERIES_ID) && names.get(1).equals(TIMESTAMP);
        if (!fits) {
            throw new CsvInputException(source + ": the header " + header + " does not fit --format "
                    + name().toLowerCase(Locale.ROOT) + "; expected " + (this == LONG ? "'series_id,timestamp,channel,value'"
                    : "'series_id,timestamp,<channel>,...' with at least one channel column"));
        }
    }
}
