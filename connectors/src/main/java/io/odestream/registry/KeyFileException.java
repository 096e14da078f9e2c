package io.odestream.registry;

import io.odestream.UserFacingException;

/** A key file that is missing, unreadable or not the kind of key expected; the message names the file. */
public final class KeyFileException extends UserFacingException {
    private static final long serialVersionUID = 1L;

    public KeyFileException(String message) {
        super(message);
    }

    public KeyFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
