package io.odestream.job.forecast;

import io.odestream.finetune.ForecastMetrics;
import io.odestream.job.ForecastError;
import io.odestream.job.JobRecords;
import io.odestream.job.ServingModel;
import io.odestream.job.health.DegradedModelAction;
import io.odestream.job.health.ModelHealthGuard;
import io.odestream.job.health.ModelHealthSettings;
import io.odestream.latent.Score;
import io.odestream.schema.AlertKind;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The served version's live health in {@link PosteriorUpdater}, per subtask: every scored
 * observation feeds the {@link ModelHealthGuard} (rolling error and NLL against what arrives, the
 * reference level from the artifact's {@code heldout_mae}); a version it finds degraded raises one
 * {@code MODEL_DEGRADED} alert (key {@code model:<id>}) and, by policy, is rolled back
 * ({@link DegradedModelAction}). The alert says what was done, or why it could not be.
 *
 * <p>Per subtask and not checkpointed: a restore starts the rolling means afresh (a few dozen
 * observations). Metrics (group {@code odestream}): servedRollingError, servedRollingNll,
 * servedErrorReference, modelDegraded.
 */
final class ServedModelHealth implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PosteriorUpdater.class);
    /** What the job says to its operator: {@code run} prints this logger on stdout. */
    private static final Logger EVENTS = LoggerFactory.getLogger("io.odestream.events");

    private final ModelHealthSettings settings;
    private final ModelHealthGuard guard;
    private final UpdaterOutput out;
    private final int subtask;
    private final Counter degradations;
    private DegradedModelAction action;

    ServedModelHealth(ModelHealthSettings settings, UpdaterOutput out, MetricGroup metrics, int subtask) {
        this.settings = settings;
        this.guard = new ModelHealthGuard(settings);
        this.out = out;
        this.subtask = subtask;
        MetricGroup g = metrics.addGroup("odestream");
        g.gauge("servedRollingError", (Gauge<Double>) guard::error);
        g.gauge("servedRollingNll", (Gauge<Double>) guard::nll);
        g.gauge("servedErrorReference", (Gauge<Double>) guard::reference);
        degradations = g.counter("modelDegraded");
    }

    /** An observation the served model scored before absorbing it ({@code values} in its channel order). */
    void scored(ServingModel model, long eventTimeMillis, Score score, double[] values, boolean[] observed) {
        if (model.version() != guard.version()) {
            Double validation = model.artifact.getMetrics().get(ForecastMetrics.MAE);
            guard.serve(model.version(), validation == null ? Double.NaN : validation);
        }
        if (guard.observe(eventTimeMillis, ForecastError.meanAbsolute(score, values, observed),
                score.negativeLogDensity())) {
            degraded(model, eventTimeMillis);
        }
    }

    private void degraded(ServingModel model, long eventTimeMillis) {
        degradations.inc();
        String state = "model '" + model.modelId() + "' " + guard.describe() + " on subtask " + subtask;
        String done = act(model, state);
        EVENTS.warn("MODEL_DEGRADED {}; {}", state, done);
        out.emit(PosteriorUpdater.ALERTS, JobRecords.problem(AlertKind.MODEL_DEGRADED, "model:" + model.modelId(),
                eventTimeMillis, model.version(), "degraded: " + state + "; " + done));
    }

    /** What the policy did; a failure is reported, never thrown: the job keeps serving. */
    private String act(ServingModel model, String reason) {
        if (settings.onDegraded() == ModelHealthSettings.OnDegraded.ALERT) {
            return "policy alert: roll back with `odestream models rollback` if it stays so";
        }
        try {
            if (action == null) {
                action = settings.action().open();
            }
            return "policy " + settings.onDegraded().name().toLowerCase(java.util.Locale.ROOT) + ": "
                    + action.act(model.modelId(), model.version(), reason);
        } catch (RuntimeException e) {
            LOG.error("the degraded model '{}' v{} could not be rolled back", model.modelId(), model.version(), e);
            return "policy " + settings.onDegraded().name().toLowerCase(java.util.Locale.ROOT) + " failed (" + e
                    + "); roll back with `odestream models rollback`";
        }
    }

    @Override
    public void close() {
        if (action != null) {
            action.close();
            action = null;
        }
    }
}
