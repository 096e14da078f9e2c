package io.odestream.kafka;

import io.odestream.schema.DeadLetterReason;

/** Why a decoded record cannot be used: a reason code and a sentence naming the field and the fix. */
public record Rejection(DeadLetterReason reason, String detail) {}
