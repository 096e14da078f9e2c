package io.odestream.registry;

/** Why an artifact is not trusted. */
public enum RejectionReason {
    /** No signature or no signing key id. */
    UNSIGNED,
    /** The spec or parameters do not hash to the recorded checksum: corrupted or modified. */
    CHECKSUM_MISMATCH,
    /** Signed by a key that is not among the trusted public keys. */
    UNKNOWN_KEY,
    /** The signature does not match the artifact's fields under the named key. */
    BAD_SIGNATURE
}
