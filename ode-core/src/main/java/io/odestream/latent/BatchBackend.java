package io.odestream.latent;

import io.odestream.schema.ModelArtifact;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * A backend that builds {@link BatchForecaster}s, found with {@link ServiceLoader} (META-INF/services):
 * ode-core provides {@code java}; ode-djl, when it is on the class path, provides {@code djl}. The
 * streaming job names a backend in its configuration and never links against a backend module.
 */
public interface BatchForecasterProvider {

    /** The backend's name in configurations, e.g. {@code java} or {@code djl}. */
    String backend();

    /**
     * A forecaster for the latent-ODE model in {@code artifact} on {@code device} ({@code cpu},
     * {@code gpu} or {@code gpu:N}; the backend says which it supports).
     */
    BatchForecaster create(ModelArtifact artifact, String device);

    /** The provider of {@code backend}, or an error listing the backends on the class path. */
    static BatchForecasterProvider named(String backend) {
        List<String> found = new ArrayList<>();
        for (BatchForecasterProvider p : ServiceLoader.load(BatchForecasterProvider.class)) {
            if (p.backend().equals(backend)) {
                return p;
            }
            found.add(p.backend());
        }
        throw new IllegalArgumentException("no forecasting backend '" + backend + "' on the class path (found "
                + found + "); the djl backend needs the odestream-ode-djl module and its PyTorch natives");
    }
}
