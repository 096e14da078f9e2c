package io.odestream.cli;

import io.odestream.UserFacingException;

/** A command that cannot do what was asked; the message names the input and what to do. */
public final class CommandFailedException extends UserFacingException {
    private static final long serialVersionUID = 1L;

    public CommandFailedException(String message) {
        super(message);
    }

    public CommandFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
