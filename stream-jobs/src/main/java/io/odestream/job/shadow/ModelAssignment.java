package io.odestream.job.shadow;

import io.odestream.schema.ModelArtifact;

/**
 * What the shadow evaluator is told on its broadcast side: the artifact to {@link Role#SERVE} (the
 * one the forecasting job serves) or the {@link Role#SHADOW} candidate (published, not promoted).
 * A Flink POJO (public no-arg constructor, public fields), so it is serialised without Kryo.
 */
public final class ModelAssignment {

    /** Which of the two models the artifact is. */
    public enum Role {
        SERVE,
        SHADOW
    }

    public Role role;
    public ModelArtifact artifact;

    public ModelAssignment() {
    }

    public ModelAssignment(Role role, ModelArtifact artifact) {
        if (role == null || artifact == null) {
            throw new IllegalArgumentException("role and artifact are required, got role " + role + " and "
                    + (artifact == null ? "no artifact" : "an artifact"));
        }
        this.role = role;
        this.artifact = artifact;
    }

    /** The artifact the forecasting job serves. */
    public static ModelAssignment serve(ModelArtifact artifact) {
        return new ModelAssignment(Role.SERVE, artifact);
    }

    /** A newer candidate to run beside the served model. */
    public static ModelAssignment shadow(ModelArtifact artifact) {
        return new ModelAssignment(Role.SHADOW, artifact);
    }

    @Override
    public String toString() {
        return role + " " + (artifact == null ? "none" : artifact.getModelId() + " v" + artifact.getVersion());
    }
}
