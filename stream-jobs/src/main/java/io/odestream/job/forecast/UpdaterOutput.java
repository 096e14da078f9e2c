package io.odestream.job.forecast;

import io.odestream.job.JobRecords;
import io.odestream.job.ChannelContract;
import io.odestream.job.ServingModel;
import io.odestream.kafka.AvroSerde;
import io.odestream.kafka.OdeTopic;
import io.odestream.kafka.Rejection;
import io.odestream.latent.FilterState;
import io.odestream.latent.SeriesMonitor;
import io.odestream.ode.SolverException;
import io.odestream.schema.AlertKind;
import io.odestream.schema.DeadLetter;
import io.odestream.schema.Forecast;
import io.odestream.schema.Observation;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
    private final AvroSerde<Observation> observationBytes = new AvroSerde<>(Observation.class);
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
     * An observation that passed decoding but cannot be applied to its series (the wrong width or
     * channels): a dead letter with its values intact, re-encoded, so that it can be fixed and replayed.
     * The per-series operator does not know where the record was read: partition and offset are -1 and
     * the topic is filled in by the job ({@link ForecastJob}).
     */
    void deadLetter(Observation o, Rejection why) {
        metrics.rejectedObservations.inc();
        long t = o.getEventTime().toEpochMilli();
        emit(PosteriorUpdater.DEAD_LETTERS, DeadLetter.newBuilder()
                .setSourceTopic("")
                .setPartition(-1)
                .setOffset(-1)
                .setTimestamp(Instant.ofEpochMilli(Math.max(0, t)))
                .setReason(why.reason().deadLetterReason())
                .setDetail("series '" + o.getSeriesId() + "' at " + Instant.ofEpochMilli(t) + ": " + why.detail())
                .setKey(ByteBuffer.wrap(OdeTopic.OBSERVATIONS.keyOf(o)))
                .setValue(ByteBuffer.wrap(observationBytes.serialize(o)))
                .setExpectedType(OdeTopic.OBSERVATIONS.schemaFullName())
                .setDeadLetteredAt(Instant.now())
                .build());
    }

    /**
     * Fits the history a series buffered before any model was served to the model that serves it now:
     * at the model's width and with its channels (by name, when both the history and the model have
     * names) it is kept, reordered into the model's order when needed; otherwise each buffered
     * observation becomes a dead letter (its values as kept, a missing channel as null) and the series
     * starts afresh under the model. Without this, re-encoding would fail on every touch, or worse,
     * encode the channels in the wrong order.
     */
    void fitHistoryTo(SeriesState s, String seriesId, ServingModel m) {
        RecentObservations recent = s.recent;
        String[] names = s.recentChannels;
        s.recentChannels = null; // from now on the history is in the model's order
        if (recent == null) {
            return;
        }
        Rejection misfit = null;
        if (recent.channels != m.channels()) {
            misfit = new Rejection(Rejection.Reason.CHANNEL_COUNT_MISMATCH, "buffered before any model was served "
                    + "with " + recent.channels + " values, but model '" + m.modelId() + "' version " + m.version()
                    + " has " + m.channels() + " channels" + (m.channelNames() == null ? "" : " " + m.channelNames())
                    + "; it was not applied (fix the producer's width, then replay it)");
        } else if (names != null && m.channelNames() != null) {
            ChannelContract contract = new ChannelContract();
            misfit = contract.matchNames(m.channelNames(), List.of(names));
            if (misfit == null && !contract.inOrder()) {
                reorder(recent, contract);
            }
        }
        if (misfit == null) {
            return;
        }
        LOG.warn("series '{}': its {} observations buffered before the first model do not fit model {} version {}; "
                + "they are dead-lettered and the series starts afresh: {}", seriesId, recent.size, m.modelId(),
                m.version(), misfit.detail());
        double[] x = new double[recent.channels];
        boolean[] observed = new boolean[recent.channels];
        for (int i = 0; i < recent.size; i++) {
            recent.readInto(i, x, observed);
            List<Double> values = new ArrayList<>(x.length);
            for (int j = 0; j < x.length; j++) {
                values.add(observed[j] ? x[j] : null);
            }
            deadLetter(Observation.newBuilder().setSeriesId(seriesId).setEventTime(Instant.ofEpochMilli(
                    recent.timeOf(i))).setValues(values).setChannels(names == null ? null : List.of(names)).build(),
                    misfit);
        }
        metrics.discardedHistories.inc();
        s.recent = null;
        s.alerts = null;
        s.forgetFilterState();
        s.consecutiveFailures = 0;
    }

    /** Every kept observation's values into the model's channel order. */
    private static void reorder(RecentObservations recent, ChannelContract contract) {
        int c = recent.channels;
        double[] row = new double[c];
        for (int slot = 0; slot < recent.slots(); slot++) {
            System.arraycopy(recent.values, slot * c, row, 0, c);
            for (int j = 0; j < c; j++) {
                recent.values[slot * c + j] = row[contract.sourceOf(j)];
            }
        }
    }

    private <T> StreamRecord<T> record(T value) {
        return timestamp == NO_TIMESTAMP ? new StreamRecord<>(value) : new StreamRecord<>(value, timestamp);
    }
}
