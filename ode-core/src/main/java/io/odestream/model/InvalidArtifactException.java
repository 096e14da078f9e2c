package io.odestream.model;

import io.odestream.UserFacingException;

/** A model artifact that cannot be used: unreadable, tampered with, or not the shape its spec says. */
public final class InvalidArtifactException extends UserFacingException {
    private static final long serialVersionUID = 1L;

    public InvalidArtifactException(String message) {
        super(message);
    }

    public InvalidArtifactException(String message, Throwable cause) {
        super(message, cause);
    }
}
