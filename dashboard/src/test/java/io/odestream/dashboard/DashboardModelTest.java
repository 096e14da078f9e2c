package io.odestream.dashboard;

import static io.odestream.dashboard.Records.alert;
import static io.odestream.dashboard.Records.artifact;
import static io.odestream.dashboard.Records.forecast;
import static io.odestream.dashboard.Records.observation;
import static io.odestream.dashboard.Records.serving;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.dashboard.DashboardViews.SeriesDetail;
import io.odestream.dashboard.DashboardViews.SeriesSummary;
import io.odestream.dashboard.DashboardViews.Update;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DashboardModelTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final DashboardModel model = new DashboardModel(3, 4, now::get);

    @Test
    void keepsAtMostItsBoundOfSeriesDroppingTheLeastRecentlyUpdatedAndSaysWhich() {
        for (String id : List.of("a", "b", "c")) {
            model.observation(observation(id, 1_000, 1.0, 2.0));
        }
        model.changes();
        model.observation(observation("a", 2_000, 1.0, 2.0)); // a is fresh again; b is now the stalest
        model.observation(observation("d", 2_000, 1.0, 2.0));
        Update update = model.changes();
        assertEquals(List.of("b"), update.evicted());
        assertEquals(3, update.strip().series());
        assertEquals(1, update.strip().evictedSeries());
        assertTrue(model.detail("b").isEmpty());
    }

    @Test
    void keepsAtMostItsRingOfObservationsPerSeries() {
        for (long t = 1; t <= 10; t++) {
            model.observation(observation("s", t * 1_000, (double) t, null));
        }
        SeriesDetail d = model.detail("s").orElseThrow();
        assertArrayEquals(new long[] {7_000, 8_000, 9_000, 10_000}, d.times());
        assertArrayEquals(new Double[] {7.0, 8.0, 9.0, 10.0}, d.values()[0]);
        assertArrayEquals(new Double[] {null, null, null, null}, d.values()[1], "missing travels as null, not NaN");
        assertEquals(Records.CHANNELS, d.channels());
    }

    @Test
    void pushesOnlyTheSeriesThatChangedSinceTheLastPush() {
        model.observation(observation("a", 1_000, 1.0, 2.0));
        model.observation(observation("b", 1_000, 1.0, 2.0));
        model.changes();
        model.alert(alert("b", 1_500, 42.0));
        Update update = model.changes();
        assertEquals(List.of("b"), update.series().stream().map(SeriesSummary::id).toList());
        assertEquals(42.0, update.series().get(0).score());
        assertEquals(2, model.snapshot().series().size(), "a page that connects gets every series");
    }

    @Test
    void theSummaryCarriesTheLatestAnomalyScoreAndASparklineOfTheFirstChannel() {
        model.observation(observation("s", 1_000, 1.0, 5.0));
        model.observation(observation("s", 2_000, null, 5.0));
        model.alert(alert("s", 2_000, 30.0));
        model.alert(alert("s", 3_000, 12.0));
        SeriesSummary s = model.snapshot().series().get(0);
        assertEquals(12.0, s.score(), "the latest alert's score, not the largest");
        assertEquals(3_000L, s.alertTime());
        assertArrayEquals(new Float[] {1.0f, null}, s.sparkline());
    }

    @Test
    void theDetailHoldsTheLatestForecastWithBothBands() {
        model.observation(observation("s", 10_000, 1.0, 1.0));
        model.forecast(forecast("s", 10_000, 15_000, 40_000));
        model.forecast(forecast("s", 5_000, 6_000)); // older state: not the latest forecast
        var f = model.detail("s").orElseThrow().forecast();
        assertArrayEquals(new long[] {15_000, 40_000}, f.times());
        assertEquals(-2.0, f.q05()[0][0]);
        assertEquals(4.0, f.q95()[1][1]);
        assertEquals(1.0 + 0.6744897501960817 * 2.0, f.hi50()[0][0], 1e-12, "50 %: mean + z(0.75) σ");
        assertEquals(1.0 - 0.6744897501960817 * 2.0, f.lo50()[0][0], 1e-12);
    }

    @Test
    void anAlertShowsItsScoreKindAndChannelZScores() {
        model.alert(alert("s", 1_000, 50.0));
        var a = model.detail("s").orElseThrow().alerts().get(0);
        assertEquals("ANOMALY", a.kind());
        assertEquals(50.0, a.score());
        assertArrayEquals(new Double[] {9.0, null}, a.z(), "NaN z of an unobserved channel travels as null");
    }

    @Test
    void theStripCountsRatesOverTheirWindows() {
        for (int i = 0; i < 50; i++) {
            model.observation(observation("s", 1_000 + i, 1.0, 1.0));
        }
        model.deadLetter();
        model.late(observation("s", 1, 1.0, 1.0));
        model.alert(alert("s", 2_000, 20.0));
        var strip = model.strip();
        assertEquals(5.0, strip.eventsPerSecond(), "50 events over the 10 s window");
        assertEquals(1, strip.deadLettersPerMinute());
        assertEquals(1, strip.latePerMinute());
        assertEquals(1, strip.alertsLastHour());
        now.addAndGet(61_000);
        assertEquals(0, model.strip().deadLettersPerMinute());
        assertEquals(1, model.strip().alertsLastHour());
        assertEquals(0.0, model.strip().eventsPerSecond());
    }

    @Test
    void theServingPointerNamesTheServedVersionAndItsMetricsAndItsChangesAreRules() {
        model.artifact(artifact("m", 1, Map.of("val_nll", 1.5)));
        model.artifact(artifact("m", 2, Map.of("val_nll", 1.2)));
        assertEquals(2, model.strip().serving().version(), "without a pointer, the newest published version");
        model.serving(serving("m", 1, 5_000));
        var served = model.strip().serving();
        assertEquals(1, served.version());
        assertEquals(Map.of("val_nll", 1.5), served.metrics());
        assertEquals(List.of(new DashboardViews.ModelChange(5_000, 1, "PROMOTED")), model.modelChanges());
    }

    @Test
    void aFeedProblemIsCountedAndNamed() {
        assertNull(model.strip().lastProblem());
        model.problem("dead-letters-0@7 is not a DeadLetter");
        assertEquals(1, model.strip().problems());
        assertEquals("dead-letters-0@7 is not a DeadLetter", model.strip().lastProblem());
    }
}
