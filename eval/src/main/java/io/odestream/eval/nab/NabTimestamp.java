package io.odestream.eval.nab;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;

/**
 * Timestamps as NAB writes them: {@code YYYY-MM-DD HH:MM:SS} in data and results files,
 * {@code YYYY-MM-DD HH:MM:SS.ffffff} in the label windows. Both parse to the same
 * {@link LocalDateTime}, so a window end point matches its data row.
 */
public final class NabTimestamp {
    private static final DateTimeFormatter FORMAT = new DateTimeFormatterBuilder()
            .appendPattern("uuuu-MM-dd HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true).optionalEnd()
            .toFormatter();

    private NabTimestamp() {
    }

    /** Parses {@code text}; {@code where} ("file, line 12") goes into the error message. */
    public static LocalDateTime parse(String text, String where) {
        try {
            return LocalDateTime.parse(text.strip(), FORMAT);
        } catch (DateTimeParseException e) {
            throw new NabInputException(where + ": timestamp '" + text + "' is not in NAB's format "
                    + "YYYY-MM-DD HH:MM:SS (optionally .ffffff); fix the row or regenerate the file");
        }
    }
}
