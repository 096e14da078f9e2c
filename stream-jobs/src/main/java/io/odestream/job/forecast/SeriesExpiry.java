package io.odestream.job.forecast;

import io.odestream.schema.ForecastRequest;
import io.odestream.schema.Observation;
import java.util.List;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.types.Either;

/**
 * Forgets a series silent for the key TTL: one processing-time timer per series, set when the series
 * is first touched, clears its state and timers, so state size returns to zero. Flink's state TTL
 * would leave the timers behind.
 */
final class SeriesExpiry {
    private final long ttlMillis;
    private final InternalTimerService<VoidNamespace> timers;
    private final ValueState<SeriesState> series;
    private final MapState<Long, List<Either<Observation, ForecastRequest>>> pending;
    private final UpdaterMetrics metrics;

    SeriesExpiry(long ttlMillis, InternalTimerService<VoidNamespace> timers, ValueState<SeriesState> series,
                 MapState<Long, List<Either<Observation, ForecastRequest>>> pending, UpdaterMetrics metrics) {
        this.ttlMillis = ttlMillis;
        this.timers = timers;
        this.series = series;
        this.pending = pending;
        this.metrics = metrics;
    }

    /** A record of the current series arrived: it is seen now, and its timer is set if it has none. */
    void touch(SeriesState s) {
        long now = timers.currentProcessingTime();
        s.lastSeenProcessingMillis = now;
        if (s.expiryTimer == SeriesState.NONE) {
            s.expiryTimer = now + ttlMillis;
            timers.registerProcessingTimeTimer(VoidNamespace.INSTANCE, s.expiryTimer);
        }
    }

    /** A processing-time timer of the current series fired at {@code timestamp}: forgets it if it stayed silent. */
    void expireIfSilent(long timestamp) throws Exception {
        SeriesState s = series.value();
        if (s == null || timestamp != s.expiryTimer) {
            return;
        }
        long dueAt = s.lastSeenProcessingMillis + ttlMillis;
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
}
