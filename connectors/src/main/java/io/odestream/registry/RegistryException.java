package io.odestream.registry;

import io.odestream.UserFacingException;

/** A registry operation that cannot be done as asked (unknown version, conflicting republish, Kafka failure). */
public class RegistryException extends UserFacingException {
    private static final long serialVersionUID = 1L;

    public RegistryException(String message) {
        super(message);
    }

    public RegistryException(String message, Throwable cause) {
        super(message, cause);
    }
}
