package io.odestream.latent;

import io.odestream.schema.ModelArtifact;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * A backend of the streaming job's micro-batches: it builds the {@link BatchForecaster} and the
 * {@link BatchUpdater} of a model artifact on a device. Found with {@link ServiceLoader}
 * (META-INF/services): ode-core provides {@code java} ({@link JavaBatchBackend}); ode-djl, when it
 * is on the class path, provides {@code djl}. The job names a backend in its configuration and never
 * links against a backend module.
 */
public interface BatchBackend {

    /** The backend's name in configurations, e.g. {@code java} or {@code djl}. */
    String name();

    /**
     * A forecaster for the latent-ODE model in {@code artifact} on {@code device} ({@code cpu},
     * {@code gpu} or {@code gpu:N}; the backend says which it supports).
     */
    BatchForecaster forecaster(ModelArtifact artifact, String device);

    /** An updater (score, then absorb) for the model in {@code artifact} on {@code device}. */
    BatchUpdater updater(ModelArtifact artifact, String device);

    /** The backend called {@code name}, or an error listing the backends on the class path. */
    static BatchBackend named(String name) {
        List<String> found = new ArrayList<>();
        for (BatchBackend b : ServiceLoader.load(BatchBackend.class)) {
            if (b.name().equals(name)) {
                return b;
            }
            found.add(b.name());
        }
        throw new IllegalArgumentException("no batch backend '" + name + "' on the class path (found "
                + found + "); the djl backend needs the odestream-ode-djl module and its PyTorch natives");
    }
}
