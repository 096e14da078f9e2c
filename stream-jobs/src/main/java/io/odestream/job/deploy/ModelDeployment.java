package io.odestream.job.deploy;

import io.odestream.schema.ModelArtifact;
import java.io.Serializable;
import java.util.Optional;

/**
 * Where the fine-tuning job reads the model served now and sends the candidates that passed
 * validation: the model registry in the job ({@link RegistryDeployment}).
 */
public interface ModelDeployment extends AutoCloseable {

    /** The version served now, if any. */
    Optional<ModelArtifact> serving();

    /** The version number a new candidate gets: one above every version published so far. */
    long nextVersion();

    /** Deploys a candidate that passed validation; says what was done (published, promoted). */
    String deploy(ModelArtifact candidate, String reason);

    @Override
    void close();

    /** Opens a deployment inside a task (the factory travels with the operator). */
    @FunctionalInterface
    interface Factory extends Serializable {
        ModelDeployment open();
    }
}
