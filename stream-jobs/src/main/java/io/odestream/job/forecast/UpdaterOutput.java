package io.odestream.job.forecast;

import io.odestream.job.JobRecords;
import io.odestream.job.ServingModel;
import io.odestream.latent.FilterState;
import io.odestream.latent.SeriesMonitor;
import io.odestream.ode.SolverException;
import io.odestream.schema.AlertKind;
import io.odestream.schema.Forecast;
import java.time.Instant;
import org.apache.flink.streaming.api.operators.Output;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@link PosteriorUpdater} sends downstream, stamped with the Flink timestamp of the record being
 * handled, and how it reports the problems a series runs into (solver failures, failed re-encodings)
 * so that each is logged, counted and alerted on the same way wherever it happens.
 */
final class UpdaterOutput {
    private static final Logger LOG = LoggerFactory.getLogger(PosteriorUpdater.class);
    static final long NO_TIMESTAMP = Long.MIN_VALUE;

    private final Output<StreamRecord<Forecast>> output;
    private final UpdaterMetrics metrics;
    private long timestamp = NO_TIMESTAMP;

    UpdaterOutput(Output<StreamRecord<Forecast>> output, UpdaterMetrics metrics) {
        this.output = output;
        this.metrics = metrics;
    }

    /** The Flink timestamp the next outputs carry; {@link #NO_TIMESTAMP} for none. */
    void stampWith(long flinkTimestamp) {
        timestamp = flinkTimestamp;
    }

    void emit(Forecast forecast) {
        output.collect(record(forecast));
    }

    <T> void emit(OutputTag<T> tag, T value) {
        output.collect(tag, record(value));
    }

    /** A solver failure the series survives with its last good state: logged, counted and alerted on. */
    void solverFailure(String seriesId, long t, ServingModel m, String what, SolverException e) {
        metrics.solverFailures.inc();
        LOG.warn("series '{}': solver failed in {} at {}; the last good state is kept: {}", seriesId, what,
                Instant.ofEpochMilli(t), e.getMessage());
        emit(PosteriorUpdater.ALERTS, JobRecords.problem(AlertKind.MODEL_ERROR, seriesId, t, m.version(),
                "solver failed in " + what + "; the series keeps its last good state: " + e.getMessage()));
    }

    /** The state of a series' encoding under {@code m}, its re-encoding counted or its failure reported. */
    FilterState encoded(SeriesMonitor.Encoding e, SeriesState s, String seriesId, ServingModel m) {
        if (e.reencoded()) {
            metrics.reencodedSeries.inc();
        } else if (e.failure() != null) {
            solverFailure(seriesId, s.lastEventMillis, m, "re-encoding of the recent observations", e.failure());
        }
        return e.state();
    }

    /**
     * Before {@code m} encodes the series: a history kept at another width (observations buffered
     * before the first model, whose width the model does not share) cannot be re-encoded, and trying
     * would throw on every record of the series. It is dropped, counted and said; the series starts
     * afresh at its next observation.
     */
    void dropHistoryOfOtherWidth(SeriesState s, String seriesId, ServingModel m) {
        if (s.recent == null || s.recent.channels == m.channels()) {
            return;
        }
        metrics.discardedHistories.inc();
        emit(PosteriorUpdater.ALERTS, JobRecords.problem(AlertKind.MODEL_ERROR, seriesId,
                Math.max(0, s.lastEventMillis), m.version(), "the series' " + s.recent.size + " recent observations have "
                        + s.recent.channels + " channels but model v" + m.version() + " has " + m.channels()
                        + "; they cannot be encoded by it and were dropped: the series starts afresh at its next "
                        + "observation"));
        s.recent = null;
        s.alerts = null;
        s.forgetFilterState();
        s.consecutiveFailures = 0;
    }

    private <T> StreamRecord<T> record(T value) {
        return timestamp == NO_TIMESTAMP ? new StreamRecord<>(value) : new StreamRecord<>(value, timestamp);
    }
}
