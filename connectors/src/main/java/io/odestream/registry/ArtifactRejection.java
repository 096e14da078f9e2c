package io.odestream.registry;

/** The verdict on an artifact that must not be served; {@link #message()} says what to do. */
public record ArtifactRejection(String modelId, long version, RejectionReason reason, String message) {
}
