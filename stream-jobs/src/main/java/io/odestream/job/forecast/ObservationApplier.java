package io.odestream.job.forecast;

import io.odestream.alert.AlertPolicy;
import io.odestream.job.ChannelContract;
import io.odestream.job.JobRecords;
import io.odestream.job.SampleSeed;
import io.odestream.job.ServingModel;
import io.odestream.kafka.Rejection;
import io.odestream.latent.BatchUpdater;
import io.odestream.latent.LevelFrame;
import io.odestream.latent.ObservationUpdate;
import io.odestream.latent.Prediction;
import io.odestream.latent.SeriesMonitor;
import io.odestream.ode.SolverException;
import io.odestream.schema.AlertKind;
import io.odestream.schema.Observation;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How {@link PosteriorUpdater} applies an observation to its series: the job's checks (late, of the
 * wrong width, before any model) and then the {@link SeriesMonitor} step in its two halves, so that a
 * batch backend can score and absorb many series' observations in between: {@link #prepare} before
 * the model's update, {@link #finish} after it, which turns the monitor's verdict into alerts.
 */
final class ObservationApplier {
    private static final Logger LOG = LoggerFactory.getLogger(PosteriorUpdater.class);
    /** What the operator is told on stdout: a series whose level left the model's range. */
    private static final Logger EVENTS = LoggerFactory.getLogger("io.odestream.events");

    /**
     * An observation checked and ready for the batch backend; {@code observed} is its values in the
     * model's channel order (the observation's own list when it was in that order); {@code calibrated}
     * whether the series had enough scores before this one for a calibrated anomaly probability;
     * {@code frameShift} the shifts of the series' level frame the update is in (null: none), which its
     * alert's expected values get back even when the observation moves the frame.
     */
    record PreparedUpdate(DueRecords.Entry entry, SeriesState series, ServingModel model, ObservationUpdate update,
                          List<Double> observed, boolean calibrated, double[] frameShift) {
        Observation observation() {
            return entry.record().left();
        }
    }

    private final UpdaterSettings settings;
    private final SeriesMonitor monitor;
    private final ModelGate gate;
    private final ForecastAnswerer forecasts;
    private final UpdaterOutput out;
    private final UpdaterMetrics metrics;
    private final ChannelContract contract = new ChannelContract();
    /** The served version's live health; null when the guard is off. */
    private final ServedModelHealth health;
    private RiskScorer risk;

    ObservationApplier(UpdaterSettings settings, SeriesMonitor monitor, ModelGate gate, ForecastAnswerer forecasts,
                       UpdaterOutput out, UpdaterMetrics metrics, ServedModelHealth health) {
        this.health = health;
        this.settings = settings;
        this.monitor = monitor;
        this.gate = gate;
        this.forecasts = forecasts;
        this.out = out;
        this.metrics = metrics;
    }

    /** Turns the risk output on: every absorbed observation is followed by its series' risk score. */
    void scoreRiskWith(RiskScorer scorer) {
        risk = scorer;
    }

    /**
     * The checks and bookkeeping of an observation before its update; the update itself when it can be
     * prepared (null when the observation is late, malformed or waits for a model). Its values go into
     * a row of {@code rows}, which must stay untouched until {@link #finish}.
     */
    PreparedUpdate prepare(SeriesState s, DueRecords.Entry e, ObservationRows rows) throws Exception {
        Observation o = e.record().left();
        long t = o.getEventTime().toEpochMilli();
        if (s.lastEventMillis != SeriesState.NONE && t < s.lastEventMillis) {
            metrics.lateObservations.inc();
            out.emit(PosteriorUpdater.LATE, o);
            return null;
        }
        ServingModel m = gate.served();
        if (m != null) {
            out.fitHistoryTo(s, o.getSeriesId(), m);
        }
        // Without a model the series' first observation fixes the width its buffered history has.
        int width = m != null ? m.channels() : s.recent != null ? s.recent.channels : o.getValues().size();
        // Without a model the series' first observation's names, if any, fix the order of its buffered history.
        List<String> names = m != null ? m.channelNames()
                : s.recent != null && s.recentChannels != null ? List.of(s.recentChannels) : null;
        Rejection wrong = contract.match(names, width, o.getValues(), o.getChannels());
        if (wrong != null) {
            out.deadLetter(o, wrong);
            return null;
        }
        int row = rows.next(width);
        double[] values = rows.values(row);
        boolean[] observed = rows.observed(row);
        readValues(o, values, observed);
        if (s.recent == null) {
            s.recent = RecentObservations.empty(settings.recentCapacity(), width);
            s.alerts = settings.alertPolicy().newTrack();
            if (m == null && o.getChannels() != null) {
                s.recentChannels = o.getChannels().toArray(new String[0]);
            }
        }
        metrics.observations.inc();
        if (m == null) {
            metrics.waitingForModel.inc(); // kept in the recent observations; encoded when a model arrives
            monitor.remember(s, t, values, observed);
            recorded(s, t);
            return null;
        }
        SeriesMonitor.Prepared p = monitor.prepare(s, m.filter, t, values, observed,
                SampleSeed.of(o.getSeriesId(), t));
        out.encoded(p.encoding(), s, o.getSeriesId(), m);
        AlertPolicy policy = settings.alertPolicy();
        boolean calibrated = Math.min(s.alerts.size, policy.window()) >= policy.minHistory();
        return new PreparedUpdate(e, s, m, p.update(), contract.inModelOrder(o.getValues()), calibrated,
                s.level == null ? null : s.level.shiftOrNull());
    }

