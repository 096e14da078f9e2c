package io.odestream.job.forecast;

import io.odestream.job.JobRecords;
import io.odestream.job.SampleSeed;
import io.odestream.job.ServingModel;
import io.odestream.latent.FilterState;
import io.odestream.latent.LevelFrame;
import io.odestream.latent.Prediction;
import io.odestream.latent.SeriesMonitor;
import io.odestream.ode.SolverException;
import io.odestream.schema.ForecastRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.InternalTimerService;

/**
 * How {@link PosteriorUpdater} answers forecast requests from a series' state, at any set of times in
 * one solve: on the JVM filter, or handed to {@link ForecastBatcher} as a {@link PendingForecast} when
 * micro-batching is on. Also the periodic forecasts: one per active series every configured interval
 * of event time, at the configured horizons.
 */
final class ForecastAnswerer {
    private final UpdaterSettings settings;
    private final boolean batching;
    private final ModelGate gate;
    private final SeriesMonitor monitor;
    private final UpdaterOutput out;
    private final UpdaterMetrics metrics;
    private final InternalTimerService<VoidNamespace> timers;

    ForecastAnswerer(UpdaterSettings settings, boolean batching, ModelGate gate, SeriesMonitor monitor,
                     UpdaterOutput out, UpdaterMetrics metrics, InternalTimerService<VoidNamespace> timers) {
        this.settings = settings;
        this.batching = batching;
        this.gate = gate;
        this.monitor = monitor;
        this.out = out;
        this.metrics = metrics;
        this.timers = timers;
    }

    /** Answers the request from the series' state, or says why it cannot be answered. */
    void answer(SeriesState s, ForecastRequest r) throws Exception {
        ServingModel m = gate.served();
        long version = m == null ? -1 : m.version();
        String seriesId = r.getSeriesId();
        if (m == null) {
            out.emit(JobRecords.unanswered(r.getRequestId(), seriesId, version,
                    "no model has been received yet; publish one to the models topic"));
            return;
        }
        out.fitHistoryTo(s, seriesId, m); // what was buffered before any model, in its order or dead-lettered
        FilterState state = out.encoded(monitor.encode(s, m.filter), s, seriesId, m);
        if (state == null) {
            out.emit(JobRecords.unanswered(r.getRequestId(), seriesId, version, "series '" + seriesId
                    + "' has no observations (never seen, or expired after " + settings.keyTtl() + " of silence)"));
            return;
        }
        long[] times = new long[r.getQueryTimes().size()];
        for (int i = 0; i < times.length; i++) {
            times[i] = r.getQueryTimes().get(i).toEpochMilli();
        }
        int samples = r.getSamples() == null ? settings.forecastSamples() : r.getSamples();
        long seed = SampleSeed.of(r.getRequestId(), state.timeMillis());
        if (batching) {
            out.emit(PosteriorUpdater.PENDING_FORECASTS, new PendingForecast(r.getRequestId(), seriesId,
                    m.artifact.getChecksum(), state, times, samples, seed).inFrame(s.level));
            return;
        }
        try {
            Prediction p = unshifted(s, m.filter.predict(state, times, samples, seed));
            metrics.forecasts.inc();
            metrics.refusedForecastPoints.inc(p.refusedCount());
            out.emit(JobRecords.forecast(r.getRequestId(), seriesId, version, state.timeMillis(), p, m.channelNames()));
        } catch (SolverException e) {
            out.solverFailure(seriesId, state.timeMillis(), m, "forecast " + r.getRequestId(), e);
            out.emit(JobRecords.unanswered(r.getRequestId(), seriesId, version, "the solver failed: " + e.getMessage()));
        }
    }

    /** {@code p}, computed from the series' filter state, in the data's units (its {@link LevelFrame} added back). */
    static Prediction unshifted(SeriesState s, Prediction p) {
        return s.level == null ? p : s.level.unshifted(p);
    }

    /** After an observation at {@code t}: the series' next periodic forecast, unless one is scheduled. */
    void schedulePeriodic(SeriesState s, long t) {
        Duration every = settings.periodicEvery();
        if (every != null && s.periodicTimer == SeriesState.NONE) {
            s.periodicTimer = t + every.toMillis();
            timers.registerEventTimeTimer(VoidNamespace.INSTANCE, s.periodicTimer);
        }
    }

    /** A forecast at the configured horizons; the next one is scheduled by the next observation. */
    void periodic(SeriesState s, String seriesId, long timestamp) throws Exception {
        s.periodicTimer = SeriesState.NONE;
        if (gate.served() == null || s.hidden == null) {
            return;
        }
        Duration[] horizons = settings.periodicHorizons();
        List<Instant> times = new ArrayList<>(horizons.length);
        for (Duration h : horizons) {
            times.add(Instant.ofEpochMilli(s.stateMillis + h.toMillis()));
        }
        answer(s, ForecastRequest.newBuilder().setRequestId("periodic-" + seriesId + "-" + timestamp)
                .setSeriesId(seriesId).setQueryTimes(times).build());
    }
}
