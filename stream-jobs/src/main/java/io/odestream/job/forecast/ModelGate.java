package io.odestream.job.forecast;

import io.odestream.job.JobRecords;
import io.odestream.job.ServingModel;
import io.odestream.schema.AlertKind;
import io.odestream.schema.ModelArtifact;
import java.time.Duration;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.tasks.ProcessingTimeService;
import org.apache.flink.util.function.ThrowingRunnable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which model {@link PosteriorUpdater} serves: artifacts of the job's lineage are admitted through
 * {@link ServingModel#admit} (rejections are reported) and kept in broadcast state, and a subtask
 * that starts without a model holds event time back until its first one arrives.
 */
final class ModelGate {
    private static final Logger LOG = LoggerFactory.getLogger(PosteriorUpdater.class);
    /** What the job says to its operator: {@code run} prints this logger on stdout, one line per swap. */
    private static final Logger EVENTS = LoggerFactory.getLogger("io.odestream.events");
    private static final String SERVING_KEY = "serving";

    private final UpdaterSettings settings;
    private final BroadcastState<String, ModelArtifact> serving;
    private final UpdaterMetrics metrics;
    private final UpdaterOutput out;
    /** Every subtask sees every artifact; one of them speaks for all about rejecting it. */
    private final boolean reportsModelEvents;
    private ServingModel model;
    private RiskScorer risk;
    private boolean holding;
    /** The newest watermark held back while holding; null: none. */
    private Watermark held;

    ModelGate(UpdaterSettings settings, BroadcastState<String, ModelArtifact> serving, UpdaterMetrics metrics,
              UpdaterOutput out, boolean reportsModelEvents) {
        this.settings = settings;
        this.serving = serving;
        this.metrics = metrics;
        this.out = out;
        this.reportsModelEvents = reportsModelEvents;
    }

    /** The filter for the artifact in broadcast state, rebuilt only when the artifact changed; null: none yet. */
    ServingModel served() throws Exception {
        ModelArtifact artifact = serving.get(SERVING_KEY);
        if (artifact == null) {
            return null;
        }
        if (model == null || model.artifact != artifact) {
            model = ServingModel.of(artifact); // after a restore: the artifact passed the gate before
            metrics.modelVersion(artifact.getVersion());
        }
        return model;
    }

    /** Whether the artifact could change what is served: of this job's lineage and not the served one again. */
    boolean concerns(ModelArtifact artifact) throws Exception {
        if (!settings.modelId().equals(artifact.getModelId())) {
            LOG.debug("ignoring model '{}' v{}: this job serves '{}'", artifact.getModelId(), artifact.getVersion(),
                    settings.modelId());
            return false;
        }
        ServingModel current = served();
        // The same version again is a replay of the compacted topic: nothing changes.
        return current == null || current.version() != artifact.getVersion()
                || !current.artifact.getChecksum().equals(artifact.getChecksum());
    }

    /**
     * Serves the artifact when it passes the gate, else reports why not (one subtask alerts) and the
     * served model stays.
     *
     * @param watermark the current watermark, the rejection alert's time when there is one
     * @return whether it is served now
     */
    /**
     * With the job's risk output on: a model whose hidden state {@code scorer}'s head cannot read is
     * rejected like an invalid one; a restored served model it cannot read stops the job at start.
     */
    void readBy(RiskScorer scorer) throws Exception {
        risk = scorer;
        ServingModel restored = served();
        String why = restored == null ? null : scorer.cannotRead(restored);
        if (why != null) {
            throw new IllegalStateException("the risk head cannot score the model this job restored: " + why);
        }
    }

    boolean admit(ModelArtifact artifact, long watermark) throws Exception {
        ServingModel current = served();
        ServingModel.Admission admission = ServingModel.admit(artifact, current, settings.verifier());
        String rejection = admission.rejection();
        if (rejection == null && risk != null) {
            rejection = risk.cannotRead(admission.model()); // its risk scores would read the wrong features
        }
        if (rejection != null) {
            metrics.rejectedModels.inc();
            String kept = current == null ? "no model is served yet" : "version " + current.version() + " stays in service";
            LOG.warn("model artifact rejected, {}: {}", kept, rejection);
            if (reportsModelEvents) {
                out.emit(PosteriorUpdater.ALERTS, JobRecords.problem(AlertKind.MODEL_REJECTED,
                        "model:" + artifact.getModelId(), watermark > 0 ? watermark : System.currentTimeMillis(),
                        artifact.getVersion(), "rejected: " + rejection + "; " + kept));
            }
            return false;
        }
        serving.put(SERVING_KEY, artifact);
        model = admission.model();
        metrics.modelVersion(artifact.getVersion());
        LOG.info("serving model '{}' version {} (was {}); series re-encode lazily", artifact.getModelId(),
                artifact.getVersion(), current == null ? "none" : current.version());
        if (reportsModelEvents) {
            EVENTS.info("serving model '{}' version {} (was {})", artifact.getModelId(), artifact.getVersion(),
                    current == null ? "none" : "version " + current.version());
        }
        return true;
    }

    /**
     * Without a model, holds event time back for {@code wait}: at a fresh start the observations'
     * source reads its backlog faster than the models' source delivers the served version, and without
     * the hold the first observations would be absorbed unscored with a model on the topic all along.
     *
     * @param waitOver called when the wait is over and still no model came
     */
    void holdForFirstModel(ProcessingTimeService time, Duration wait, ThrowingRunnable<Exception> waitOver)
            throws Exception {
        if (served() != null) {
            return; // restored with its model in broadcast state
        }
        holding = true;
        time.registerTimer(time.getCurrentProcessingTime() + wait.toMillis(), t -> {
            if (holding) {
                LOG.warn("no model after {}: event time goes on without one (observations are kept and "
                        + "encoded when a model arrives)", wait);
                waitOver.run();
            }
        });
    }

    /** Keeps the watermark while holding (only the newest counts); false when it may pass. */
    boolean holds(Watermark mark) {
        if (holding) {
            held = mark;
        }
        return holding;
    }

    /** Ends the hold; the watermark it kept back, to take effect now (null: none). */
    Watermark release() {
        holding = false;
        Watermark mark = held;
        held = null;
        return mark;
    }
}
