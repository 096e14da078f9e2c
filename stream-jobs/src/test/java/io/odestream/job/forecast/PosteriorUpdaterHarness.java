package io.odestream.job.forecast;

import io.odestream.schema.Forecast;
import io.odestream.schema.ForecastRequest;
import io.odestream.schema.ModelArtifact;
import io.odestream.schema.Observation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.types.Either;

/** Flink's keyed two-input harness around {@link PosteriorUpdater}, with the job's names for its inputs. */
final class PosteriorUpdaterHarness
        extends KeyedTwoInputStreamOperatorTestHarness<String, Either<Observation, ForecastRequest>, ModelArtifact, Forecast> {

    private final PosteriorUpdater updater;

    PosteriorUpdaterHarness(PosteriorUpdater updater) throws Exception {
        super(updater, new ForecastJob.SeriesKey(), null, Types.STRING, 1, 1, 0);
        this.updater = updater;
    }

    /**
     * A harness around {@code updater} ready for records: set up, restored from {@code restoreFrom}
     * (null: a fresh start), opened, the models' input's watermark at the end so models apply at once.
     */
    static PosteriorUpdaterHarness opened(PosteriorUpdater updater, OperatorSubtaskState restoreFrom)
            throws Exception {
        var h = new PosteriorUpdaterHarness(updater);
        h.setup();
        if (restoreFrom != null) {
            h.initializeState(restoreFrom);
        }
        h.open();
        h.processBroadcastWatermark(Long.MAX_VALUE);
        return h;
    }

    PosteriorUpdater updater() {
        return updater;
    }

    void processElement(Either<Observation, ForecastRequest> record, long timestamp) throws Exception {
        processElement1(record, timestamp);
    }

    void processBroadcastElement(ModelArtifact artifact, long timestamp) throws Exception {
        processElement2(artifact, timestamp);
    }

    void processWatermark(long watermark) throws Exception {
        processWatermark1(new Watermark(watermark));
    }

    void processBroadcastWatermark(long watermark) throws Exception {
        processWatermark2(new Watermark(watermark));
    }
}