    /** The outcome of a prepared observation's update judged: an alert, the failure reported, bookkeeping. */
    void finish(PreparedUpdate p, BatchUpdater.Outcome outcome) {
        SeriesState s = p.series();
        SeriesMonitor.Verdict v = monitor.absorb(s, p.model().filter, p.update(), outcome);
        String seriesId = p.observation().getSeriesId();
        long t = p.update().eventTimeMillis();
        switch (v.kind()) {
            case SCORED -> {
                if (health != null && v.score().observedChannels() > 0) {
                    health.scored(p.model(), t, v.score(), p.update().values(), p.update().mask());
                }
                if (v.raisesAlert()) {
                    alert(p, v);
                }
            }
            case KEPT_LAST_GOOD -> out.solverFailure(seriesId, t, p.model(), "update", v.failure());
            case RESTARTED -> restarted(seriesId, t, p.model(), v.failure());
            case ABSORBED -> {
            }
        }
        if (v.frameMoved()) {
            metrics.levelShifts.inc();
            EVENTS.info("series '{}' moved its level frame at {}: the model now sees its values minus {} per channel "
                    + "(they left the range the model was trained on: retrain or fine-tune it on recent data if this "
                    + "is the series' new normal; run --level-shift)", seriesId, Instant.ofEpochMilli(t),
                    Arrays.toString(s.level.shift));
        }
        if (risk != null && v.kind() != SeriesMonitor.Kind.KEPT_LAST_GOOD) {
            risk.score(s, seriesId, t, p.model()); // the state this observation left: absorbed, or restarted from
        }
        recorded(s, t);
    }

    /** What every applied observation leaves in the series, with or without a model. */
    private void recorded(SeriesState s, long t) {
        s.lastEventMillis = t;
        s.observations++;
        forecasts.schedulePeriodic(s, t);
    }

    /** The anomaly alert, with the values the series was expected to have (the score's samples again). */
    private void alert(PreparedUpdate p, SeriesMonitor.Verdict v) {
        ObservationUpdate u = v.update();
        long t = u.eventTimeMillis();
        Prediction expected;
        try {
            expected = LevelFrame.unshifted(
                    p.model().filter.predict(u.state(), new long[] {t}, settings.scoreSamples(), u.seed()), p.frameShift());
        } catch (SolverException e) {
            out.solverFailure(p.observation().getSeriesId(), t, p.model(), "the alert's expected values", e);
            return;
        }
        metrics.anomalyAlerts.inc();
        out.emit(PosteriorUpdater.ALERTS, JobRecords.anomaly(p.observation(), p.observed(), p.model().channelNames() != null
                ? p.model().channelNames() : p.observation().getChannels(),
                v.score(), expected, v.decision().threshold(),
                // the schema's rule: no probability until the series' scores can calibrate one (warm-up)
                p.calibrated() ? v.decision().anomalyProbability() : Double.NaN, p.model().version()));
    }

    private void restarted(String seriesId, long t, ServingModel m, SolverException e) {
        int failures = monitor.settings().restartAfterFailures();
        metrics.solverFailures.inc();
        LOG.warn("series '{}': {} updates failed in a row; restarted from the observation at {}: {}", seriesId,
                failures, Instant.ofEpochMilli(t), e.getMessage());
        out.emit(PosteriorUpdater.ALERTS, JobRecords.problem(AlertKind.MODEL_ERROR, seriesId, t, m.version(),
                "solver failed in " + failures + " updates in a row; the series restarts from this "
                        + "observation (its earlier history is forgotten): " + e.getMessage()));
    }

    /** Observation values into a row's buffers in model order; null and non-finite values become masked. */
    private void readValues(Observation o, double[] values, boolean[] observed) {
        List<Double> v = o.getValues();
        for (int j = 0; j < values.length; j++) {
            Double x = v.get(contract.sourceOf(j));
            observed[j] = x != null && Double.isFinite(x);
            values[j] = observed[j] ? x : 0.0;
            if (x != null && !observed[j]) {
                metrics.maskedValues.inc();
            }
        }
    }
}
