package io.odestream.kafka;

import java.io.Serializable;
import java.util.Optional;

/** Checks a decoded record before the job sees it; a rejected record becomes a dead letter. */
@FunctionalInterface
public interface RecordValidator<T> extends Serializable {

    /** Empty when {@code record} is usable. Must not throw. */
    Optional<Rejection> validate(T record);

    static <T> RecordValidator<T> acceptAll() {
        return record -> Optional.empty();
    }
}
