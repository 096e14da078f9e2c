package io.odestream.registry;

import io.odestream.schema.ModelArtifact;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where an artifact made outside the registry (an offline {@code train}, which always writes version
 * 1) joins its model's lineage: the next version above every published one, its parent named by the
 * operator or kept from the file when the registry has it, and a note in the lineage map of where it
 * came from. The checksum covers neither version nor lineage, so placing changes no digest; the
 * artifact is signed after placing, so the signature binds the new version.
 *
 * @param artifact         the artifact to sign and publish (or the version already published)
 * @param alreadyPublished true when the registry holds this very content already; nothing is to be published
 */
public record LineagePlacement(ModelArtifact artifact, boolean alreadyPublished) {
    /** Lineage key: the file (or other source) the artifact was read from. */
    public static final String SOURCE = "published.from";
    /** Lineage key: the version the source itself carried. */
    public static final String SOURCE_VERSION = "published.sourceVersion";

    /**
     * Places {@code trained} in {@code now}.
     *
     * @param parent the version it was trained from, or null to keep the file's parent (when that
     *               version is in the registry) or to mark it trained from scratch
     * @param source where it came from, recorded under {@link #SOURCE}
     * @throws RegistryException when {@code parent} is not a verified version of the model
     */
    public static LineagePlacement place(RegistrySnapshot now, ModelArtifact trained, Long parent, String source) {
        String modelId = trained.getModelId();
        Optional<ModelArtifact> same = now.versions(modelId).stream()
                .filter(a -> a.getChecksum().equals(trained.getChecksum())).findFirst();
        if (same.isPresent()) {
            return new LineagePlacement(same.get(), true);
        }
        if (parent != null && now.version(modelId, parent).isEmpty()) {
            throw new RegistryException("--parent " + parent + ": model '" + modelId + "' has no verified version "
                    + parent + " (verified versions: " + now.versions(modelId).stream().map(ModelArtifact::getVersion)
                    .toList() + "); see `odestream models list`");
        }
        Long fileParent = trained.getParentVersion();
        Long placedParent = parent != null ? parent
                : fileParent != null && now.version(modelId, fileParent).isPresent() ? fileParent : null;
        long version = now.latest(modelId).map(a -> a.getVersion() + 1).orElse(1L);
        Map<String, String> lineage = new HashMap<>(trained.getLineage());
        lineage.put(SOURCE, source);
        lineage.put(SOURCE_VERSION, Long.toString(trained.getVersion()));
        ModelArtifact placed = ModelArtifact.newBuilder(trained)
                .setVersion(version)
                .setParentVersion(placedParent)
                .setLineage(lineage)
                .setSignature(null)
                .setSigningKeyId(null)
                .build();
        return new LineagePlacement(placed, false);
    }
}
