package io.odestream.job.forecast;

import io.odestream.alert.ZPool;
import io.odestream.classify.RiskHead;
import io.odestream.job.JobRecords;
import io.odestream.job.SampleSeed;
import io.odestream.job.ServingModel;
import io.odestream.kafka.Rejection;
import io.odestream.latent.BatchUpdater;
import io.odestream.latent.MonitorSettings;
import io.odestream.latent.SeriesMonitor;
import io.odestream.schema.AlertKind;
import io.odestream.schema.AnomalyAlert;
import io.odestream.schema.DeadLetter;
import io.odestream.schema.Forecast;
import io.odestream.schema.ForecastRequest;
import io.odestream.schema.ModelArtifact;
import io.odestream.schema.Observation;
import io.odestream.schema.RiskScore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
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
 * it keeps each series' latent-ODE filter state and applies every observation in event-time order
 * through {@link ObservationApplier} (the {@link io.odestream.latent.SeriesMonitor} step: scored
 * <em>before</em> it is absorbed, judged by the alert policy, then absorbed). Forecast requests are
 * answered from the same state by {@link ForecastAnswerer}. Model artifacts arrive on input 2 (sent to
 * every subtask, kept in broadcast state) and pass the {@link ModelGate}; each series is re-encoded
 * under a new model the next time it is touched. This class keeps what needs the operator: ordering,
 * micro-batching and the timers of {@link SeriesExpiry}, which forgets a series silent for the key TTL.
 *
 * <p>Ordering: a record whose timestamp is ahead of the watermark waits in {@code pending} for an
 * event-time timer, so records of a series are applied in event-time order however they arrived
 * within the watermark's out-of-orderness bound. A record behind the watermark is applied at once
 * when it is not older than the series' newest applied observation (nothing pending can be older
 * than the watermark), and goes to the {@link #LATE} side output otherwise; an observation older than
 * that newest one goes there at once, without waiting for the watermark (which starts afresh after a
 * restore and may not pass it again until more data arrives). Nothing is dropped. A series' first
 * observation is the exception to "behind the watermark is applied at once": more than
 * {@code newSeriesLateness} behind it, it goes to {@link #LATE}, so that a burst of old events cannot
 * become a new series' history ahead of its first in-order point.
 *
 * <p>Bad input ({@link RecordChecks}): a record over a size bound or without the fields the filter
 * needs is refused before it touches the series' state: an observation with a {@code MODEL_ERROR}
 * alert, a request with an answer whose {@code error} says why, each counted. A record whose handling
 * fails unexpectedly is accounted for the same way ({@code failedRecords}) instead of failing the
 * task, which would replay it after the restore and fail again.
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
 * <p>Pooled warm-up ({@link io.odestream.latent.MonitorSettings#pooledWarmUp}): one {@link ZPool} per
 * subtask, fed by every series it serves, published at each watermark (after the batch run), so that
 * the batched and unbatched paths judge from the moments of the same events; kept as operator list
 * state, and on a rescale the pools a subtask receives are merged (their moments add).
 *
 * <p>An operator rather than a {@code KeyedBroadcastProcessFunction} because a batch reads and
 * writes the keyed state of many series: only an operator can switch the current key.
 */
public final class PosteriorUpdater extends AbstractStreamOperator<Forecast>
        implements TwoInputStreamOperator<Either<Observation, ForecastRequest>, ModelArtifact, Forecast>,
        Triggerable<String, VoidNamespace>, BoundedMultiInput {
    private static final long serialVersionUID = 2L;
    private static final Logger LOG = LoggerFactory.getLogger(PosteriorUpdater.class);
    private static final long NO_TIMESTAMP = UpdaterOutput.NO_TIMESTAMP;
    /** After this many failed updates in a row a series restarts from its newest observation. */
    static final int RESTART_AFTER_FAILURES = MonitorSettings.DEFAULT_RESTART_AFTER_FAILURES;
    /** How long a subtask that starts without a model holds event time back for it; records wait in {@code pending}. */
    static final Duration FIRST_MODEL_WAIT = Duration.ofSeconds(10);
    /**
     * How long a request (no as-of time) for a series with nothing absorbed yet waits, in processing
     * time, for the series' first points to pass the watermark before it is answered without them.
     */
    static final Duration EARLY_REQUEST_WAIT = Duration.ofSeconds(10);
    /** How far behind the watermark a series' first observation may be: the job's default out-of-orderness. */
    static final Duration DEFAULT_NEW_SERIES_LATENESS = Duration.ofSeconds(5);

    public static final OutputTag<AnomalyAlert> ALERTS =
            new OutputTag<>("alerts", new AvroTypeInfo<>(AnomalyAlert.class));
    public static final OutputTag<Observation> LATE =
            new OutputTag<>("late-observations", new AvroTypeInfo<>(Observation.class));
    /** Observations that cannot be applied to their series (wrong width or channels), with their values. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("rejected-observations", new AvroTypeInfo<>(DeadLetter.class));
    /** Forecasts prepared for {@link ForecastBatcher} when micro-batching is on. */
    /** One risk score per absorbed observation, with a risk head only ({@link #withRiskHead}). */
    public static final OutputTag<RiskScore> RISK_SCORES =
            new OutputTag<>("risk-scores", new AvroTypeInfo<>(RiskScore.class));
    public static final OutputTag<PendingForecast> PENDING_FORECASTS =
            new OutputTag<>("pending-forecasts", TypeInformation.of(PendingForecast.class));
    /** The served artifact, one entry; broadcast state survives restores and reaches new subtasks. */
    public static final MapStateDescriptor<String, ModelArtifact> SERVING_MODEL =
            new MapStateDescriptor<>("serving-model", Types.STRING, new AvroTypeInfo<>(ModelArtifact.class));
    /** The subtask's pooled z-moments ({@link ZPool#writeTo}), one entry per subtask. */
    static final ListStateDescriptor<byte[]> POOLED_Z =
            new ListStateDescriptor<>("pooled-z-moments", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
    public static final TypeInformation<Either<Observation, ForecastRequest>> INPUT_TYPE =
            new EitherTypeInfo<>(new AvroTypeInfo<>(Observation.class), new AvroTypeInfo<>(ForecastRequest.class));

    private final UpdaterSettings settings;
    private final MicroBatching batching;
    private final long newSeriesLatenessMillis;
    private ModelArtifact riskHead;
    private transient RecordChecks checks;
    private transient ValueState<SeriesState> series;
    private transient MapState<Long, List<Either<Observation, ForecastRequest>>> pending;
    private transient BroadcastState<String, ModelArtifact> serving;
    private transient ListState<byte[]> pooledState;
    /** The z-moments pooled over this subtask's series; null without the pooled warm-up rule. */
    private transient ZPool pool;
    private transient InternalTimerService<VoidNamespace> timers;
    private transient ModelGate gate;
    private transient ForecastAnswerer forecasts;
    private transient ObservationApplier observations;
    private transient ServedModelHealth health;
    private transient UpdaterOutput out;
    private transient RoundUpdater updates;
    private transient UpdaterMetrics metrics;
    private transient DueRecords due;
    private transient BatchDeadline deadline;
    private transient ObservationRows rows;
    private transient SeriesExpiry expiry;

    public PosteriorUpdater(UpdaterSettings settings) {
        this(settings, null);
    }

    /** @param batching micro-batching of updates and forecasts; null for none */
    public PosteriorUpdater(UpdaterSettings settings, MicroBatching batching) {
        this(settings, batching, DEFAULT_NEW_SERIES_LATENESS);
    }

    /**
     * @param newSeriesLateness how far behind the watermark a series' first observation may be and still
     *                          start it (the job passes its out-of-orderness bound); older ones are late
     */
    public PosteriorUpdater(UpdaterSettings settings, MicroBatching batching, Duration newSeriesLateness) {
        if (newSeriesLateness == null || newSeriesLateness.isNegative()) {
            throw new IllegalArgumentException("newSeriesLateness must be >= 0, got " + newSeriesLateness);
        }
        this.settings = settings;
        this.batching = batching;
        this.newSeriesLatenessMillis = newSeriesLateness.toMillis();
    }

    /**
     * Turns on the risk output: {@code head} (a checked {@code risk-head} artifact) scores every
     * absorbed observation's new hidden state to {@link #RISK_SCORES}; models it cannot read are rejected.
     */
    public PosteriorUpdater withRiskHead(ModelArtifact head) {
        RiskHead.load(head); // a bad artifact fails here, when the job is built, not on the cluster
        this.riskHead = head;
        return this;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        serving = context.getOperatorStateStore().getBroadcastState(SERVING_MODEL);
        if (settings.monitor().pooledWarmUp() != null) {
            pool = new ZPool(settings.monitor().pooledWarmUp(), false);
            pooledState = context.getOperatorStateStore().getListState(POOLED_Z);
            for (byte[] written : pooledState.get()) {
                pool.mergeFrom(new DataInputStream(new ByteArrayInputStream(written)));
            }
        }
    }

    /** The subtask's pooled z-moments (null without the pooled warm-up rule): what a checkpoint keeps. */
    ZPool pool() {
        return pool;
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        if (pool != null) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            pool.writeTo(new DataOutputStream(bytes));
            pooledState.update(List.of(bytes.toByteArray()));
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        series = getPartitionedState(new ValueStateDescriptor<>("series", SeriesState.class));
        pending = getPartitionedState(new MapStateDescriptor<>("pending", Types.LONG, Types.LIST(INPUT_TYPE)));
        timers = getInternalTimerService("series-timers", VoidNamespaceSerializer.INSTANCE, this);
        metrics = new UpdaterMetrics(getMetricGroup());
        checks = new RecordChecks(settings.forecastSamples());
        out = new UpdaterOutput(output, metrics);
        gate = new ModelGate(settings, serving, metrics, out,
                getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0);
        SeriesMonitor monitor = settings.newMonitor(pool);
        forecasts = new ForecastAnswerer(settings, batching != null, gate, monitor, out, metrics, timers);
        int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        health = settings.health() == null ? null
                : new ServedModelHealth(settings.health(), out, getMetricGroup(), subtask);
        observations = new ObservationApplier(settings, monitor, gate, forecasts, out, metrics, health);
        if (riskHead != null) {
            RiskScorer risk = new RiskScorer(RiskHead.load(riskHead), out);
            gate.readBy(risk);
            observations.scoreRiskWith(risk);
        }
        due = new DueRecords();
        rows = new ObservationRows();
        expiry = new SeriesExpiry(settings.keyTtl().toMillis(), timers, series, pending, metrics);
        gate.holdForFirstModel(getProcessingTimeService(), FIRST_MODEL_WAIT, this::stopHolding);
        if (batching == null) {
            updates = new RoundUpdater(null, null, metrics, getMetricGroup());
        } else {
            deadline = new BatchDeadline(getProcessingTimeService(), batching.maxDelay(), this::flush);
            String device = ForecastBatcher.resolveDevice(batching.device(),
                    getRuntimeContext().getExternalResourceInfos("gpu"));
            updates = new RoundUpdater(batching.backend(), device, metrics, getMetricGroup());
            LOG.info("scoring and absorbing observations in micro-batches on backend '{}', device {} (at most {} "
                    + "per batch, {} delay)", batching.backend(), device, batching.maxRows(), batching.maxDelay());
        }
    }

    // ---------------------------------------------------------------- model swaps (input 2)

    @Override
    public void processElement2(StreamRecord<ModelArtifact> record) throws Exception {
        ModelArtifact artifact = record.getValue();
        if (!gate.concerns(artifact)) {
            return;
        }
        flush(); // what became due before the artifact arrived is applied under the model it became due under
        out.stampWith(record.hasTimestamp() ? record.getTimestamp() : NO_TIMESTAMP);
        if (gate.admit(artifact, timers.currentWatermark())) {
            stopHolding();
        }
    }

    // ---------------------------------------------------------------- records of a series (input 1)

    @Override
    @SuppressWarnings("unchecked")
    public void processElement1(StreamRecord<Either<Observation, ForecastRequest>> element) throws Exception {
        Either<Observation, ForecastRequest> record = element.getValue();
        long timestamp = element.hasTimestamp() ? element.getTimestamp() : NO_TIMESTAMP;
        String key = (String) getCurrentKey();
        if (refused(record, timestamp)) {
            return;
        }
        SeriesState s = series.value();
        boolean answerNow = record.isRight() && record.right().getAsOf() == null;
        if (s == null && answerNow) {
            out.stampWith(timestamp);
            forecasts.answer(new SeriesState(), record.right()); // an unknown series: answered, nothing kept
            return;
        }
        if (record.isLeft() && (s == null || s.lastEventMillis == SeriesState.NONE)
                && tooLateToStart(ForecastJob.eventTime(record))) {
            metrics.lateObservations.inc();
            out.stampWith(timestamp);
            out.emit(LATE, record.left()); // not kept: the series' state stays as it was (none, or requests only)
            return;
        }
        if (s == null) {
            s = new SeriesState();
        }
        expiry.touch(s);
        // A series that has absorbed nothing yet but whose first points wait for the watermark: the request
        // waits behind them (at most EARLY_REQUEST_WAIT), not answered "never seen". A series with a state is
        // answered from it at once, as before; without a model the answer is "no model" whatever waits.
        if (answerNow && s.lastEventMillis == SeriesState.NONE && gate.served() != null
                && waitBehindPending(record)) {
            timers.registerProcessingTimeTimer(VoidNamespace.INSTANCE,
                    timers.currentProcessingTime() + EARLY_REQUEST_WAIT.toMillis());
            series.update(s);
            return;
        }
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
            enqueue(DueRecords.Entry.of(key, record, timestamp), s);
        }
    }

    /**
     * A request to be answered now for a series whose observations still wait for the watermark (the
     * out-of-orderness bound): it waits behind the newest of them, so that a request sent right after
     * a series' first points is answered from them, not with "never seen". True when it waits.
     */
    private boolean waitBehindPending(Either<Observation, ForecastRequest> request) throws Exception {
        long newest = Long.MIN_VALUE;
        for (Long time : pending.keys()) {
            newest = Math.max(newest, time);
        }
        if (newest == Long.MIN_VALUE) {
            return false;
        }
        List<Either<Observation, ForecastRequest>> waiting = pending.get(newest);
        waiting.add(request);
        pending.put(newest, waiting);
        return true;
    }

    /**
     * A record no series can use, refused before anything is kept for it: counted, and said in an
     * alert (an observation) or in the answer (a request).
     */
    private boolean refused(Either<Observation, ForecastRequest> record, long timestamp) throws Exception {
        Optional<Rejection> why = record.isLeft() ? checks.observation(record.left()) : checks.request(record.right());
        if (why.isEmpty()) {
            return false;
        }
        out.stampWith(timestamp);
        long version = servedVersion();
        if (record.isLeft()) {
            Observation o = record.left();
            metrics.rejectedObservations.inc();
            out.emit(ALERTS, JobRecords.problem(AlertKind.MODEL_ERROR, o.getSeriesId(),
                    o.getEventTime() == null ? 0 : Math.max(0, o.getEventTime().toEpochMilli()), version,
                    "observation refused, not applied: " + why.get()));
        } else {
            ForecastRequest r = record.right();
            metrics.rejectedRequests.inc();
            out.emit(JobRecords.unanswered(r.getRequestId(), r.getSeriesId(), version, why.get().toString()));
        }
        return true;
    }

    /** An observation this far behind the watermark cannot be a new series' first. */
    private boolean tooLateToStart(long time) {
        long watermark = timers.currentWatermark();
        return watermark > Long.MIN_VALUE + newSeriesLatenessMillis && time < watermark - newSeriesLatenessMillis;
    }

    /** The served version for an output record, -1 without a model. */
    private long servedVersion() throws Exception {
        ServingModel m = gate.served();
        return m == null ? -1 : m.version();
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
                enqueue(DueRecords.Entry.of(timer.getKey(), record, timestamp), s);
            }
        }
        if (periodic) {
            enqueue(DueRecords.Entry.periodic(timer.getKey(), timestamp), s);
        }
    }

    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        releaseWaitingRequests();
        flush(); // nothing of the series may still wait in a batch when it is forgotten
        expiry.expireIfSilent(timer.getTimestamp());
    }

    /**
     * Requests without an as-of time still waiting behind the current series' first points when their
     * wait is over (the points' watermark did not come: a stream that stopped): answered from what the
     * series has.
     */
    private void releaseWaitingRequests() throws Exception {
        List<Either<Observation, ForecastRequest>> released = null;
        List<Long> emptied = null;
        for (var entry : pending.entries()) {
            List<Either<Observation, ForecastRequest>> kept = new ArrayList<>(entry.getValue().size());
            for (Either<Observation, ForecastRequest> r : entry.getValue()) {
                if (r.isRight() && r.right().getAsOf() == null) {
                    released = released == null ? new ArrayList<>() : released;
                    released.add(r);
                } else {
                    kept.add(r);
                }
            }
            if (kept.size() < entry.getValue().size()) {
                if (kept.isEmpty()) {
                    emptied = emptied == null ? new ArrayList<>() : emptied;
                    emptied.add(entry.getKey()); // its event-time timer finds nothing and does nothing
                } else {
                    entry.setValue(kept);
                }
            }
        }
        if (released == null) {
            return;
        }
        if (emptied != null) {
            for (Long time : emptied) {
                pending.remove(time);
            }
        }
        String key = (String) getCurrentKey();
        for (Either<Observation, ForecastRequest> r : released) {
            enqueue(DueRecords.Entry.of(key, r, NO_TIMESTAMP), null);
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        if (!gate.holds(mark)) {
            advance(mark);
        }
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
        if (pool != null) {
            pool.publish(); // both paths have applied the same observations by now
        }
        output.emitWatermark(mark);
    }

    /** Ends the start-up hold: the newest watermark that arrived meanwhile takes effect. */
    private void stopHolding() throws Exception {
        Watermark mark = gate.release();
        if (mark != null) {
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
        if (updates != null) {
            updates.close();
        }
        if (health != null) {
            health.close();
        }
        super.close();
    }

    // ---------------------------------------------------------------- the micro-batch

    /**
     * A record of the current series is due: applied now without batching, else queued for the batch.
     * {@code held} is the series' state as the caller holds it (read from, and written to, keyed state
     * already: one read fewer per record with a serialising backend), or null to read it.
     */
    private void enqueue(DueRecords.Entry entry, SeriesState held) throws Exception {
        if (batching == null) {
            applyNow(entry, held);
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
        List<ObservationApplier.PreparedUpdate> prepared = new ArrayList<>(round.size());
        for (DueRecords.Entry e : round) {
            setCurrentKey(e.key());
            ObservationApplier.PreparedUpdate p = startOrAccount(e, series.value(), true);
            if (p != null) {
                prepared.add(p);
            }
        }
        if (prepared.isEmpty()) {
            return;
        }
        BatchUpdater.Outcome[] outcomes = updates.inBatch(prepared);
        for (int i = 0; i < outcomes.length; i++) {
            ObservationApplier.PreparedUpdate p = prepared.get(i);
            setCurrentKey(p.entry().key());
            try {
                finish(p, outcomes[i]);
            } catch (RuntimeException failure) {
                failed(p.entry(), failure);
            }
        }
    }

    /**
     * Without batching: the record (of the current series, whose state is {@code held} or, when null,
     * read) is applied at once, on the JVM filter. The state is written once, after the update.
     */
    private void applyNow(DueRecords.Entry e, SeriesState held) throws Exception {
        rows.reset();
        ObservationApplier.PreparedUpdate p = startOrAccount(e, held != null ? held : series.value(), false);
        if (p != null) {
            try {
                finish(p, updates.alone(p));
            } catch (RuntimeException failure) {
                series.update(p.series()); // what the preparation changed is kept, as a batch keeps it
                failed(e, failure);
            }
        }
    }

    /** {@link #start}, with an unexpected failure accounted for ({@link #failed}) instead of thrown. */
    private ObservationApplier.PreparedUpdate startOrAccount(DueRecords.Entry e, SeriesState s, boolean batched)
            throws Exception {
        try {
            return start(e, s, batched);
        } catch (RuntimeException failure) {
            failed(e, failure);
            return null;
        }
    }

    /**
     * A record whose handling threw: a bug, but one that must not fail the task (the record would be
     * replayed after the restore and fail again, for ever). Logged with its stack trace, counted, and
     * accounted for where its sender looks: an alert for an observation, an answer for a request.
     */
    private void failed(DueRecords.Entry e, RuntimeException failure) throws Exception {
        metrics.failedRecords.inc();
        LOG.error("series '{}': a record could not be handled and was accounted for instead: {}", e.key(),
                e.record(), failure);
        out.stampWith(e.timestamp());
        long version = servedVersion();
        String why = "could not be handled: " + failure;
        if (e.record() == null) {
            return; // a periodic forecast: the next observation schedules the next one
        }
        if (e.isObservation()) {
            Observation o = e.record().left();
            out.emit(ALERTS, JobRecords.problem(AlertKind.MODEL_ERROR, o.getSeriesId(),
                    Math.max(0, o.getEventTime().toEpochMilli()), version, "observation " + why));
        } else {
            ForecastRequest r = e.record().right();
            out.emit(JobRecords.unanswered(r.getRequestId(), r.getSeriesId(), version, "the request " + why));
        }
    }

    /**
     * Everything a due record of the current series (state {@code s}) does before the model's update:
     * a forecast is answered, an observation checked and prepared. The prepared update, or null when
     * there is none. The state is written back unless an update follows at once ({@code batched}
     * false), which writes it.
     */
    private ObservationApplier.PreparedUpdate start(DueRecords.Entry e, SeriesState s, boolean batched)
            throws Exception {
        out.stampWith(e.timestamp());
        if (s == null) { // cannot happen: a series is only forgotten after a flush; said loudly if it does
            LOG.error("series '{}' has no state for a due record, which is dropped: {}", e.key(), e.record());
            return null;
        }
        ObservationApplier.PreparedUpdate p = null;
        if (e.record() == null) {
            if (e.periodicAt() == s.periodicTimer) {
                forecasts.periodic(s, e.key(), e.periodicAt());
            }
        } else if (e.isObservation()) {
            p = observations.prepare(s, e, rows);
        } else {
            forecasts.answer(s, e.record().right());
        }
        if (p == null || batched) {
            series.update(s); // a batch reads it back when the round's update is done
        }
        return p;
    }

    /** The update's outcome into the current series' state. */
    private void finish(ObservationApplier.PreparedUpdate p, BatchUpdater.Outcome outcome) throws Exception {
        out.stampWith(p.entry().timestamp());
        observations.finish(p, outcome);
        series.update(p.series());
    }

    /** The counters, for tests in this package: the same objects the metric group reports. */
    UpdaterMetrics metrics() {
        return metrics;
    }

    /** The job's Monte-Carlo seed ({@link SampleSeed}), under the name the job's tests reproduce it by. */
    static long seed(String id, long time) {
        return SampleSeed.of(id, time);
    }
}
