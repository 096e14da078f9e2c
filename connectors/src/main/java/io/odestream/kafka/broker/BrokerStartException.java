package io.odestream.kafka.broker;

import io.odestream.UserFacingException;

/** The embedded broker did not come up; the message carries the tail of the broker's log. */
public final class BrokerStartException extends UserFacingException {
    public BrokerStartException(String message) {
        super(message);
    }

    public BrokerStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
