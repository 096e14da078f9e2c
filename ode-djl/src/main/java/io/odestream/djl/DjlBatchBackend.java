package io.odestream.djl;

import io.odestream.latent.BatchBackend;
import io.odestream.latent.BatchForecaster;
import io.odestream.latent.BatchUpdater;
import io.odestream.schema.ModelArtifact;

/** Backend {@code djl}: PyTorch through DJL on devices {@code cpu}, {@code gpu}, {@code gpu:N}. */
public final class DjlBatchBackend implements BatchBackend {
    @Override
    public String name() {
        return "djl";
    }

    @Override
    public BatchForecaster forecaster(ModelArtifact artifact, String device) {
        return new DjlBatchForecaster(artifact, device(device));
    }

    @Override
    public BatchUpdater updater(ModelArtifact artifact, String device) {
        return new DjlBatchUpdater(artifact, device(device));
    }

    private static DjlDevice device(String device) {
        return DjlDevice.parse(device == null ? "cpu" : device);
    }
}
