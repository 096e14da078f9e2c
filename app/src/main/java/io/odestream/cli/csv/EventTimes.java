package io.odestream.cli.csv;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * Parses a CSV timestamp to epoch milliseconds. Accepted: an integer (epoch milliseconds), or
 * ISO-8601: {@code 2015-02-26T21:42:53Z}, with an offset {@code 2015-02-26T21:42:53+01:00},
 * without a zone {@code 2015-02-26T21:42:53} or {@code 2015-02-26 21:42:53} (the form NAB uses),
 * read as UTC, or a date {@code 2015-02-26} (midnight UTC). Fractional seconds are kept to the
 * millisecond.
 */
public final class EventTimes {
    private EventTimes() {
    }

    public static long parseMillis(String text) {
        String s = text.trim();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("the timestamp is empty");
        }
        if (isInteger(s)) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("timestamp '" + s + "' is out of range for epoch milliseconds");
            }
        }
        String iso = s.length() > 10 && s.charAt(10) == ' ' ? s.substring(0, 10) + 'T' + s.substring(11) : s;
        // one parse per form, chosen by shape: failed parses throw, and exceptions per row are slow
        try {
            if (iso.length() == 10) {
                return LocalDate.parse(iso).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
            }
            char last = iso.charAt(iso.length() - 1);
            if (last == 'Z' || last == 'z') {
                return Instant.parse(iso).toEpochMilli();
            }
            if (hasOffset(iso)) {
                return OffsetDateTime.parse(iso).toInstant().toEpochMilli();
            }
            return LocalDateTime.parse(iso).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("timestamp '" + s + "' is neither epoch milliseconds nor ISO-8601 "
                    + "(e.g. 2015-02-26T21:42:53Z or 2015-02-26 21:42:53, read as UTC)");
        }
    }

    /** A '+' or '-' after the 'T' starts a zone offset such as +01:00. */
    private static boolean hasOffset(String iso) {
        int t = iso.indexOf('T');
        return t > 0 && (iso.indexOf('+', t) > 0 || iso.indexOf('-', t) > 0);
    }

    private static boolean isInteger(String s) {
        int start = s.charAt(0) == '-' ? 1 : 0;
        if (start == s.length()) {
            return false;
        }
        for (int i = start; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
