package io.odestream.registry;

/**
 * A record on a registry topic that the registry ignored, with where it is and why: an artifact
 * that failed verification ({@code rejection} set), or a record that could not be decoded or sits
 * under the wrong key ({@code rejection} null).
 */
public record RejectedRecord(String topic, int partition, long offset, String key, String reason,
        ArtifactRejection rejection) {

    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset + " key '" + key + "': " + reason;
    }
}
