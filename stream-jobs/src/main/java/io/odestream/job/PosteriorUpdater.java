package io.odestream.job;

import io.odestream.alert.AlertDecision;
import io.odestream.latent.FilterState;
import io.odestream.latent.LatentFilter;
import io.odestream.latent.Prediction;
import io.odestream.latent.Score;
import io.odestream.ode.SolverException;
import io.odestream.schema.AlertKind;
import io.odestream.schema.ForecastRequest;
import io.odestream.schema.ModelArtifact;
import io.odestream.schema.Observation;
import io.odestream.schema.AnomalyAlert;
import io.odestream.schema.Forecast;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-series heart of the forecasting job (DESIGN.md, "Data flow"). Keyed by series id, it keeps
 * each series' latent-ODE filter state and, for every observation in event-time order: scores it
 * against the predictive distribution <em>before</em> absorbing it, raises an alert when the
 * series' calibrated threshold is crossed (one alert per incident), then updates the posterior.
 * Forecast requests are answered from the same state, at any set of times, in one solve. Model
 * artifacts arrive on the broadcast side and are swapped in without a restart; each series is
 * re-encoded from its recent observations under the new model the next time it is touched.
 *
 * <p>Ordering: a record whose timestamp is ahead of the watermark waits in {@code pending} for an
 * event-time timer, so records of a series are applied in event-time order however they arrived
 * within the watermark's out-of-orderness bound. A record behind the watermark is applied at once
 * when it is not older than the series' newest applied observation (nothing pending can be older
 * than the watermark), and goes to the {@link #LATE} side output otherwise; an observation older than
 * that newest one goes there at once, without waiting for the watermark (which starts afresh after a
 * restore and may not pass it again until more data arrives). Nothing is dropped.
 *
 * <p>Expiry: a processing-time timer per series forgets a series silent for the configured time
 * (state and timers, so state size returns to zero); Flink's state TTL would leave the timers.
 */
public final class PosteriorUpdater
        extends KeyedBroadcastProcessFunction<String, Either<Observation, ForecastRequest>, ModelArtifact, Forecast> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(PosteriorUpdater.class);
    private static final String SERVING_KEY = "serving";
    /**
     * After this many failed updates in a row a series restarts from its newest observation: the
     * failures usually come from the gap since its last good state, which only grows, so keeping that
     * state forever would leave the series failing on every event.
     */
    static final int RESTART_AFTER_FAILURES = 3;

    public static final OutputTag<AnomalyAlert> ALERTS =
            new OutputTag<>("alerts", new AvroTypeInfo<>(AnomalyAlert.class));
    public static final OutputTag<Observation> LATE =
            new OutputTag<>("late-observations", new AvroTypeInfo<>(Observation.class));
    /** Forecasts prepared for {@link ForecastBatcher} when micro-batching is on. */
    public static final OutputTag<PendingForecast> PENDING_FORECASTS =
            new OutputTag<>("pending-forecasts", TypeInformation.of(PendingForecast.class));
    /** The served artifact, one entry; broadcast state survives restores and reaches new subtasks. */
    public static final MapStateDescriptor<String, ModelArtifact> SERVING_MODEL =
            new MapStateDescriptor<>("serving-model", Types.STRING, new AvroTypeInfo<>(ModelArtifact.class));
    public static final TypeInformation<Either<Observation, ForecastRequest>> INPUT_TYPE =
            new EitherTypeInfo<>(new AvroTypeInfo<>(Observation.class), new AvroTypeInfo<>(ForecastRequest.class));

    private final UpdaterSettings settings;
    private final boolean batchedForecasts;
    private transient ValueState<SeriesState> series;
    private transient MapState<Long, List<Either<Observation, ForecastRequest>>> pending;
    private transient ServingModel model;
    private transient UpdaterMetrics metrics;
    private transient boolean reportsModelEvents;
    private transient double[] values;
    private transient boolean[] observed;

    public PosteriorUpdater(UpdaterSettings settings) {
        this(settings, false);
    }

    /**
     * @param batchedForecasts hand forecasts to {@link #PENDING_FORECASTS} for {@link ForecastBatcher}
     *                         instead of computing them here
     */
    public PosteriorUpdater(UpdaterSettings settings, boolean batchedForecasts) {
        this.settings = settings;
        this.batchedForecasts = batchedForecasts;
    }

    @Override
    public void open(OpenContext context) {
        series = getRuntimeContext().getState(new ValueStateDescriptor<>("series", SeriesState.class));
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("pending", Types.LONG,
                Types.LIST(INPUT_TYPE)));
        metrics = new UpdaterMetrics(getRuntimeContext().getMetricGroup());
        // Every subtask sees every artifact; one of them speaks for all about accepting or rejecting it.
        reportsModelEvents = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0;
    }

    // ---------------------------------------------------------------- model swaps (broadcast side)

    @Override
    public void processBroadcastElement(ModelArtifact artifact, Context ctx, Collector<Forecast> out) throws Exception {
        if (!settings.modelId().equals(artifact.getModelId())) {
            LOG.debug("ignoring model '{}' v{}: this job serves '{}'", artifact.getModelId(), artifact.getVersion(),
                    settings.modelId());
            return;
        }
        BroadcastState<String, ModelArtifact> state = ctx.getBroadcastState(SERVING_MODEL);
        ServingModel current = servedModel(state.get(SERVING_KEY));
        if (current != null && current.version() == artifact.getVersion()
                && current.artifact.getChecksum().equals(artifact.getChecksum())) {
            return; // the same version again (a replay of the compacted topic): nothing changes
        }
        ServingModel.Admission admission = ServingModel.admit(artifact, current, settings.verifier());
        if (admission.rejection() != null) {
            metrics.rejectedModels.inc();
            String served = current == null ? "no model is served yet" : "version " + current.version() + " stays in service";
            LOG.warn("model artifact rejected, {}: {}", served, admission.rejection());
            if (reportsModelEvents) {
                ctx.output(ALERTS, JobRecords.problem(AlertKind.MODEL_REJECTED, "model:" + artifact.getModelId(),
                        ctx.currentWatermark() > 0 ? ctx.currentWatermark() : System.currentTimeMillis(),
                        artifact.getVersion(), "rejected: " + admission.rejection() + "; " + served));
            }
            return;
        }
        state.put(SERVING_KEY, artifact);
        model = admission.model();
        metrics.modelVersion(artifact.getVersion());
        LOG.info("serving model '{}' version {} (was {}); series re-encode lazily", artifact.getModelId(),
                artifact.getVersion(), current == null ? "none" : current.version());
    }

    /** The filter for the artifact in broadcast state, rebuilt only when the artifact changed. */
    private ServingModel servedModel(ModelArtifact artifact) {
        if (artifact == null) {
            return null;
        }
        if (model == null || model.artifact != artifact) {
            model = ServingModel.of(artifact); // after a restore: the artifact passed the gate before
            metrics.modelVersion(artifact.getVersion());
        }
        return model;
    }

    private ServingModel servedModel(ReadOnlyContext ctx) throws Exception {
        ReadOnlyBroadcastState<String, ModelArtifact> state = ctx.getBroadcastState(SERVING_MODEL);
        return servedModel(state.get(SERVING_KEY));
    }

    // ---------------------------------------------------------------- records of a series

    @Override
    public void processElement(Either<Observation, ForecastRequest> record, ReadOnlyContext ctx,
                               Collector<Forecast> out) throws Exception {
        SeriesState s = series.value();
        boolean answerNow = record.isRight() && record.right().getAsOf() == null;
        if (s == null && answerNow) {
            answer(new SeriesState(), record.right(), ctx, out); // an unknown series: answered, nothing kept
            return;
        }
        if (s == null) {
            s = new SeriesState();
        }
        touch(s, ctx);
        if (answerNow) {
            answer(s, record.right(), ctx, out);
        } else {
            long time = ForecastJob.eventTime(record); // a request here has an as-of time
            // An observation older than what the series already absorbed is late whatever the watermark
            // says: reported at once, not after a wait (after a restore the watermark starts from scratch).
            boolean late = record.isLeft() && s.lastEventMillis != SeriesState.NONE && time < s.lastEventMillis;
            if (late || time <= ctx.timerService().currentWatermark()) {
                apply(s, record, ctx, out);
            } else {
                List<Either<Observation, ForecastRequest>> waiting = pending.get(time);
                if (waiting == null) {
                    waiting = new ArrayList<>(1);
                    ctx.timerService().registerEventTimeTimer(time);
                }
                waiting.add(record);
                pending.put(time, waiting);
            }
        }
        series.update(s);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Forecast> out) throws Exception {
        SeriesState s = series.value();
        if (s == null) {
            return;
        }
        if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
            expireIfSilent(s, timestamp, ctx);
            return;
        }
        List<Either<Observation, ForecastRequest>> due = pending.get(timestamp);
        if (due != null) {
            pending.remove(timestamp);
            for (Either<Observation, ForecastRequest> record : due) {
                apply(s, record, ctx, out);
            }
        }
        if (timestamp == s.periodicTimer) {
            periodicForecast(s, timestamp, ctx, out);
        }
        series.update(s);
    }

    private void apply(SeriesState s, Either<Observation, ForecastRequest> record, ReadOnlyContext ctx,
                       Collector<Forecast> out) throws Exception {
        if (record.isLeft()) {
            observe(s, record.left(), ctx);
        } else {
            answer(s, record.right(), ctx, out);
        }
    }

    private void observe(SeriesState s, Observation o, ReadOnlyContext ctx) throws Exception {
        long t = o.getEventTime().toEpochMilli();
        if (s.lastEventMillis != SeriesState.NONE && t < s.lastEventMillis) {
            metrics.lateObservations.inc();
            ctx.output(LATE, o);
            return;
        }
        ServingModel m = servedModel(ctx);
        int width = m != null ? m.channels() : s.recent != null ? s.recent.channels : o.getValues().size();
        if (o.getValues().size() != width) {
            metrics.rejectedObservations.inc();
            ctx.output(ALERTS, JobRecords.problem(AlertKind.MODEL_ERROR, o.getSeriesId(), t,
                    m == null ? -1 : m.version(), "observation at " + Instant.ofEpochMilli(t) + " has "
                            + o.getValues().size() + " values but the series has " + width
                            + " channels; it was not applied (fix the producer's channel order/width)"));
            return;
        }
        readValues(o, width);
        if (s.recent == null) {
            s.recent = new RecentObservations(settings.recentCapacity(), width);
            s.alerts = settings.alertPolicy().newTrack();
        }
        metrics.observations.inc();
        if (m == null) {
            metrics.waitingForModel.inc(); // kept in the recent observations; encoded when a model arrives
        } else {
            scoreAndUpdate(s, o, t, m, ctx);
        }
        s.recent.add(t, values, observed);
        s.lastEventMillis = t;
        s.observations++;
        schedulePeriodicForecast(s, t, ctx);
    }

    private void scoreAndUpdate(SeriesState s, Observation o, long t, ServingModel m, ReadOnlyContext ctx) {
        LatentFilter filter = m.filter;
        long start = System.nanoTime();
        long evaluations = filter.functionEvaluations();
        FilterState state = encoded(s, m, ctx, o.getSeriesId());
        // A series' first observation has nothing to be surprising against: it is absorbed, not scored.
        boolean firstObservation = state == null;
        if (firstObservation) {
            state = filter.start(t);
        }
        long seed = seed(o.getSeriesId(), t);
        try {
            if (!firstObservation) {
                alertIfSurprising(s, o, t, state, m, seed, ctx);
            }
            s.store(filter.update(state, t, values, observed));
            s.consecutiveFailures = 0;
        } catch (SolverException e) {
            s.consecutiveFailures++;
            if (s.consecutiveFailures < RESTART_AFTER_FAILURES) {
                solverFailure(s, o.getSeriesId(), t, m, ctx, "update", e);
            } else {
                restart(s, o.getSeriesId(), t, m, ctx, e);
            }
        }
        metrics.updateMicros.update((System.nanoTime() - start) / 1000);
        metrics.evaluationsPerUpdate.update(filter.functionEvaluations() - evaluations);
    }

    /** Scores the observation against the state before it and raises an alert when the policy says so. */
    private void alertIfSurprising(SeriesState s, Observation o, long t, FilterState state, ServingModel m, long seed,
                                   ReadOnlyContext ctx) {
        LatentFilter filter = m.filter;
        Score score = filter.score(state, t, values, observed, settings.scoreSamples(), seed);
        AlertDecision decision = settings.alertPolicy().observe(s.alerts, t, score.negativeLogDensity());
        if (decision.raise()) {
            Prediction expected = filter.predict(state, new long[] {t}, settings.scoreSamples(), seed);
            metrics.anomalyAlerts.inc();
            ctx.output(ALERTS, JobRecords.anomaly(o, score, expected, decision.threshold(),
                    decision.anomalyProbability(), m.version()));
        }
    }

    /**
     * The series' filter state under the served model: as stored, or re-encoded from the recent
     * observations when it belongs to another version (the lazy half of a model swap). Null when
     * the series has nothing to encode yet.
     */
    private FilterState encoded(SeriesState s, ServingModel m, ReadOnlyContext ctx, String seriesId) {
        if (s.encodedBy(m.modelId(), m.version())) {
            return s.filterState();
        }
        s.forgetFilterState();
        if (s.recent == null || s.recent.size == 0) {
            return null;
        }
        LatentFilter filter = m.filter;
        double[] x = new double[s.recent.channels];
        boolean[] mask = new boolean[s.recent.channels];
        FilterState state = null;
        try {
            for (int i = 0; i < s.recent.size; i++) {
                int slot = s.recent.slot(i);
                long t = s.recent.time(slot);
                s.recent.read(slot, x, mask);
                state = filter.update(state == null ? filter.start(t) : state, t, x, mask);
            }
        } catch (SolverException e) {
            solverFailure(s, seriesId, s.lastEventMillis, m, ctx, "re-encoding of the recent observations", e);
            return null; // starts afresh at the next observation
        }
        metrics.reencodedSeries.inc();
        s.store(state);
        return state;
    }

    /** Starts the series' filter afresh at this observation (its first update has no gap to solve). */
    private void restart(SeriesState s, String seriesId, long t, ServingModel m, ReadOnlyContext ctx,
                         SolverException e) {
        metrics.solverFailures.inc();
        s.store(m.filter.update(m.filter.start(t), t, values, observed));
        s.consecutiveFailures = 0;
        LOG.warn("series '{}': {} updates failed in a row; restarted from the observation at {}: {}", seriesId,
                RESTART_AFTER_FAILURES, Instant.ofEpochMilli(t), e.getMessage());
        ctx.output(ALERTS, JobRecords.problem(AlertKind.MODEL_ERROR, seriesId, t, m.version(),
                "solver failed in " + RESTART_AFTER_FAILURES + " updates in a row; the series restarts from this "
                        + "observation (its earlier history is forgotten): " + e.getMessage()));
    }

    private void solverFailure(SeriesState s, String seriesId, long t, ServingModel m, ReadOnlyContext ctx,
                               String what, SolverException e) {
        metrics.solverFailures.inc();
        LOG.warn("series '{}': solver failed in {} at {}; the last good state is kept: {}", seriesId, what,
                Instant.ofEpochMilli(t), e.getMessage());
        ctx.output(ALERTS, JobRecords.problem(AlertKind.MODEL_ERROR, seriesId, t, m.version(),
                "solver failed in " + what + "; the series keeps its last good state: " + e.getMessage()));
    }

    // ---------------------------------------------------------------- forecasts

    private void answer(SeriesState s, ForecastRequest r, ReadOnlyContext ctx, Collector<Forecast> out)
            throws Exception {
        ServingModel m = servedModel(ctx);
        long version = m == null ? -1 : m.version();
        String seriesId = r.getSeriesId();
        if (m == null) {
            out.collect(JobRecords.unanswered(r.getRequestId(), seriesId, version,
                    "no model has been received yet; publish one to the models topic"));
            return;
        }
        FilterState state = encoded(s, m, ctx, seriesId);
        if (state == null) {
            out.collect(JobRecords.unanswered(r.getRequestId(), seriesId, version, "series '" + seriesId
                    + "' has no observations (never seen, or expired after " + settings.keyTtl() + " of silence)"));
            return;
        }
        long[] times = new long[r.getQueryTimes().size()];
        for (int i = 0; i < times.length; i++) {
            times[i] = r.getQueryTimes().get(i).toEpochMilli();
        }
        int samples = r.getSamples() == null ? settings.forecastSamples() : r.getSamples();
        long seed = seed(r.getRequestId(), state.timeMillis());
        if (batchedForecasts) {
            ctx.output(PENDING_FORECASTS, new PendingForecast(r.getRequestId(), seriesId, m.artifact.getChecksum(),
                    state, times, samples, seed));
            return;
        }
        try {
            Prediction p = m.filter.predict(state, times, samples, seed);
            metrics.forecasts.inc();
            out.collect(JobRecords.forecast(r.getRequestId(), seriesId, version, state.timeMillis(), p, null));
        } catch (SolverException e) {
            solverFailure(s, seriesId, state.timeMillis(), m, ctx, "forecast " + r.getRequestId(), e);
            out.collect(JobRecords.unanswered(r.getRequestId(), seriesId, version,
                    "the solver failed: " + e.getMessage()));
        }
    }

    private void schedulePeriodicForecast(SeriesState s, long t, ReadOnlyContext ctx) {
        Duration every = settings.periodicEvery();
        if (every != null && s.periodicTimer == SeriesState.NONE) {
            s.periodicTimer = t + every.toMillis();
            ctx.timerService().registerEventTimeTimer(s.periodicTimer);
        }
    }

    /** A forecast at the configured horizons; the next one is scheduled by the next observation. */
    private void periodicForecast(SeriesState s, long timestamp, ReadOnlyContext ctx, Collector<Forecast> out)
            throws Exception {
        s.periodicTimer = SeriesState.NONE;
        ServingModel m = servedModel(ctx);
        if (m == null || s.hidden == null) {
            return;
        }
        Duration[] horizons = settings.periodicHorizons();
        List<Instant> times = new ArrayList<>(horizons.length);
        for (Duration h : horizons) {
            times.add(Instant.ofEpochMilli(s.stateMillis + h.toMillis()));
        }
        String seriesId = ctx.getCurrentKey();
        answer(s, ForecastRequest.newBuilder().setRequestId("periodic-" + seriesId + "-" + timestamp)
                .setSeriesId(seriesId).setQueryTimes(times).build(), ctx, out);
    }

    // ---------------------------------------------------------------- expiry

    private void touch(SeriesState s, ReadOnlyContext ctx) {
        long now = ctx.timerService().currentProcessingTime();
        s.lastSeenProcessingMillis = now;
        if (s.expiryTimer == SeriesState.NONE) {
            s.expiryTimer = now + settings.keyTtl().toMillis();
            ctx.timerService().registerProcessingTimeTimer(s.expiryTimer);
        }
    }

    private void expireIfSilent(SeriesState s, long timestamp, OnTimerContext ctx) throws Exception {
        if (timestamp != s.expiryTimer) {
            return;
        }
        long due = s.lastSeenProcessingMillis + settings.keyTtl().toMillis();
        if (due > timestamp || !pending.isEmpty()) {
            // Touched since the timer was set, or records still wait for the watermark: look again later.
            s.expiryTimer = Math.max(due, timestamp + 1);
            ctx.timerService().registerProcessingTimeTimer(s.expiryTimer);
            series.update(s);
            return;
        }
        if (s.periodicTimer != SeriesState.NONE) {
            ctx.timerService().deleteEventTimeTimer(s.periodicTimer);
        }
        series.clear();
        pending.clear();
        metrics.expiredSeries.inc();
    }

    // ---------------------------------------------------------------- helpers

    /** Observation values into the reused buffers; null and non-finite values become masked. */
    private void readValues(Observation o, int width) {
        if (values == null || values.length != width) {
            values = new double[width];
            observed = new boolean[width];
        }
        List<Double> v = o.getValues();
        for (int j = 0; j < width; j++) {
            Double x = v.get(j);
            observed[j] = x != null && Double.isFinite(x);
            values[j] = observed[j] ? x : 0.0;
            if (x != null && !observed[j]) {
                metrics.maskedValues.inc();
            }
        }
    }

    /** Monte-Carlo seed from what the sample is for, so a replay after a restore draws the same samples. */
    static long seed(String id, long time) {
        return id.hashCode() * 0x9E3779B97F4A7C15L ^ time;
    }
}
