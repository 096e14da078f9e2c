package io.odestream.latent;

import io.odestream.schema.ModelArtifact;

/** Backend {@code java}: the JVM filter, row by row ({@link FilterBatchForecaster}, {@link FilterBatchUpdater}). */
public final class JavaBatchBackend implements BatchBackend {
    @Override
    public String name() {
        return "java";
    }

    @Override
    public BatchForecaster forecaster(ModelArtifact artifact, String device) {
        return new FilterBatchForecaster(filterOn(artifact, device));
    }

    @Override
    public BatchUpdater updater(ModelArtifact artifact, String device) {
        return new FilterBatchUpdater(filterOn(artifact, device));
    }

    private static LatentFilter filterOn(ModelArtifact artifact, String device) {
        if (device != null && !device.isBlank() && !device.equals("cpu")) {
            throw new IllegalArgumentException("the java backend runs on the cpu only, not on '" + device
                    + "'; use the djl backend for a GPU");
        }
        return LatentFilter.init(artifact);
    }
}
