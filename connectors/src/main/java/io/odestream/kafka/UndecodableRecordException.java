package io.odestream.kafka;

/** The bytes of a Kafka record are not a record of the topic's Avro type. */
public final class UndecodableRecordException extends Exception {
    public UndecodableRecordException(String message) {
        super(message);
    }

    public UndecodableRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
