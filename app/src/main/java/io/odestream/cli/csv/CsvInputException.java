package io.odestream.cli.csv;

import io.odestream.UserFacingException;

/** A CSV file that cannot be read at all (missing, no header, unknown layout); the message names it. */
public final class CsvInputException extends UserFacingException {
    private static final long serialVersionUID = 1L;

    public CsvInputException(String message) {
        super(message);
    }

    public CsvInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
