package io.odestream.job.shadow;

import io.odestream.alert.AlertPolicy;
import io.odestream.job.ChannelContract;
import io.odestream.job.ForecastError;
import io.odestream.job.JobRecords;
import io.odestream.job.SampleSeed;
import io.odestream.job.ServingModel;
import io.odestream.latent.BatchUpdater;
import io.odestream.latent.FilterBatchUpdater;
import io.odestream.latent.MonitorSettings;
import io.odestream.latent.ObservationUpdate;
import io.odestream.latent.Score;
import io.odestream.latent.ScoreMode;
import io.odestream.latent.SeriesMonitor;
import io.odestream.ode.SolverException;
import io.odestream.registry.ArtifactVerifier;
import io.odestream.schema.AlertKind;
import io.odestream.schema.AnomalyAlert;
import io.odestream.schema.ModelArtifact;
import io.odestream.schema.Observation;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shadow mode's live comparison. Keyed by series id, for the shadowed series only, it runs two
 * filters side by side: the served model's and the candidate's. Each observation (arrival order) is
 * scored by both from states that absorbed the same earlier observations, before either absorbs it:
 * negative log predictive density and the absolute error of the predictive mean. Both draw their
 * Monte-Carlo samples from the same seed (common random numbers), so the difference between the
 * two scores is the models' difference, not sampling noise; a candidate with the served model's
 * parameters scores exactly the same.
 *
 * <p>The broadcast side takes {@link ModelAssignment}s. Both artifacts are kept in broadcast state
 * (a restore keeps them); the filters are rebuilt from them lazily. A candidate must pass the same
 * gate as a served model ({@link ServingModel#admit}), else it is reported on {@link #ALERTS} and
 * not shadowed; a candidate not newer than the served version (promoted, or older) is ignored, and
 * a new served version retires a candidate it has caught up with.
 *
 * <p>Each model's state moves by the {@link SeriesMonitor} step, the job's own. When either model
 * changes, both of a series' states restart at its next observation (absorbed, not scored). A solver
 * failure restarts them at that observation; the job never fails for it.
 */
public final class ShadowEvaluator
        extends KeyedBroadcastProcessFunction<String, Observation, ModelAssignment, ShadowScore> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ShadowEvaluator.class);
    private static final String SERVE_KEY = ModelAssignment.Role.SERVE.name();
    private static final String SHADOW_KEY = ModelAssignment.Role.SHADOW.name();

    public static final OutputTag<AnomalyAlert> ALERTS =
            new OutputTag<>("shadow-alerts", new AvroTypeInfo<>(AnomalyAlert.class));
    /** The served and the candidate artifact, keyed by role name. */
    public static final MapStateDescriptor<String, ModelArtifact> MODELS =
            new MapStateDescriptor<>("shadow-models", Types.STRING, new AvroTypeInfo<>(ModelArtifact.class));

    private final ShadowSettings settings;
    private final ArtifactVerifier verifier;
    private transient ValueState<ShadowSeriesState> series;
    private transient ServingModel servedModel;
    private transient ServingModel shadowModel;
    private transient boolean reportsModelEvents;
    private transient SeriesMonitor monitor;
    private transient double[] values;
    private transient boolean[] observed;
    private transient Counter scored;
    private transient Counter notShadowed;
    private transient Counter waitingForModels;
    private transient Counter late;
    private transient Counter wrongWidth;
    private transient ChannelContract contract;
    private transient Counter nothingObserved;
    private transient Counter restarts;
    private transient Counter solverFailures;
    private transient Counter rejectedCandidates;

    public ShadowEvaluator(ShadowSettings settings, ArtifactVerifier verifier) {
        if (settings == null || verifier == null) {
            throw new IllegalArgumentException("settings and verifier are required (the verifier must trust the "
                    + "keys candidates are signed with)");
        }
        this.settings = settings;
        this.verifier = verifier;
    }

    @Override
    public void open(OpenContext context) {
        series = getRuntimeContext().getState(new ValueStateDescriptor<>("shadow-series", ShadowSeriesState.class));
        // Scored, never alerted on (the states keep no alert track); the pair restarts at its first failure.
        // Monte Carlo with the settings' samples, the same draws for both models: the comparison its verdicts
        // were built and tested on (the job's alert score moved to sigma points; this one compares, not alerts).
        monitor = new SeriesMonitor(new MonitorSettings(AlertPolicy.defaults(), settings.scoreSamples(),
                settings.scoreSamples(), 1, 1, ScoreMode.MONTE_CARLO));
        MetricGroup g = getRuntimeContext().getMetricGroup().addGroup("odestream");
        scored = g.counter("shadowScoredObservations");
        notShadowed = g.counter("shadowIgnoredSeries");
        waitingForModels = g.counter("shadowObservationsWithoutBothModels");
        late = g.counter("shadowLateObservations");
        wrongWidth = g.counter("shadowWrongWidthObservations");
        contract = new ChannelContract();
        nothingObserved = g.counter("shadowObservationsWithoutValues");
        restarts = g.counter("shadowSeriesRestarts");
        solverFailures = g.counter("shadowSolverFailures");
        rejectedCandidates = g.counter("shadowRejectedCandidates");
        // Every subtask sees every candidate; one of them speaks for all about rejecting it.
        reportsModelEvents = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0;
    }

    // ---------------------------------------------------------------- models (broadcast side)

    @Override
    public void processBroadcastElement(ModelAssignment assignment, Context ctx, Collector<ShadowScore> out)
            throws Exception {
        if (assignment == null || assignment.role == null || assignment.artifact == null) {
            LOG.warn("ignoring an incomplete model assignment: {}", assignment);
            return;
        }
        BroadcastState<String, ModelArtifact> state = ctx.getBroadcastState(MODELS);
        ServingModel served = servedModel(state);
        ServingModel shadow = shadowModel(state);
        if (assignment.role == ModelAssignment.Role.SERVE) {
            serve(assignment.artifact, served, shadow, state);
        } else {
            shadow(assignment.artifact, served, shadow, state, ctx);
        }
    }

    private void serve(ModelArtifact artifact, ServingModel served, ServingModel shadow,
                       BroadcastState<String, ModelArtifact> state) throws Exception {
        if (served != null && sameArtifact(served, artifact)) {
            return; // a replay of the compacted topic
        }
        ServingModel.Admission admission = ServingModel.admit(artifact, served, verifier);
        if (admission.rejection() != null) {
            // The forecasting job gates and reports served models itself; here it only stays unused.
            LOG.warn("shadow evaluator: served artifact not used, {}: {}",
                    served == null ? "no served model yet" : "comparing against v" + served.version(),
                    admission.rejection());
            return;
        }
        state.put(SERVE_KEY, artifact);
        servedModel = admission.model();
        LOG.info("shadow evaluator compares candidates against served '{}' v{}", artifact.getModelId(),
                artifact.getVersion());
        if (shadow != null && (shadow.version() <= artifact.getVersion() || shadow.channels() != servedModel.channels()
                || !shadow.modelId().equals(servedModel.modelId()))) {
            state.remove(SHADOW_KEY);
            shadowModel = null;
            LOG.info("shadow candidate '{}' v{} retired: version {} is served now", shadow.modelId(), shadow.version(),
                    artifact.getVersion());
        }
    }

    private void shadow(ModelArtifact artifact, ServingModel served, ServingModel shadow,
                        BroadcastState<String, ModelArtifact> state, Context ctx) throws Exception {
        if (shadow != null && sameArtifact(shadow, artifact)) {
            return;
        }
        if (served != null && artifact.getVersion() <= served.version()) {
            LOG.info("ignoring shadow candidate '{}' v{}: version {} is served already", artifact.getModelId(),
                    artifact.getVersion(), served.version());
            return;
        }
        if (shadow != null && artifact.getVersion() <= shadow.version()) {
            LOG.info("ignoring shadow candidate '{}' v{}: the newer v{} is shadowed", artifact.getModelId(),
                    artifact.getVersion(), shadow.version());
            return;
        }
        String rejection;
        if (served != null && !served.modelId().equals(artifact.getModelId())) {
            rejection = "model '" + artifact.getModelId() + "' cannot shadow model '" + served.modelId()
                    + "': a candidate must be a version of the served model";
        } else {
            ServingModel.Admission admission = ServingModel.admit(artifact, served, verifier);
            rejection = admission.rejection();
            if (rejection == null) {
                state.put(SHADOW_KEY, artifact);
                shadowModel = admission.model();
                LOG.info("shadowing candidate '{}' v{} (was {})", artifact.getModelId(), artifact.getVersion(),
                        shadow == null ? "none" : "v" + shadow.version());
                return;
            }
        }
        rejectedCandidates.inc();
        String kept = shadow == null ? "no candidate is shadowed" : "v" + shadow.version() + " stays the candidate";
        LOG.warn("shadow candidate rejected, {}: {}", kept, rejection);
        if (reportsModelEvents) {
            ctx.output(ALERTS, JobRecords.problem(AlertKind.MODEL_REJECTED, "model:" + artifact.getModelId(),
                    ctx.currentWatermark() > 0 ? ctx.currentWatermark() : System.currentTimeMillis(),
                    artifact.getVersion(), "shadow candidate rejected, not shadowed: " + rejection + "; " + kept));
        }
    }

    private static boolean sameArtifact(ServingModel model, ModelArtifact artifact) {
        return model.version() == artifact.getVersion() && model.artifact.getChecksum().equals(artifact.getChecksum());
    }

    /** The filters for the artifacts in broadcast state, rebuilt only when an artifact changed (or after a restore). */
    private ServingModel servedModel(ReadOnlyBroadcastState<String, ModelArtifact> state) throws Exception {
        servedModel = cached(state.get(SERVE_KEY), servedModel);
        return servedModel;
    }

    private ServingModel shadowModel(ReadOnlyBroadcastState<String, ModelArtifact> state) throws Exception {
        shadowModel = cached(state.get(SHADOW_KEY), shadowModel);
        return shadowModel;
    }

    private static ServingModel cached(ModelArtifact artifact, ServingModel model) {
        if (artifact == null) {
            return null;
        }
        return model != null && model.artifact == artifact ? model : ServingModel.of(artifact);
    }

    // ---------------------------------------------------------------- observations

    @Override
    public void processElement(Observation o, ReadOnlyContext ctx, Collector<ShadowScore> out) throws Exception {
        String seriesId = o.getSeriesId();
        if (!settings.shadows(seriesId)) {
            notShadowed.inc(); // the job filters before this operator; counted in case it does not
            return;
        }
        ReadOnlyBroadcastState<String, ModelArtifact> models = ctx.getBroadcastState(MODELS);
        ServingModel served = servedModel(models);
        ServingModel shadow = shadowModel(models);
        if (served == null || shadow == null) {
            waitingForModels.inc();
            return;
        }
        ShadowSeriesState s = series.value();
        if (s == null) {
            s = new ShadowSeriesState();
        }
        long t = o.getEventTime().toEpochMilli();
        if (s.lastEventMillis != ShadowSeriesState.NONE && t < s.lastEventMillis) {
            late.inc(); // the filters only move forwards; the served job reports late data
            return;
        }
        if (contract.match(served.channelNames(), served.channels(), o.getValues(), o.getChannels()) != null) {
            // another width or other channel names: the forecasting job dead-letters it; counted here
            wrongWidth.inc();
            return;
        }
        readValues(o.getValues(), served.channels());
        s.lastEventMillis = t;
        if (!s.belongsTo(served, shadow)) {
            s.forgetStates(); // a model changed: both start again at this observation
        }
        scoreAndUpdate(s, seriesId, t, served, shadow, out);
        series.update(s);
    }

    /**
     * Both models' {@link SeriesMonitor} steps on the same observation with the same seed. The pair
     * moves together: when either model's update fails, both restart at this observation, so that
     * every later score compares two states that absorbed the same observations.
     */
    private void scoreAndUpdate(ShadowSeriesState s, String seriesId, long t, ServingModel served,
                                ServingModel shadow, Collector<ShadowScore> out) {
        long seed = SampleSeed.of(seriesId, t); // the served job's seed: its scores are reproduced
        ObservationUpdate servedUpdate = monitor.prepare(s.servedSeries, served.filter, t, values, observed, seed).update();
        ObservationUpdate shadowUpdate = monitor.prepare(s.shadowSeries, shadow.filter, t, values, observed, seed).update();
        BatchUpdater.Outcome servedOutcome = FilterBatchUpdater.scoreAndUpdate(served.filter, servedUpdate);
        BatchUpdater.Outcome shadowOutcome = FilterBatchUpdater.scoreAndUpdate(shadow.filter, shadowUpdate);
        SolverException failure = servedOutcome.failure() != null ? servedOutcome.failure() : shadowOutcome.failure();
        if (failure != null) {
            solverFailures.inc();
            LOG.warn("shadow series '{}': solver failed at {} (served v{}, candidate v{}); both restart there: {}",
                    seriesId, Instant.ofEpochMilli(t), served.version(), shadow.version(), failure.getMessage());
            restarts.inc();
            monitor.restart(s.servedSeries, served.filter, servedUpdate);
            monitor.restart(s.shadowSeries, shadow.filter, shadowUpdate);
            return;
        }
        SeriesMonitor.Verdict servedVerdict = monitor.absorb(s.servedSeries, served.filter, servedUpdate, servedOutcome);
        SeriesMonitor.Verdict shadowVerdict = monitor.absorb(s.shadowSeries, shadow.filter, shadowUpdate, shadowOutcome);
        if (servedVerdict.kind() != SeriesMonitor.Kind.SCORED) {
            restarts.inc(); // both started at this observation, absorbed unscored
            return;
        }
        Score servedScore = servedVerdict.score();
        Score shadowScore = shadowVerdict.score();
        if (servedScore.observedChannels() == 0) {
            nothingObserved.inc(); // every value missing: nothing to compare, the states still moved on
            return;
        }
        scored.inc();
        out.collect(new ShadowScore(seriesId, served.modelId(), t, served.version(), shadow.version(),
                servedScore.negativeLogDensity(), shadowScore.negativeLogDensity(),
                ForecastError.meanAbsolute(servedScore, values, observed),
                ForecastError.meanAbsolute(shadowScore, values, observed)));
    }

    /** Observation values into the reused buffers; null and non-finite values are masked. */
    private void readValues(List<Double> v, int width) {
        if (values == null || values.length != width) {
            values = new double[width];
            observed = new boolean[width];
        }
        for (int j = 0; j < width; j++) {
            Double x = v.get(contract.sourceOf(j)); // in the models' channel order
            observed[j] = x != null && Double.isFinite(x);
            values[j] = observed[j] ? x : 0.0;
        }
    }

    // ---------------------------------------------------------------- for tests

    long lateObservations() {
        return late.getCount();
    }

    long wrongWidthObservations() {
        return wrongWidth.getCount();
    }

    long ignoredSeriesObservations() {
        return notShadowed.getCount();
    }
}
