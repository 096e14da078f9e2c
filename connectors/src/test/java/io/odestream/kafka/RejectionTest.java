package io.odestream.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.odestream.schema.DeadLetterReason;
import org.junit.jupiter.api.Test;

/** Every dead-letter code has a rejection reason of the same name, so no data-topic refusal is dead-lettered as UNKNOWN. */
class RejectionTest {

    @Test
    void everyDeadLetterCodeHasTheReasonOfTheSameName() {
        for (DeadLetterReason code : DeadLetterReason.values()) {
            if (code != DeadLetterReason.UNKNOWN) {
                assertEquals(code, Rejection.Reason.valueOf(code.name()).deadLetterReason());
            }
        }
        assertEquals(DeadLetterReason.UNKNOWN, Rejection.Reason.BAD_SIGNATURE.deadLetterReason());
    }

    @Test
    void readsAsReasonThenDetail() {
        assertEquals("UNSIGNED: model 'm' version 2 is not signed",
                new Rejection(Rejection.Reason.UNSIGNED, "model 'm' version 2 is not signed").toString());
    }
}
