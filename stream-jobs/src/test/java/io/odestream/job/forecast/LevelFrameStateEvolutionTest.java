package io.odestream.job.forecast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.odestream.alert.AlertPolicy;
import io.odestream.job.TestModels;
import io.odestream.latent.FilterState;
import io.odestream.latent.LatentFilter;
import io.odestream.latent.LevelShift;
import io.odestream.latent.MonitorSettings;
import io.odestream.latent.Prediction;
import io.odestream.latent.SeriesMonitor;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The series' keyed state and the pending forecasts gained a level frame ({@code SeriesState.level},
 * {@code PendingForecast.levelShift}). Checkpoints and savepoints written before hold neither: Flink's POJO
 * serializer must restore them without one, the series starts its frame at its next observation, and
 * a forecast prepared before is answered as it was.
 */
class LevelFrameStateEvolutionTest {
    private static final LatentFilter FILTER = LatentFilter.init(TestModels.signed(1, 11));

    @Test
    void aSeriesWrittenBeforeFramesRestoresWithoutOneAndStartsOneAtItsNextObservation() throws Exception {
        SeriesMonitor monitor = new SeriesMonitor(new MonitorSettings(AlertPolicy.defaults(), 8, 8, 16)
                .withLevelShift(LevelShift.defaults()));
        SeriesState written = new SeriesState();
        written.recent = RecentObservations.empty(16, 2);
        boolean[] all = {true, true};
        monitor.step(written, FILTER, 1_000, new double[] {0.2, -0.1}, all, 1);
        written.level = null; // as the build before frames kept it

        SeriesState restored = StateBefore.restored(SeriesState.class,
                StateBefore.serializerWithout(SeriesState.class, Set.of("level")), written);
        assertNull(restored.level);
        FilterState state = restored.filterState(FILTER.modelId(), FILTER.modelVersion());
        assertNotNull(state, "its filter state restored");
        SeriesMonitor.Verdict v = monitor.step(restored, FILTER, 2_000, new double[] {0.3, 0.0}, all, 2);
        assertEquals(SeriesMonitor.Kind.SCORED, v.kind(), "scored from the restored state");
        assertNotNull(restored.level, "its frame starts at its next observation");
        assertArrayEquals(new double[] {0, 0}, restored.level.shift, 0.0);
        restored.level.run[0] = 2; // mid-run, as a checkpoint may catch it
        SeriesState again = StateBefore.roundTrip(SeriesState.class, restored);
        assertArrayEquals(restored.level.shift, again.level.shift, 0.0, "written in the new format, its frame kept");
        assertArrayEquals(restored.level.run, again.level.run);
    }

    @Test
    void aForecastPreparedBeforeFramesIsAnsweredAsItWas() throws Exception {
        FilterState state = FILTER.update(FILTER.start(1_000), 1_000, new double[] {0.3, -0.2}, null);
        PendingForecast written = new PendingForecast("r", "s", "sum", state, new long[] {2_000}, 8, 1);
        PendingForecast restored = StateBefore.restored(PendingForecast.class,
                StateBefore.serializerWithout(PendingForecast.class, Set.of("levelShift")), written);
        assertNull(restored.levelShift);
        assertEquals(state, restored.query().state());
        Prediction p = FILTER.predict(restored.query().state(), restored.queryTimesMillis, restored.samples,
                restored.seed);
        assertSame(p, restored.unshifted(p), "nothing added to a forecast without a frame");
    }
}
