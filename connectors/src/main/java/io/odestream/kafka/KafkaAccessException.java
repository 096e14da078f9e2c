package io.odestream.kafka;

import io.odestream.UserFacingException;

/**
 * Kafka refused this client: its credentials, its TLS trust, or a permission it needs. The
 * message names the user, the broker and what to change, and never holds a secret.
 */
public final class KafkaAccessException extends UserFacingException {
    private static final long serialVersionUID = 1L;

    public KafkaAccessException(String message) {
        super(message);
    }

    public KafkaAccessException(String message, Throwable cause) {
        super(message, cause);
    }
}
