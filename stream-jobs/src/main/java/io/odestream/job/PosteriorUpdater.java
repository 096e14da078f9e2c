package io.odestream.job;

import io.odestream.alert.AlertDecision;
import io.odestream.latent.BatchBackend;
import io.odestream.latent.BatchUpdater;
import io.odestream.latent.FilterBatchUpdater;
import io.odestream.latent.FilterState;
import io.odestream.latent.LatentFilter;
import io.odestream.latent.ObservationUpdate;
import io.odestream.latent.Prediction;
import io.odestream.latent.Score;
import io.odestream.ode.SolverException;
import io.odestream.schema.AlertKind;
import io.odestream.schema.AnomalyAlert;
import io.odestream.schema.Forecast;
import io.odestream.schema.ForecastRequest;
import io.odestream.schema.ModelArtifact;
import io.odestream.schema.Observation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedMultiInput;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.types.Either;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-series heart of the forecasting job (DESIGN.md, "Data flow"). Keyed by series id (input 1),
 * it keeps each series' latent-ODE filter state and, for every observation in event-time order:
 * scores it against the predictive distribution <em>before</em> absorbing it, raises an alert when the
 * series' calibrated threshold is crossed (one alert per incident), then updates the posterior.
 * Forecast requests are answered from the same state, at any set of times, in one solve. Model
 * artifacts arrive on input 2 (sent to every subtask, kept in broadcast state) and are swapped in
 * without a restart; each series is re-encoded from its recent observations under the new model the
 * next time it is touched.
 *
 * <p>Ordering: a record whose timestamp is ahead of the watermark waits in {@code pending} for an
 * event-time timer, so records of a series are applied in event-time order however they arrived
 * within the watermark's out-of-orderness bound. A record behind the watermark is applied at once
 * when it is not older than the series' newest applied observation (nothing pending can be older
 * than the watermark), and goes to the {@link #LATE} side output otherwise; an observation older than
 * that newest one goes there at once, without waiting for the watermark (which starts afresh after a
 * restore and may not pass it again until more data arrives). Nothing is dropped.
 *
 * <p>Micro-batching ({@link MicroBatching}; off by default): records that are due are not applied one
 * by one but gathered across series in {@link DueRecords} and applied round by round, one record per
 * series per round, each round's observations scored and absorbed in one {@link BatchUpdater} call
 * (the {@code djl} backend: one batched device solve). A batch runs when it holds {@code maxRows}
 * records, when its oldest has waited {@code maxDelay}, after every watermark's timers and before the
 * watermark is passed on, before every checkpoint barrier (so a checkpoint never holds a half-applied
 * batch: exactly-once needs no batch in state), before a model swap and at the end of input. Forecasts
 * are then handed to {@link ForecastBatcher} as {@link PendingForecast}s. Without batching every
 * record is applied as it becomes due, on the JVM filter.
 *
 * <p>Expiry: a processing-time timer per series forgets a series silent for the configured time
 * (state and timers, so state size returns to zero); Flink's state TTL would leave the timers.
 *
 * <p>An operator rather than a {@code KeyedBroadcastProcessFunction} because a batch reads and
 * writes the keyed state of many series: only an operator can switch the current key.
 */
public final class PosteriorUpdater extends AbstractStreamOperator<Forecast>
        implements TwoInputStreamOperator<Either<Observation, ForecastRequest>, ModelArtifact, Forecast>,
        Triggerable<String, VoidNamespace>, BoundedMultiInput {
    private static final long serialVersionUID = 2L;
    private static final Logger LOG = LoggerFactory.getLogger(PosteriorUpdater.class);
    private static final String SERVING_KEY = "serving";
    private static final long NO_TIMESTAMP = Long.MIN_VALUE;
    /**
     * After this many failed updates in a row a series restarts from its newest observation: the
     * failures usually come from the gap since its last good state, which only grows, so keeping that
     * state forever would leave the series failing on every event.
     */
    static final int RESTART_AFTER_FAILURES = 3;
    /**
     * How long a subtask that starts without a model holds event time back for its first one. At a
     * fresh start the observations' source reads its backlog faster than the models' source delivers
     * the served version (about a second); without the hold the first seconds of observations would
     * be absorbed unscored and their forecasts answered "no model yet", with a model on the topic
     * all along. Records wait in {@code pending} meanwhile, as they do for any watermark. A restored
     * subtask has its model in broadcast state and holds nothing.
     */
    static final Duration FIRST_MODEL_WAIT = Duration.ofSeconds(10);

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
    private final MicroBatching batching;
    private transient ValueState<SeriesState> series;
    private transient MapState<Long, List<Either<Observation, ForecastRequest>>> pending;
    private transient BroadcastState<String, ModelArtifact> serving;
    private transient InternalTimerService<VoidNamespace> timers;
    private transient ServingModel model;
    private transient BatchUpdater updater;
    private transient ServingModel updaterModel;
    private transient String device;
    private transient UpdaterMetrics metrics;
    private transient Histogram batchSizes;
    private transient boolean reportsModelEvents;
    private transient DueRecords due;
    private transient BatchDeadline deadline;
    private transient ObservationRows rows;
    /** Flink timestamp of the record being handled; what its outputs carry. */
    private transient long outputTimestamp;
    /** A watermark held back until the first model arrives (or {@link #FIRST_MODEL_WAIT} passes); null: none. */
    private transient Watermark heldWatermark;
    private transient boolean holding;

    public PosteriorUpdater(UpdaterSettings settings) {
        this(settings, null);
    }

    /** @param batching micro-batching of updates and forecasts; null for none */
    public PosteriorUpdater(UpdaterSettings settings, MicroBatching batching) {
        this.settings = settings;
        this.batching = batching;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        serving = context.getOperatorStateStore().getBroadcastState(SERVING_MODEL);
    }

    @Override
    public void open() throws Exception {
        super.open();
        series = getPartitionedState(new ValueStateDescriptor<>("series", SeriesState.class));
        pending = getPartitionedState(new MapStateDescriptor<>("pending", Types.LONG, Types.LIST(INPUT_TYPE)));
        timers = getInternalTimerService("series-timers", VoidNamespaceSerializer.INSTANCE, this);
        metrics = new UpdaterMetrics(getMetricGroup());
        // Every subtask sees every artifact; one of them speaks for all about accepting or rejecting it.
        reportsModelEvents = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0;
        due = new DueRecords();
        rows = new ObservationRows();
        outputTimestamp = NO_TIMESTAMP;
        if (servedModel() == null) {
            holding = true;
            long until = getProcessingTimeService().getCurrentProcessingTime() + FIRST_MODEL_WAIT.toMillis();
            getProcessingTimeService().registerTimer(until, time -> {
                if (holding) {
                    LOG.warn("no model after {}: event time goes on without one (observations are kept and "
                            + "encoded when a model arrives)", FIRST_MODEL_WAIT);
                    stopHolding();
                }
            });
        }
        if (batching != null) {
            deadline = new BatchDeadline(getProcessingTimeService(), batching.maxDelay(), this::flush);
            device = ForecastBatcher.resolveDevice(batching.device(), getRuntimeContext().getExternalResourceInfos("gpu"));
            batchSizes = getMetricGroup().addGroup("odestream").histogram("updateBatchSize",
                    new DescriptiveStatisticsHistogram(1000));
            LOG.info("scoring and absorbing observations in micro-batches on backend '{}', device {} (at most {} "
                    + "per batch, {} delay)", batching.backend(), device, batching.maxRows(), batching.maxDelay());
        }
    }

    // ---------------------------------------------------------------- model swaps (input 2)

    @Override
    public void processElement2(StreamRecord<ModelArtifact> record) throws Exception {
        ModelArtifact artifact = record.getValue();
        if (!settings.modelId().equals(artifact.getModelId())) {
            LOG.debug("ignoring model '{}' v{}: this job serves '{}'", artifact.getModelId(), artifact.getVersion(),
                    settings.modelId());
            return;
        }
        ServingModel current = servedModel();
        if (current != null && current.version() == artifact.getVersion()
                && current.artifact.getChecksum().equals(artifact.getChecksum())) {
            return; // the same version again (a replay of the compacted topic): nothing changes
        }
        flush(); // what became due before the artifact arrived is applied under the model it became due under
        ServingModel.Admission admission = ServingModel.admit(artifact, current, settings.verifier());
        if (admission.rejection() != null) {
            metrics.rejectedModels.inc();
            String served = current == null ? "no model is served yet" : "version " + current.version() + " stays in service";
            LOG.warn("model artifact rejected, {}: {}", served, admission.rejection());
            if (reportsModelEvents) {
                long watermark = timers.currentWatermark();
                outputTimestamp = record.hasTimestamp() ? record.getTimestamp() : NO_TIMESTAMP;
                emit(ALERTS, JobRecords.problem(AlertKind.MODEL_REJECTED, "model:" + artifact.getModelId(),
                        watermark > 0 ? watermark : System.currentTimeMillis(),
                        artifact.getVersion(), "rejected: " + admission.rejection() + "; " + served));
            }
            return;
        }
        serving.put(SERVING_KEY, artifact);
        model = admission.model();
        metrics.modelVersion(artifact.getVersion());
        LOG.info("serving model '{}' version {} (was {}); series re-encode lazily", artifact.getModelId(),
                artifact.getVersion(), current == null ? "none" : current.version());
        stopHolding();
    }

    /** The filter for the artifact in broadcast state, rebuilt only when the artifact changed. */
    private ServingModel servedModel() throws Exception {
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

    /** The batch backend's updater for the served model (with batching only). */
    private BatchUpdater updaterFor(ServingModel m) {
        if (updaterModel != m) {
            if (updater != null) {
                updater.close();
            }
            updater = BatchBackend.named(batching.backend()).updater(m.artifact, device);
            updaterModel = m;
        }
        return updater;
    }

    // ---------------------------------------------------------------- records of a series (input 1)

    @Override
    @SuppressWarnings("unchecked")
    public void processElement1(StreamRecord<Either<Observation, ForecastRequest>> element) throws Exception {
        Either<Observation, ForecastRequest> record = element.getValue();
        long timestamp = element.hasTimestamp() ? element.getTimestamp() : NO_TIMESTAMP;
        String key = (String) getCurrentKey();
        SeriesState s = series.value();
        boolean answerNow = record.isRight() && record.right().getAsOf() == null;
        if (s == null && answerNow) {
            outputTimestamp = timestamp;
            answer(new SeriesState(), record.right()); // an unknown series: answered, nothing kept
            return;
        }
        if (s == null) {
            s = new SeriesState();
        }
        touch(s);
        boolean dueNow = answerNow;
        if (!answerNow) {
            long time = ForecastJob.eventTime(record); // a request here has an as-of time
            // An observation older than what the series already absorbed is late whatever the watermark
            // says: reported at once, not after a wait (after a restore the watermark starts from scratch).
            boolean late = record.isLeft() && s.lastEventMillis != SeriesState.NONE && time < s.lastEventMillis;
            dueNow = late || time <= timers.currentWatermark();
            if (!dueNow) {
                List<Either<Observation, ForecastRequest>> waiting = pending.get(time);
                if (waiting == null) {
                    waiting = new ArrayList<>(1);
                    timers.registerEventTimeTimer(VoidNamespace.INSTANCE, time);
                }
                waiting.add(record);
                pending.put(time, waiting);
            }
        }
        series.update(s); // before the record is queued: a batch run reads the series from state
        if (dueNow) {
            enqueue(DueRecords.Entry.of(key, record, timestamp));
        }
    }

    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        SeriesState s = series.value();
        if (s == null) {
            return;
        }
        long timestamp = timer.getTimestamp();
        List<Either<Observation, ForecastRequest>> records = pending.get(timestamp);
        if (records != null) {
            pending.remove(timestamp);
        }
        boolean periodic = timestamp == s.periodicTimer;
        if (records != null) {
            for (Either<Observation, ForecastRequest> record : records) {
                enqueue(DueRecords.Entry.of(timer.getKey(), record, timestamp));
            }
        }
        if (periodic) {
            enqueue(DueRecords.Entry.periodic(timer.getKey(), timestamp));
        }
    }

    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        flush(); // nothing of the series may still wait in a batch when it is forgotten
        SeriesState s = series.value();
        if (s != null) {
            expireIfSilent(s, timer.getTimestamp());
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        if (holding) {
            heldWatermark = mark;
            return;
        }
        advance(mark);
    }

    /**
     * Flink's own order (fire the timers, pass the watermark on) with the batch run in between, so
     * that what the watermark made due leaves before the watermark does.
     */
    private void advance(Watermark mark) throws Exception {
        if (timeServiceManager != null) {
            timeServiceManager.advanceWatermark(mark);
        }
        flush();
        output.emitWatermark(mark);
    }

    /** Ends the start-up hold: the newest watermark that arrived meanwhile takes effect. */
    private void stopHolding() throws Exception {
        holding = false;
        if (heldWatermark != null) {
            Watermark mark = heldWatermark;
            heldWatermark = null;
            advance(mark);
        }
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        flush();
    }

    @Override
    public void endInput(int inputId) throws Exception {
        if (inputId == 1) {
            stopHolding(); // a bounded run without a model: what waited is handled as without one
        }
        flush();
    }

    @Override
    public void finish() throws Exception {
        stopHolding();
        flush();
        super.finish();
    }

    @Override
    public void close() throws Exception {
        if (updater != null) {
            updater.close();
        }
        super.close();
    }

    // ---------------------------------------------------------------- the micro-batch

    /** A record of the current series is due: applied now without batching, else queued for the batch. */
    private void enqueue(DueRecords.Entry entry) throws Exception {
        if (batching == null) {
            applyNow(entry);
            return;
        }
        due.add(entry);
        if (due.size() >= batching.maxRows()) {
            flush();
        } else if (due.size() == 1) {
            deadline.waiting();
        }
    }

    /** Applies every due record, round by round; leaves the current key as it found it. */
    private void flush() throws Exception {
        if (due.isEmpty()) {
            return;
        }
        Object key = getCurrentKey();
        try {
            while (!due.isEmpty()) {
                runRound(due.nextRound());
            }
        } finally {
            if (key != null) {
                setCurrentKey(key);
            }
        }
    }

    /** One record per series: forecasts answered at once, observations prepared, then absorbed in one call. */
    private void runRound(List<DueRecords.Entry> round) throws Exception {
        rows.reset();
        List<PreparedUpdate> prepared = new ArrayList<>(round.size());
        for (DueRecords.Entry e : round) {
            setCurrentKey(e.key());
            PreparedUpdate p = start(e);
            if (p != null) {
                prepared.add(p);
            }
        }
        if (prepared.isEmpty()) {
            return;
        }
        ServingModel m = prepared.get(0).model;
        List<ObservationUpdate> updates = new ArrayList<>(prepared.size());
        for (PreparedUpdate p : prepared) {
            updates.add(p.update);
        }
        long startNanos = System.nanoTime();
        long evaluations = m.filter.functionEvaluations();
        BatchUpdater.Outcome[] outcomes = updaterFor(m).scoreAndUpdate(updates);
        recordCost(m, prepared.size(), startNanos, evaluations);
        batchSizes.update(prepared.size());
        for (int i = 0; i < outcomes.length; i++) {
            PreparedUpdate p = prepared.get(i);
            setCurrentKey(p.entry.key());
            finish(p, outcomes[i]);
        }
    }

    /** Without batching: the record (of the current series) is applied at once, on the JVM filter. */
    private void applyNow(DueRecords.Entry e) throws Exception {
        rows.reset();
        PreparedUpdate p = start(e);
        if (p != null) {
            long startNanos = System.nanoTime();
            long evaluations = p.model.filter.functionEvaluations();
            BatchUpdater.Outcome outcome = FilterBatchUpdater.scoreAndUpdate(p.model.filter, p.update);
            recordCost(p.model, 1, startNanos, evaluations);
            finish(p, outcome);
        }
    }

    /**
     * Everything a due record of the current series does before the model's update: a forecast is
     * answered, an observation checked and prepared. The prepared update, or null when there is none.
     */
    private PreparedUpdate start(DueRecords.Entry e) throws Exception {
        outputTimestamp = e.timestamp();
        SeriesState s = series.value();
        if (s == null) { // cannot happen: a series is only forgotten after a flush; said loudly if it does
            LOG.error("series '{}' has no state for a due record, which is dropped: {}", e.key(), e.record());
            return null;
        }
        PreparedUpdate p = null;
        if (e.record() == null) {
            if (e.periodicAt() == s.periodicTimer) {
                periodicForecast(s, e.periodicAt());
            }
        } else if (e.isObservation()) {
            p = observe(s, e);
        } else {
            answer(s, e.record().right());
        }
        series.update(s);
        return p;
    }

    /** The update's outcome into the current series' state. */
    private void finish(PreparedUpdate p, BatchUpdater.Outcome outcome) throws Exception {
        outputTimestamp = p.entry.timestamp();
        absorbed(p, outcome);
        series.update(p.series);
    }

    /** Time and vector-field evaluations of an update call, each row's share (the JVM filter's count only). */
    private void recordCost(ServingModel m, int rows, long startNanos, long evaluationsBefore) {
        long perRowMicros = (System.nanoTime() - startNanos) / 1000 / rows;
        long perRowEvaluations = (m.filter.functionEvaluations() - evaluationsBefore) / rows;
        for (int i = 0; i < rows; i++) {
            metrics.updateMicros.update(perRowMicros);
            metrics.evaluationsPerUpdate.update(perRowEvaluations);
        }
    }

    /** An observation of a round, checked and ready for the batch backend. */
    private record PreparedUpdate(DueRecords.Entry entry, SeriesState series, ServingModel model,
                                  ObservationUpdate update) {
        Observation observation() {
            return entry.record().left();
        }

        boolean first() {
            return !update.scored();
        }
    }

    /**
     * The checks and bookkeeping of an observation before its update; the update itself when it can be
     * prepared for the batch (null when the observation is late, malformed or waits for a model).
     */
    private PreparedUpdate observe(SeriesState s, DueRecords.Entry e) throws Exception {
        Observation o = e.record().left();
        long t = o.getEventTime().toEpochMilli();
        if (s.lastEventMillis != SeriesState.NONE && t < s.lastEventMillis) {
            metrics.lateObservations.inc();
            emit(LATE, o);
            return null;
        }
        ServingModel m = servedModel();
        int width = m != null ? m.channels() : s.recent != null ? s.recent.channels : o.getValues().size();
        if (o.getValues().size() != width) {
            metrics.rejectedObservations.inc();
            emit(ALERTS, JobRecords.problem(AlertKind.MODEL_ERROR, o.getSeriesId(), t,
                    m == null ? -1 : m.version(), "observation at " + Instant.ofEpochMilli(t) + " has "
                            + o.getValues().size() + " values but the series has " + width
                            + " channels; it was not applied (fix the producer's channel order/width)"));
            return null;
        }
        int row = rows.next(width);
        readValues(o, rows.values(row), rows.observed(row));
        if (s.recent == null) {
            s.recent = new RecentObservations(settings.recentCapacity(), width);
            s.alerts = settings.alertPolicy().newTrack();
        }
        metrics.observations.inc();
        if (m == null) {
            metrics.waitingForModel.inc(); // kept in the recent observations; encoded when a model arrives
            recorded(s, t, rows.values(row), rows.observed(row));
            return null;
        }
        FilterState state = encoded(s, m, o.getSeriesId());
        // A series' first observation has nothing to be surprising against: it is absorbed, not scored.
        boolean first = state == null;
        if (first) {
            state = m.filter.start(t);
        }
        return new PreparedUpdate(e, s, m, new ObservationUpdate(state, t, rows.values(row), rows.observed(row),
                first ? 0 : settings.scoreSamples(), seed(o.getSeriesId(), t)));
    }

    /** The outcome of a prepared observation's update: alert, new state or failure handling, bookkeeping. */
    private void absorbed(PreparedUpdate p, BatchUpdater.Outcome outcome) {
        SeriesState s = p.series;
        Observation o = p.observation();
        ObservationUpdate u = p.update;
        if (outcome.failure() == null) {
            if (!p.first()) {
                alertIfSurprising(s, o, u, outcome.score(), p.model);
            }
            s.store(outcome.next());
            s.consecutiveFailures = 0;
        } else {
            s.consecutiveFailures++;
            if (s.consecutiveFailures < RESTART_AFTER_FAILURES) {
                solverFailure(o.getSeriesId(), u.eventTimeMillis(), p.model, "update", outcome.failure());
            } else {
                restart(s, o.getSeriesId(), u, p.model, outcome.failure());
            }
        }
        recorded(s, u.eventTimeMillis(), u.values(), u.mask());
    }

    /** What every applied observation leaves in the series, with or without a model. */
    private void recorded(SeriesState s, long t, double[] values, boolean[] observed) {
        s.recent.add(t, values, observed);
        s.lastEventMillis = t;
        s.observations++;
        schedulePeriodicForecast(s, t);
    }

    /** Judges the observation's score (from the state before it) and raises an alert when the policy says so. */
    private void alertIfSurprising(SeriesState s, Observation o, ObservationUpdate u, Score score, ServingModel m) {
        long t = u.eventTimeMillis();
        AlertDecision decision = settings.alertPolicy().observe(s.alerts, t, score.negativeLogDensity());
        if (decision.raise()) {
            Prediction expected;
            try {
                expected = m.filter.predict(u.state(), new long[] {t}, settings.scoreSamples(), u.seed());
            } catch (SolverException e) {
                solverFailure(o.getSeriesId(), t, m, "the alert's expected values", e);
                return;
            }
            metrics.anomalyAlerts.inc();
            emit(ALERTS, JobRecords.anomaly(o, score, expected, decision.threshold(),
                    decision.anomalyProbability(), m.version()));
        }
    }

    /**
     * The series' filter state under the served model: as stored, or re-encoded from the recent
     * observations when it belongs to another version (the lazy half of a model swap). Null when
     * the series has nothing to encode yet.
     */
    private FilterState encoded(SeriesState s, ServingModel m, String seriesId) {
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
            solverFailure(seriesId, s.lastEventMillis, m, "re-encoding of the recent observations", e);
            return null; // starts afresh at the next observation
        }
        metrics.reencodedSeries.inc();
        s.store(state);
        return state;
    }

    /** Starts the series' filter afresh at this observation (its first update has no gap to solve). */
    private void restart(SeriesState s, String seriesId, ObservationUpdate u, ServingModel m, SolverException e) {
        long t = u.eventTimeMillis();
        metrics.solverFailures.inc();
        s.store(m.filter.update(m.filter.start(t), t, u.values(), u.mask()));
        s.consecutiveFailures = 0;
        LOG.warn("series '{}': {} updates failed in a row; restarted from the observation at {}: {}", seriesId,
                RESTART_AFTER_FAILURES, Instant.ofEpochMilli(t), e.getMessage());
        emit(ALERTS, JobRecords.problem(AlertKind.MODEL_ERROR, seriesId, t, m.version(),
                "solver failed in " + RESTART_AFTER_FAILURES + " updates in a row; the series restarts from this "
                        + "observation (its earlier history is forgotten): " + e.getMessage()));
    }

    private void solverFailure(String seriesId, long t, ServingModel m, String what, SolverException e) {
        metrics.solverFailures.inc();
        LOG.warn("series '{}': solver failed in {} at {}; the last good state is kept: {}", seriesId, what,
                Instant.ofEpochMilli(t), e.getMessage());
        emit(ALERTS, JobRecords.problem(AlertKind.MODEL_ERROR, seriesId, t, m.version(),
                "solver failed in " + what + "; the series keeps its last good state: " + e.getMessage()));
    }

    // ---------------------------------------------------------------- forecasts

    private void answer(SeriesState s, ForecastRequest r) throws Exception {
        ServingModel m = servedModel();
        long version = m == null ? -1 : m.version();
        String seriesId = r.getSeriesId();
        if (m == null) {
            emit(JobRecords.unanswered(r.getRequestId(), seriesId, version,
                    "no model has been received yet; publish one to the models topic"));
            return;
        }
        FilterState state = encoded(s, m, seriesId);
        if (state == null) {
            emit(JobRecords.unanswered(r.getRequestId(), seriesId, version, "series '" + seriesId
                    + "' has no observations (never seen, or expired after " + settings.keyTtl() + " of silence)"));
            return;
        }
        long[] times = new long[r.getQueryTimes().size()];
        for (int i = 0; i < times.length; i++) {
            times[i] = r.getQueryTimes().get(i).toEpochMilli();
        }
        int samples = r.getSamples() == null ? settings.forecastSamples() : r.getSamples();
        long seed = seed(r.getRequestId(), state.timeMillis());
        if (batching != null) {
            emit(PENDING_FORECASTS, new PendingForecast(r.getRequestId(), seriesId, m.artifact.getChecksum(),
                    state, times, samples, seed));
            return;
        }
        try {
            Prediction p = m.filter.predict(state, times, samples, seed);
            metrics.forecasts.inc();
            emit(JobRecords.forecast(r.getRequestId(), seriesId, version, state.timeMillis(), p, null));
        } catch (SolverException e) {
            solverFailure(seriesId, state.timeMillis(), m, "forecast " + r.getRequestId(), e);
            emit(JobRecords.unanswered(r.getRequestId(), seriesId, version, "the solver failed: " + e.getMessage()));
        }
    }

    private void schedulePeriodicForecast(SeriesState s, long t) {
        Duration every = settings.periodicEvery();
        if (every != null && s.periodicTimer == SeriesState.NONE) {
            s.periodicTimer = t + every.toMillis();
            timers.registerEventTimeTimer(VoidNamespace.INSTANCE, s.periodicTimer);
        }
    }

    /** A forecast at the configured horizons; the next one is scheduled by the next observation. */
    private void periodicForecast(SeriesState s, long timestamp) throws Exception {
        s.periodicTimer = SeriesState.NONE;
        if (servedModel() == null || s.hidden == null) {
            return;
        }
        Duration[] horizons = settings.periodicHorizons();
        List<Instant> times = new ArrayList<>(horizons.length);
        for (Duration h : horizons) {
            times.add(Instant.ofEpochMilli(s.stateMillis + h.toMillis()));
        }
        String seriesId = (String) getCurrentKey();
        answer(s, ForecastRequest.newBuilder().setRequestId("periodic-" + seriesId + "-" + timestamp)
                .setSeriesId(seriesId).setQueryTimes(times).build());
    }

    // ---------------------------------------------------------------- expiry

    private void touch(SeriesState s) {
        long now = timers.currentProcessingTime();
        s.lastSeenProcessingMillis = now;
        if (s.expiryTimer == SeriesState.NONE) {
            s.expiryTimer = now + settings.keyTtl().toMillis();
            timers.registerProcessingTimeTimer(VoidNamespace.INSTANCE, s.expiryTimer);
        }
    }

    private void expireIfSilent(SeriesState s, long timestamp) throws Exception {
        if (timestamp != s.expiryTimer) {
            return;
        }
        long dueAt = s.lastSeenProcessingMillis + settings.keyTtl().toMillis();
        if (dueAt > timestamp || !pending.isEmpty()) {
            // Touched since the timer was set, or records still wait for the watermark: look again later.
            s.expiryTimer = Math.max(dueAt, timestamp + 1);
            timers.registerProcessingTimeTimer(VoidNamespace.INSTANCE, s.expiryTimer);
            series.update(s);
            return;
        }
        if (s.periodicTimer != SeriesState.NONE) {
            timers.deleteEventTimeTimer(VoidNamespace.INSTANCE, s.periodicTimer);
        }
        series.clear();
        pending.clear();
        metrics.expiredSeries.inc();
    }

    // ---------------------------------------------------------------- helpers

    private void emit(Forecast forecast) {
        output.collect(record(forecast));
    }

    private <T> void emit(OutputTag<T> tag, T value) {
        output.collect(tag, record(value));
    }

    private <T> StreamRecord<T> record(T value) {
        return outputTimestamp == NO_TIMESTAMP ? new StreamRecord<>(value) : new StreamRecord<>(value, outputTimestamp);
    }

    /** Observation values into a row's buffers; null and non-finite values become masked. */
    private void readValues(Observation o, double[] values, boolean[] observed) {
        List<Double> v = o.getValues();
        for (int j = 0; j < values.length; j++) {
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
