package io.odestream.job.forecast;

import io.odestream.job.JobRecords;
import io.odestream.latent.BatchBackend;
import io.odestream.latent.BatchForecaster;
import io.odestream.latent.ForecastQuery;
import io.odestream.latent.LatentOdeSpec;
import io.odestream.schema.Forecast;
import io.odestream.schema.ModelArtifact;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.externalresource.ExternalResourceInfo;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedMultiInput;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the forecasts {@link PosteriorUpdater} prepared ({@link PendingForecast}, input 1) in
 * micro-batches on a {@link BatchForecaster} backend; input 2 is the served models stream, sent to
 * every subtask, from which it builds one forecaster per model version.
 *
 * <p>A batch is answered when it holds {@link MicroBatching#maxRows()} forecasts, when its
 * oldest has waited {@link MicroBatching#maxDelay()}, before every checkpoint barrier and at the
 * end of a bounded input. Answering before the barrier is what keeps exactly-once: the updater's
 * checkpoint already counts these requests as handled, so their forecasts must be in the same
 * checkpoint's output, not in a buffer that a failure would lose. Forecasts whose model version has not
 * arrived on input 2 yet (the two inputs travel different paths) wait for it; they and the artifacts
 * held are operator state.
 *
 * <p>Device: {@code gpu} without an index takes the GPU that the TaskManager's {@code gpu} external
 * resource assigned to this subtask (Flink's GPU plugin), so that two task slots on one machine do
 * not share one GPU by accident.
 */
public final class ForecastBatcher extends AbstractStreamOperator<Forecast>
        implements TwoInputStreamOperator<PendingForecast, ModelArtifact, Forecast>, BoundedMultiInput {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ForecastBatcher.class);
    /** Versions kept; a forecast refers to the served version, and swaps are rare. */
    static final int HELD_VERSIONS = 4;

    private final String modelId;
    private final MicroBatching batching;
    private transient String device;
    private transient Map<Long, ModelArtifact> artifacts;
    private transient Map<Long, BatchForecaster> forecasters;
    private transient List<PendingForecast> batch;
    private transient BatchDeadline deadline;
    private transient ListState<PendingForecast> batchState;
    private transient ListState<ModelArtifact> artifactState;
    private transient Counter answered;
    private transient Counter refusedPoints;
    private transient Counter batches;
    private transient Histogram batchSizes;

    public ForecastBatcher(String modelId, MicroBatching batching) {
        this.modelId = modelId;
        this.batching = batching;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        batchState = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("pending-forecasts", TypeInformation.of(PendingForecast.class)));
        // union: after a rescale every subtask must hold every artifact, not a share of them
        artifactState = context.getOperatorStateStore().getUnionListState(
                new ListStateDescriptor<>("forecast-models", new AvroTypeInfo<>(ModelArtifact.class)));
        artifacts = new LinkedHashMap<>();
        forecasters = new HashMap<>();
        batch = new ArrayList<>();
        if (context.isRestored()) {
            for (ModelArtifact a : artifactState.get()) {
                hold(a);
            }
            for (PendingForecast p : batchState.get()) {
                batch.add(p);
            }
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        device = resolveDevice(batching.device(), getRuntimeContext().getExternalResourceInfos("gpu"));
        deadline = new BatchDeadline(getProcessingTimeService(), batching.maxDelay(), this::flush);
        answered = getMetricGroup().counter("batchedForecasts");
        refusedPoints = getMetricGroup().counter("refusedForecastPoints");
        batches = getMetricGroup().counter("forecastBatches");
        batchSizes = getMetricGroup().histogram("forecastBatchSize", new DescriptiveStatisticsHistogram(1000));
        LOG.info("answering forecasts in micro-batches on backend '{}', device {} (at most {} per batch, {} delay)",
                batching.backend(), device, batching.maxRows(), batching.maxDelay());
        if (!batch.isEmpty()) {
            deadline.waiting();
        }
    }

    /** {@code gpu} → the GPU index Flink's gpu external resource gives this subtask; others unchanged. */
    static String resolveDevice(String configured, Set<ExternalResourceInfo> gpus) {
        if (!configured.equals("gpu")) {
            return configured;
        }
        for (ExternalResourceInfo gpu : gpus) {
            if (gpu.getProperty("index").isPresent()) {
                return "gpu:" + gpu.getProperty("index").get();
            }
        }
        throw new IllegalStateException("device 'gpu' asks for the GPU of the TaskManager's 'gpu' external resource, "
                + "but this TaskManager declares none: set external-resources: gpu, external-resource.gpu.amount: 1 and "
                + "external-resource.gpu.driver-factory.class: org.apache.flink.externalresource.gpu.GPUDriverFactory "
                + "(plugin flink-external-resource-gpu), or name the device as gpu:N");
    }

    @Override
    public void processElement1(StreamRecord<PendingForecast> record) throws Exception {
        batch.add(record.getValue());
        if (batch.size() >= batching.maxRows()) {
            flush();
        } else if (batch.size() == 1) {
            deadline.waiting();
        }
    }

    @Override
    public void processElement2(StreamRecord<ModelArtifact> record) throws Exception {
        ModelArtifact artifact = record.getValue();
        if (modelId.equals(artifact.getModelId())) {
            hold(artifact);
            if (!batch.isEmpty()) {
                deadline.waiting(); // forecasts may have been waiting for this version
            }
        }
    }

    @Override
    public void endInput(int inputId) throws Exception {
        if (inputId == 1) {
            flush();
        }
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        flush();
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        batchState.update(batch); // only forecasts whose model has not arrived yet are left here
        artifactState.update(new ArrayList<>(artifacts.values()));
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    @Override
    public void close() throws Exception {
        if (forecasters != null) {
            for (BatchForecaster f : forecasters.values()) {
                f.close();
            }
        }
        super.close();
    }

    private void hold(ModelArtifact artifact) {
        ModelArtifact before = artifacts.put(artifact.getVersion(), artifact);
        if (before != null && !before.getChecksum().equals(artifact.getChecksum())) {
            BatchForecaster stale = forecasters.remove(artifact.getVersion());
            if (stale != null) {
                stale.close();
            }
        }
        while (artifacts.size() > HELD_VERSIONS) {
            Long oldest = artifacts.keySet().iterator().next();
            artifacts.remove(oldest);
            BatchForecaster f = forecasters.remove(oldest);
            if (f != null) {
                f.close();
            }
        }
    }

    /** Answers every forecast whose model is here, one backend call per model version. */
    private void flush() {
        if (batch.isEmpty()) {
            return;
        }
        Map<Long, List<PendingForecast>> byVersion = new LinkedHashMap<>();
        List<PendingForecast> waiting = new ArrayList<>();
        for (PendingForecast p : batch) {
            ModelArtifact a = artifacts.get(p.modelVersion);
            if (a != null && a.getChecksum().equals(p.modelChecksum)) {
                byVersion.computeIfAbsent(p.modelVersion, v -> new ArrayList<>()).add(p);
            } else {
                waiting.add(p);
            }
        }
        batch = waiting;
        for (Map.Entry<Long, List<PendingForecast>> e : byVersion.entrySet()) {
            answer(e.getKey(), e.getValue());
        }
        if (!waiting.isEmpty()) {
            LOG.debug("{} forecasts wait for their model version to arrive", waiting.size());
        }
    }

    private void answer(long version, List<PendingForecast> forecasts) {
        BatchForecaster forecaster = forecasters.computeIfAbsent(version,
                v -> BatchBackend.named(batching.backend()).forecaster(artifacts.get(v), device));
        List<ForecastQuery> queries = new ArrayList<>(forecasts.size());
        for (PendingForecast p : forecasts) {
            queries.add(p.query());
        }
        BatchForecaster.Outcome[] outcomes = forecaster.predict(queries);
        List<String> channels = LatentOdeSpec.fromJson(artifacts.get(version).getSpecJson())
                .channelNames(); // once per batch: forecasts name their channels
        batches.inc();
        batchSizes.update(forecasts.size());
        for (int i = 0; i < outcomes.length; i++) {
            PendingForecast p = forecasts.get(i);
            Forecast f;
            if (outcomes[i].prediction() != null) {
                f = JobRecords.forecast(p.requestId, p.seriesId, version, p.stateMillis,
                        p.unshifted(outcomes[i].prediction()), channels);
                answered.inc();
                refusedPoints.inc(outcomes[i].prediction().refusedCount());
            } else {
                LOG.warn("forecast {} of series '{}' failed in the solver: {}", p.requestId, p.seriesId,
                        outcomes[i].failure().getMessage());
                f = JobRecords.unanswered(p.requestId, p.seriesId, version,
                        "the solver failed: " + outcomes[i].failure().getMessage());
            }
            output.collect(new StreamRecord<>(f));
        }
    }
}
