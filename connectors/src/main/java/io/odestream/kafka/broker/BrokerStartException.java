package io.odestream.kafka.broker;

/** The embedded broker did not come up; the message carries the tail of the broker's log. */
public final class BrokerStartException extends RuntimeException {
    public BrokerStartException(String message) {
        super(message);
    }

    public BrokerStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
