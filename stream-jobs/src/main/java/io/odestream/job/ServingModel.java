package io.odestream.job;

import io.odestream.kafka.Rejection;
import io.odestream.latent.LatentFilter;
import io.odestream.model.InvalidArtifactException;
import io.odestream.registry.ArtifactVerifier;
import io.odestream.schema.ModelArtifact;
import java.util.Optional;

/**
 * The model a subtask serves: the artifact (kept in broadcast state, so it survives a restore) and
 * the filter built from it (rebuilt after a restore). {@link #admit} is the gate every artifact
 * passes before it is served.
 */
public final class ServingModel {
    public final ModelArtifact artifact;
    public final LatentFilter filter;
    /** The names a model without its own takes from the version it replaced (null if none had names). */
    private final java.util.List<String> inheritedNames;

    private ServingModel(ModelArtifact artifact, LatentFilter filter, java.util.List<String> inheritedNames) {
        this.artifact = artifact;
        this.filter = filter;
        this.inheritedNames = inheritedNames;
    }

    public String modelId() {
        return artifact.getModelId();
    }

    public long version() {
        return artifact.getVersion();
    }

    public int channels() {
        return filter.model().spec().channels();
    }

    /**
     * The channels' names in model order: the artifact's own, else those of the named version it
     * replaced (a rollback to an artifact written before names existed keeps matching by name); null
     * when neither had names (taken by position). After a restore only the artifact's own count.
     */
    public java.util.List<String> channelNames() {
        java.util.List<String> own = filter.model().spec().channelNames();
        return own != null ? own : inheritedNames;
    }

    /** The filter for an artifact that already passed {@link #admit} (after a restore). */
    public static ServingModel of(ModelArtifact artifact) {
        return new ServingModel(artifact, LatentFilter.init(artifact), null);
    }

    /** What the gate decided: the model to serve, or why {@code candidate} must not be served. */
    public record Admission(ServingModel model, String rejection) {
        static Admission rejected(String why) {
            return new Admission(null, why);
        }
    }

    /**
     * The gate every artifact passes before it replaces {@code current}. Checked in order: signature
     * and checksum, finite parameters, loadable with consistent shapes, same channel count as the
     * model served now (the stream's observations have that width), the same channel names in the same
     * order when the served model names them (a model without names may follow or be followed by one
     * with names; it takes the served version's names),
     * immutable versions. An admitted
     * artifact comes with its filter, built once here.
     */
    public static Admission admit(ModelArtifact candidate, ServingModel current, ArtifactVerifier verifier) {
        Optional<Rejection> rejection = verifier.check(candidate);
        if (rejection.isPresent()) {
            return Admission.rejected(rejection.get().toString());
        }
        for (double p : candidate.getParameters()) {
            if (!Double.isFinite(p)) {
                return Admission.rejected(name(candidate) + " has non-finite parameters; it cannot be served");
            }
        }
        LatentFilter filter;
        try {
            filter = LatentFilter.init(candidate);
        } catch (InvalidArtifactException | IllegalArgumentException e) {
            return Admission.rejected(name(candidate) + " cannot be loaded: " + e.getMessage());
        }
        if (current != null) {
            int channels = filter.model().spec().channels();
            if (channels != current.channels()) {
                return Admission.rejected(name(candidate) + " has " + channels + " channels but the served version "
                        + current.version() + " has " + current.channels() + "; the stream's observations have "
                        + current.channels() + " values, so a model of another width needs its own job");
            }
            java.util.List<String> names = filter.model().spec().channelNames();
            if (names != null && current.channelNames() != null && !current.channelNames().equals(names)) {
                // the series' recent observations are kept in the served model's order and re-encoded from it
                return Admission.rejected(name(candidate) + " names its channels " + names + " but the served version "
                        + current.version() + " names " + current.channelNames() + "; the series' history is kept in "
                        + "the served order, so a model with other channels or another order needs its own job");
            }
            if (candidate.getVersion() == current.version()
                    && !candidate.getChecksum().equals(current.artifact.getChecksum())) {
                return Admission.rejected(name(candidate) + " differs from the served artifact of the same version; "
                        + "versions are immutable, publish it as a new version");
            }
            if (names == null) {
                // an artifact from before names (a rollback target): same width, so it takes the served order
                return new Admission(new ServingModel(candidate, filter, current.channelNames()), null);
            }
        }
        return new Admission(new ServingModel(candidate, filter, null), null);
    }

    private static String name(ModelArtifact a) {
        return "model '" + a.getModelId() + "' version " + a.getVersion();
    }
}
