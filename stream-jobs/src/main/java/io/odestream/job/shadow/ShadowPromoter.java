package io.odestream.job.shadow;

import io.odestream.job.deploy.RegistryPromoter;
import java.io.Serializable;

/**
 * What shadow mode does with a candidate that won on live data: points the model registry's serving
 * pointer at it ({@link RegistryPromoter}), so the serving job swaps to it through the models topic
 * like after a manual {@code odestream models promote}.
 */
public interface ShadowPromoter extends AutoCloseable {

    /**
     * Promotes {@code version} of {@code modelId}; says what was done.
     *
     * @throws RuntimeException when the promotion failed (the caller reports it; the candidate stays unpromoted)
     */
    String promote(String modelId, long version, String reason);

    @Override
    void close();

    /** Opens a promoter inside a task: the factory travels with the operator, so it must serialise. */
    @FunctionalInterface
    interface Factory extends Serializable {
        ShadowPromoter open();
    }
}
