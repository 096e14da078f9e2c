package io.odestream.eval.nab;

import io.odestream.UserFacingException;

/** An input of the NAB scorer that cannot be used; the message names the file, the line and what to do. */
public final class NabInputException extends UserFacingException {
    private static final long serialVersionUID = 1L;

    public NabInputException(String message) {
        super(message);
    }

    public NabInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
