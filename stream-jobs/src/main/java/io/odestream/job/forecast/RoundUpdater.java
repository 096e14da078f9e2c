package io.odestream.job.forecast;

import io.odestream.job.ServingModel;
import io.odestream.latent.BatchBackend;
import io.odestream.latent.BatchUpdater;
import io.odestream.latent.FilterBatchUpdater;
import io.odestream.latent.ObservationUpdate;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The numerical part of {@link PosteriorUpdater}'s updates: prepared observations scored and absorbed
 * on the configured batch backend (one call per round) or one by one on the JVM filter, with what
 * each costs recorded. Keeps the backend's updater for the served model and closes it when the
 * model changes.
 */
final class RoundUpdater implements AutoCloseable {
    private static final long NOT_COUNTED = -1;
    private final String backend;
    private final String device;
    private final UpdaterMetrics metrics;
    private final Histogram batchSizes;
    private BatchUpdater updater;
    private ServingModel updaterModel;

    /** @param backend the batch backend's name, null without micro-batching */
    RoundUpdater(String backend, String device, UpdaterMetrics metrics, MetricGroup operator) {
        this.backend = backend;
        this.device = device;
        this.metrics = metrics;
        this.batchSizes = backend == null ? null : operator.addGroup("odestream").histogram("updateBatchSize",
                new DescriptiveStatisticsHistogram(1000));
    }

    /** One round's observations, all of the served model, in one backend call; an outcome per update. */
    BatchUpdater.Outcome[] inBatch(List<ObservationApplier.PreparedUpdate> prepared) {
        ServingModel m = prepared.get(0).model();
        List<ObservationUpdate> updates = new ArrayList<>(prepared.size());
        for (ObservationApplier.PreparedUpdate p : prepared) {
            updates.add(p.update());
        }
        long startNanos = System.nanoTime();
        BatchUpdater.Outcome[] outcomes = updaterFor(m).scoreAndUpdate(updates);
        // the backend solves on its own copy of the model: the served filter's count says nothing here
        recordCost(m, prepared.size(), startNanos, NOT_COUNTED);
        batchSizes.update(prepared.size());
        return outcomes;
    }

    /** One observation on the JVM filter (without micro-batching). */
    BatchUpdater.Outcome alone(ObservationApplier.PreparedUpdate p) {
        long startNanos = System.nanoTime();
        long evaluations = p.model().filter.functionEvaluations();
        BatchUpdater.Outcome outcome = FilterBatchUpdater.scoreAndUpdate(p.model().filter, p.update());
        recordCost(p.model(), 1, startNanos, evaluations);
        return outcome;
    }

    @Override
    public void close() {
        if (updater != null) {
            updater.close();
        }
    }

    private BatchUpdater updaterFor(ServingModel m) {
        if (updaterModel != m) {
            close();
            updater = BatchBackend.named(backend).updater(m.artifact, device);
            updaterModel = m;
        }
        return updater;
    }

    /**
     * Time and vector-field evaluations of an update call, each row's share; evaluations only where the
     * served filter did the work ({@code evaluationsBefore} {@link #NOT_COUNTED} otherwise).
     */
    private void recordCost(ServingModel m, int rows, long startNanos, long evaluationsBefore) {
        long perRowMicros = (System.nanoTime() - startNanos) / 1000 / rows;
        long perRowEvaluations = (m.filter.functionEvaluations() - evaluationsBefore) / rows;
        for (int i = 0; i < rows; i++) {
            metrics.updateMicros.update(perRowMicros);
            if (evaluationsBefore != NOT_COUNTED) {
                metrics.evaluationsPerUpdate.update(perRowEvaluations);
            }
        }
    }
}
