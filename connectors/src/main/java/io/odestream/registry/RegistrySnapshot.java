package io.odestream.registry;

import io.odestream.kafka.Rejection;
import io.odestream.schema.ModelArtifact;
import io.odestream.schema.RegistryServing;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The registry as of one read of both topics up to their end offsets: every verified version of
 * every model, the serving pointers, and the records that were ignored and why. Immutable; holds
 * only artifacts that passed {@link ArtifactVerifier}.
 */
public final class RegistrySnapshot {
    private final Map<String, NavigableMap<Long, ModelArtifact>> versions;
    private final Map<String, RegistryServing> serving;
    private final List<Rejection> rejected;

    RegistrySnapshot(Map<String, NavigableMap<Long, ModelArtifact>> versions, Map<String, RegistryServing> serving,
            List<Rejection> rejected) {
        Map<String, NavigableMap<Long, ModelArtifact>> copy = new TreeMap<>();
        versions.forEach((id, v) -> copy.put(id, Collections.unmodifiableNavigableMap(new TreeMap<>(v))));
        this.versions = Collections.unmodifiableMap(copy);
        this.serving = Collections.unmodifiableMap(new TreeMap<>(serving));
        this.rejected = List.copyOf(rejected);
    }

    /** Models with at least one verified version or a serving pointer. */
    public Set<String> modelIds() {
        Set<String> ids = new TreeSet<>(versions.keySet());
        ids.addAll(serving.keySet());
        return ids;
    }

    /** Verified versions of {@code modelId}, oldest first; empty when there is none. */
    public List<ModelArtifact> versions(String modelId) {
        NavigableMap<Long, ModelArtifact> v = versions.get(modelId);
        return v == null ? List.of() : new ArrayList<>(v.values());
    }

    public Optional<ModelArtifact> version(String modelId, long version) {
        NavigableMap<Long, ModelArtifact> v = versions.get(modelId);
        return v == null ? Optional.empty() : Optional.ofNullable(v.get(version));
    }

    /** The highest verified version. */
    public Optional<ModelArtifact> latest(String modelId) {
        NavigableMap<Long, ModelArtifact> v = versions.get(modelId);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.lastEntry().getValue());
    }

    public Optional<RegistryServing> serving(String modelId) {
        return Optional.ofNullable(serving.get(modelId));
    }

    /** The artifact the serving pointer names, if it is there and verified. */
    public Optional<ModelArtifact> served(String modelId) {
        return serving(modelId).flatMap(s -> version(modelId, s.getServingVersion()));
    }

    /** Records that were ignored, in topic order. */
    public List<Rejection> rejected() {
        return rejected;
    }
}
