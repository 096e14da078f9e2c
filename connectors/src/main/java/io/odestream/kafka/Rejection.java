package io.odestream.kafka;

import io.odestream.schema.DeadLetterReason;

/**
 * Why a record cannot be used: a reason code and a sentence naming the record, the field and the
 * fix. The same type for records dead-lettered from a data topic and for records the model
 * registry ignores, so every refusal reads the same ({@code REASON: detail}).
 */
public record Rejection(Reason reason, String detail) {

    public Rejection {
        if (reason == null || detail == null) {
            throw new IllegalArgumentException("a rejection needs a reason and a detail");
        }
    }

    /** Why a record was refused. */
    public enum Reason {
        // a record on a data topic, dead-lettered under the DeadLetterReason of the same name
        /** The bytes are not a record of the topic's Avro type. */
        UNDECODABLE,
        EMPTY_SERIES_ID,
        INVALID_EVENT_TIME,
        EVENT_TIME_IN_FUTURE,
        CHANNEL_COUNT_MISMATCH,
        NOTHING_OBSERVED,
        /** Any other invalid field, or a validator that failed. */
        INVALID_RECORD,
        /** The observation's channel names are not the served model's (nor a permutation of them). */
        CHANNEL_NAMES_MISMATCH,

        // a record on a registry topic, which the registry ignores
        /** The record sits under another key than its content's, so it could shadow another record. */
        WRONG_KEY,
        /** No signature or no signing key id. */
        UNSIGNED,
        /** The spec or parameters do not hash to the recorded checksum: corrupted or modified. */
        CHECKSUM_MISMATCH,
        /** Signed by a key that is not among the trusted public keys. */
        UNKNOWN_KEY,
        /** The signature does not match the artifact's fields under the named key. */
        BAD_SIGNATURE;

        /**
         * The reason code of a dead letter for this reason; registry reasons are never dead-lettered
         * and map to {@link DeadLetterReason#UNKNOWN}.
         */
        public DeadLetterReason deadLetterReason() {
            for (DeadLetterReason r : DeadLetterReason.values()) {
                if (r.name().equals(name())) {
                    return r;
                }
            }
            return DeadLetterReason.UNKNOWN;
        }
    }

    @Override
    public String toString() {
        return reason + ": " + detail;
    }
}
