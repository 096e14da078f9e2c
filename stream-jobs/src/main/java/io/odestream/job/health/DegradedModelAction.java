package io.odestream.job.health;

import java.io.Serializable;

/**
 * What the guard does about a degraded served version besides alerting: roll serving back through
 * the registry ({@link io.odestream.job.deploy.RegistryRollback}).
 */
public interface DegradedModelAction extends AutoCloseable {

    /**
     * Acts on {@code version} of {@code modelId}, found degraded for {@code reason}; says what was done.
     *
     * @throws RuntimeException when it failed (the caller reports it; the alert is raised regardless)
     */
    String act(String modelId, long version, String reason);

    @Override
    void close();

    /** Opens the action inside a task: the factory travels with the operator, so it must serialise. */
    @FunctionalInterface
    interface Factory extends Serializable {
        DegradedModelAction open();
    }
}
