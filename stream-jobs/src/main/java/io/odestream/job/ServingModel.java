package io.odestream.job;

import io.odestream.latent.LatentFilter;
import io.odestream.model.InvalidArtifactException;
import io.odestream.registry.ArtifactRejection;
import io.odestream.registry.ArtifactVerifier;
import io.odestream.schema.ModelArtifact;
import java.util.Optional;

/**
 * The model a subtask serves: the artifact (kept in broadcast state, so it survives a restore) and
 * the filter built from it (rebuilt after a restore). {@link #check} is the gate every artifact
 * passes before it is served.
 */
final class ServingModel {
    final ModelArtifact artifact;
    final LatentFilter filter;

    private ServingModel(ModelArtifact artifact, LatentFilter filter) {
        this.artifact = artifact;
        this.filter = filter;
    }

    String modelId() {
        return artifact.getModelId();
    }

    long version() {
        return artifact.getVersion();
    }

    int channels() {
        return filter.model().spec().channels();
    }

    /** The filter for an artifact that already passed {@link #check}. */
    static ServingModel of(ModelArtifact artifact) {
        return new ServingModel(artifact, LatentFilter.init(artifact));
    }

    /**
     * Why {@code candidate} must not replace {@code current} (empty: serve it). Checked in order:
     * signature and checksum, loadable with consistent shapes and finite parameters, same channel
     * count as the model served now (the stream's observations have that width), immutable versions.
     */
    static Optional<String> check(ModelArtifact candidate, ServingModel current, ArtifactVerifier verifier) {
        Optional<ArtifactRejection> rejection = verifier.check(candidate);
        if (rejection.isPresent()) {
            return Optional.of(rejection.get().reason() + ": " + rejection.get().message());
        }
        for (double p : candidate.getParameters()) {
            if (!Double.isFinite(p)) {
                return Optional.of(name(candidate) + " has non-finite parameters; it cannot be served");
            }
        }
        LatentFilter filter;
        try {
            filter = LatentFilter.init(candidate);
        } catch (InvalidArtifactException | IllegalArgumentException e) {
            return Optional.of(name(candidate) + " cannot be loaded: " + e.getMessage());
        }
        if (current != null) {
            int channels = filter.model().spec().channels();
            if (channels != current.channels()) {
                return Optional.of(name(candidate) + " has " + channels + " channels but the served version "
                        + current.version() + " has " + current.channels() + "; the stream's observations have "
                        + current.channels() + " values, so a model of another width needs its own job");
            }
            if (candidate.getVersion() == current.version()
                    && !candidate.getChecksum().equals(current.artifact.getChecksum())) {
                return Optional.of(name(candidate) + " differs from the served artifact of the same version; "
                        + "versions are immutable, publish it as a new version");
            }
        }
        return Optional.empty();
    }

    private static String name(ModelArtifact a) {
        return "model '" + a.getModelId() + "' version " + a.getVersion();
    }
}
