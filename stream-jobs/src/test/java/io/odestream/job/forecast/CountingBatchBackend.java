package io.odestream.job.forecast;

import io.odestream.latent.BatchBackend;
import io.odestream.latent.BatchForecaster;
import io.odestream.latent.BatchUpdater;
import io.odestream.latent.JavaBatchBackend;
import io.odestream.latent.ObservationUpdate;
import io.odestream.schema.ModelArtifact;
import java.util.ArrayList;
import java.util.List;

/**
 * Test backend {@code counting}: the java backend's numbers, and a log of every update call (model
 * version and rows), so tests can see how the job batched its work.
 */
public final class CountingBatchBackend implements BatchBackend {
    /** One scoreAndUpdate call. */
    record Call(long modelVersion, List<Long> eventTimes) {
    }

    private static final List<Call> CALLS = new ArrayList<>();

    static synchronized List<Call> calls() {
        return List.copyOf(CALLS);
    }

    static synchronized List<Integer> callSizes() {
        return CALLS.stream().map(c -> c.eventTimes().size()).toList();
    }

    static synchronized void reset() {
        CALLS.clear();
    }

    private static synchronized void record(Call call) {
        CALLS.add(call);
    }

    private final JavaBatchBackend java = new JavaBatchBackend();

    @Override
    public String name() {
        return "counting";
    }

    @Override
    public BatchForecaster forecaster(ModelArtifact artifact, String device) {
        return java.forecaster(artifact, device);
    }

    @Override
    public BatchUpdater updater(ModelArtifact artifact, String device) {
        BatchUpdater inner = java.updater(artifact, device);
        return updates -> {
            List<Long> times = new ArrayList<>(updates.size());
            for (ObservationUpdate u : updates) {
                times.add(u.eventTimeMillis());
            }
            record(new Call(artifact.getVersion(), times));
            return inner.scoreAndUpdate(updates);
        };
    }
}
