package io.odestream.job.forecast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.job.SampleSeed;
import io.odestream.job.TestModels;
import io.odestream.latent.FilterState;
import io.odestream.latent.LatentFilter;
import io.odestream.latent.Prediction;
import io.odestream.latent.SeriesMonitor;
import io.odestream.schema.Forecast;
import io.odestream.schema.ForecastRequest;
import io.odestream.schema.ModelArtifact;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link ForecastAnswerer}: how a forecast request is answered from a series' state (or why it is
 * not), and the periodic forecasts of active series.
 */
class ForecastAnswererTest {
    private static final ModelArtifact V1 = TestModels.signed(1, 11);
    private static final ModelArtifact V2 = TestModels.signed(2, 22);
    private static final int DEFAULT_SAMPLES = 32;

    private final OperatorParts.HeapBroadcastState<String, ModelArtifact> serving = new OperatorParts.HeapBroadcastState<>();
    private final UpdaterMetrics metrics = OperatorParts.metrics();
    private final OperatorParts.CollectingOutput output = new OperatorParts.CollectingOutput();
    private final UpdaterOutput out = new UpdaterOutput(output, metrics);
    private final OperatorParts.RecordingTimers timers = new OperatorParts.RecordingTimers();

    private static UpdaterSettings settings() {
        return UpdaterSettings.defaults(TestModels.MODEL_ID, TestModels.VERIFIER).withSamples(DEFAULT_SAMPLES, 8);
    }

    private ForecastAnswerer answerer(UpdaterSettings settings, boolean batching, ModelArtifact served)
            throws Exception {
        ModelGate gate = new ModelGate(settings, serving, metrics, out, true);
        if (served != null) {
            assertTrue(gate.admit(served, 0));
        }
        return new ForecastAnswerer(settings, batching, gate, new SeriesMonitor(settings.monitor()), out, metrics,
                timers);
    }

    private ForecastAnswerer answerer(ModelArtifact served) throws Exception {
        return answerer(settings(), false, served);
    }

    /** A series that absorbed one observation per time, (1, 2) at each, under {@code model}; its history kept. */
    private static SeriesState seriesUnder(ModelArtifact model, long... times) {
        LatentFilter f = LatentFilter.init(model);
        SeriesState s = new SeriesState();
        s.recent = new RecentObservations(64, 2);
        FilterState state = null;
        double[] x = {1.0, 2.0};
        boolean[] mask = {true, true};
        for (long t : times) {
            state = f.update(state == null ? f.start(t) : state, t, x, mask);
            s.recent.add(t, x, mask, 64);
            s.lastEventMillis = t;
            s.observations++;
        }
        s.store(state);
        return s;
    }

    private static ForecastRequest request(String id, String series, Integer samples, long... times) {
        return ForecastRequest.newBuilder().setRequestId(id).setSeriesId(series).setSamples(samples)
                .setQueryTimes(Arrays.stream(times).mapToObj(Instant::ofEpochMilli).toList()).build();
    }

    private Forecast onlyForecast() {
        assertEquals(1, output.main.size(), "exactly one answer");
        return output.forecasts().get(0);
    }

    private static double[] mean(Forecast f, int point) {
        return f.getPoints().get(point).getMean().stream().mapToDouble(Double::doubleValue).toArray();
    }

    // ------------------------------------------------------------------ requests

    @Test
    void anUnknownSeriesIsAnsweredWithAnErrorSayingItHasNoObservations() throws Exception {
        answerer(V1).answer(new SeriesState(), request("r1", "nobody", null, 2_000));
        Forecast f = onlyForecast();
        assertEquals("r1", f.getRequestId());
        assertEquals("nobody", f.getSeriesId());
        assertNotNull(f.getError());
        assertTrue(f.getError().contains("'nobody' has no observations"), f.getError());
        assertTrue(f.getPoints().isEmpty());
        assertEquals(1, f.getModelVersion(), "the served version is named");
        assertEquals(0, metrics.forecasts.getCount());
    }

    @Test
    void withoutAModelARequestIsAnsweredWithAnErrorAndNoVersion() throws Exception {
        SeriesState s = new SeriesState();
        s.recent = new RecentObservations(64, 2);
        s.recent.add(1_000, new double[] {1.0, 2.0}, new boolean[] {true, true}, 64);
        answerer(null).answer(s, request("r1", "s", null, 2_000));
        Forecast f = onlyForecast();
        assertTrue(f.getError().contains("no model has been received yet"), f.getError());
        assertTrue(f.getPoints().isEmpty());
        assertEquals(-1, f.getModelVersion());
    }

    @Test
    void aKnownSeriesIsAnsweredAtEveryQueryTimeFromItsFilterState() throws Exception {
        SeriesState s = seriesUnder(V1, 1_000, 3_000);
        FilterState state = s.filterState(TestModels.MODEL_ID, 1);
        long[] times = {4_000, 5_000, 60_000};
        answerer(V1).answer(s, request("r1", "s", null, times));
        Forecast f = onlyForecast();
        assertNull(f.getError());
        assertEquals(1, f.getModelVersion());
        assertEquals(Instant.ofEpochMilli(3_000), f.getStateTime(), "answered from the state after the last observation");
        assertEquals(List.of(4_000L, 5_000L, 60_000L), f.getPoints().stream().map(p -> p.getTime().toEpochMilli()).toList());
        Prediction expected = LatentFilter.init(V1).predict(state, times, DEFAULT_SAMPLES, SampleSeed.of("r1", 3_000));
        for (int i = 0; i < times.length; i++) {
            assertArrayEquals(expected.mean()[i], mean(f, i), 0.0, "the filter's forecast at " + times[i]);
        }
        assertEquals(1, metrics.forecasts.getCount());
    }

    @Test
    void aPointThatCannotBeAnsweredCarriesItsReasonNoNumberAndIsCounted() throws Exception {
        SeriesState s = seriesUnder(V1, 1_000, 3_000);
        answerer(V1).answer(s, request("r1", "s", null, 2_000, 5_000));
        Forecast f = onlyForecast();
        assertNull(f.getError(), "the request is answered: one point is");
        assertTrue(f.getPoints().get(0).getError().contains("before the series' state"), f.getPoints().get(0).getError());
        assertTrue(f.getPoints().get(0).getMean().isEmpty());
        assertNull(f.getPoints().get(1).getError());
        assertEquals(1, metrics.refusedForecastPoints.getCount());
        assertEquals(1, metrics.forecasts.getCount());
    }

    @Test
    void pointsComeInTimeOrderWhateverTheOrderOfTheQueryTimes() throws Exception {
        answerer(V1).answer(seriesUnder(V1, 1_000), request("r1", "s", null, 9_000, 2_000, 5_000));
        assertEquals(List.of(2_000L, 5_000L, 9_000L),
                onlyForecast().getPoints().stream().map(p -> p.getTime().toEpochMilli()).toList());
    }

    @Test
    void theRequestedSampleCountIsUsed() throws Exception {
        answerer(V1).answer(seriesUnder(V1, 1_000), request("r1", "s", 5, 2_000));
        assertEquals(5, onlyForecast().getSamples());
    }

    @Test
    void aRequestThatNamesNoSampleCountGetsTheConfiguredOne() throws Exception {
        answerer(V1).answer(seriesUnder(V1, 1_000), request("r1", "s", null, 2_000));
        assertEquals(DEFAULT_SAMPLES, onlyForecast().getSamples());
    }

    @Test
    void theSamplesAreSeededByTheRequestAndTheStateTimeSoAnAnswerCanBeReproduced() throws Exception {
        ForecastAnswerer answerer = answerer(V1);
        SeriesState s = seriesUnder(V1, 1_000);
        answerer.answer(s, request("r1", "s", null, 2_000));
        answerer.answer(s, request("r1", "s", null, 2_000));
        answerer.answer(s, request("r2", "s", null, 2_000));
        List<Forecast> f = output.forecasts();
        assertArrayEquals(mean(f.get(0), 0), mean(f.get(1), 0), 0.0, "the same request, the same answer");
        assertTrue(!Arrays.equals(mean(f.get(0), 0), mean(f.get(2), 0)), "another request, other samples");
    }

    @Test
    void aSeriesEncodedByAnotherVersionIsReencodedFromItsRecentObservationsBeforeItIsAnswered() throws Exception {
        SeriesState s = seriesUnder(V1, 1_000, 3_000);
        answerer(V2).answer(s, request("r1", "s", null, 5_000));
        Forecast f = onlyForecast();
        assertNull(f.getError());
        assertEquals(2, f.getModelVersion());
        FilterState underV2 = seriesUnder(V2, 1_000, 3_000).filterState(TestModels.MODEL_ID, 2);
        Prediction expected = LatentFilter.init(V2).predict(underV2, new long[] {5_000}, DEFAULT_SAMPLES,
                SampleSeed.of("r1", 3_000));
        assertArrayEquals(expected.mean()[0], mean(f, 0), 0.0);
        assertEquals(1, metrics.reencodedSeries.getCount());
        assertEquals(2, s.modelVersion, "the series keeps its new encoding");
    }

    @Test
    void withMicroBatchingARequestIsHandedOnAsAPendingForecastInsteadOfAnswered() throws Exception {
        SeriesState s = seriesUnder(V1, 1_000, 3_000);
        answerer(settings(), true, V1).answer(s, request("r1", "s", 7, 5_000, 4_000));
        assertTrue(output.main.isEmpty(), "not answered here");
        List<PendingForecast> pending = output.side(PosteriorUpdater.PENDING_FORECASTS);
        assertEquals(1, pending.size());
        PendingForecast p = pending.get(0);
        assertEquals("r1", p.requestId);
        assertEquals("s", p.seriesId);
        assertEquals(V1.getChecksum(), p.modelChecksum);
        assertEquals(1, p.modelVersion);
        assertEquals(3_000, p.stateMillis);
        assertArrayEquals(new long[] {5_000, 4_000}, p.queryTimesMillis);
        assertEquals(7, p.samples);
        assertEquals(SampleSeed.of("r1", 3_000), p.seed);
        assertEquals(0, metrics.forecasts.getCount(), "counted when the batcher answers it");
    }

    @Test
    void withMicroBatchingAnUnknownSeriesIsStillAnsweredAtOnceWithAnError() throws Exception {
        answerer(settings(), true, V1).answer(new SeriesState(), request("r1", "nobody", null, 2_000));
        assertTrue(onlyForecast().getError().contains("no observations"));
        assertTrue(output.side(PosteriorUpdater.PENDING_FORECASTS).isEmpty());
    }

    // ------------------------------------------------------------------ periodic forecasts

    private static UpdaterSettings periodicSettings() {
        return settings().withPeriodicForecasts(Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(20));
    }

    @Test
    void anObservationSchedulesTheSeriesNextPeriodicForecastOneIntervalLater() throws Exception {
        SeriesState s = new SeriesState();
        answerer(periodicSettings(), false, V1).schedulePeriodic(s, 1_000);
        assertEquals(11_000, s.periodicTimer);
        assertEquals(List.of(11_000L), List.copyOf(timers.eventTimers));
    }

    @Test
    void whileOneIsScheduledFurtherObservationsScheduleNoOther() throws Exception {
        SeriesState s = new SeriesState();
        ForecastAnswerer answerer = answerer(periodicSettings(), false, V1);
        answerer.schedulePeriodic(s, 1_000);
        answerer.schedulePeriodic(s, 4_000);
        assertEquals(11_000, s.periodicTimer);
        assertEquals(List.of(11_000L), List.copyOf(timers.eventTimers));
    }

    @Test
    void withoutPeriodicForecastsConfiguredNothingIsScheduled() throws Exception {
        SeriesState s = new SeriesState();
        answerer(V1).schedulePeriodic(s, 1_000);
        assertEquals(SeriesState.NONE, s.periodicTimer);
        assertTrue(timers.eventTimers.isEmpty());
    }

    @Test
    void aPeriodicForecastIsAtTheConfiguredHorizonsAfterTheSeriesLastObservation() throws Exception {
        SeriesState s = seriesUnder(V1, 1_000, 4_000);
        s.periodicTimer = 11_000;
        answerer(periodicSettings(), false, V1).periodic(s, "s", 11_000);
        Forecast f = onlyForecast();
        assertNull(f.getError());
        assertEquals("periodic-s-11000", f.getRequestId());
        assertEquals("s", f.getSeriesId());
        assertEquals(List.of(9_000L, 24_000L), f.getPoints().stream().map(p -> p.getTime().toEpochMilli()).toList());
        assertEquals(DEFAULT_SAMPLES, f.getSamples());
        assertEquals(SeriesState.NONE, s.periodicTimer, "the next one is scheduled by the next observation");
    }

    @Test
    void noPeriodicForecastWithoutAModel() throws Exception {
        SeriesState s = seriesUnder(V1, 1_000);
        s.periodicTimer = 11_000;
        answerer(periodicSettings(), false, null).periodic(s, "s", 11_000);
        assertTrue(output.main.isEmpty());
        assertEquals(SeriesState.NONE, s.periodicTimer);
    }

    @Test
    void noPeriodicForecastForASeriesWithoutFilterState() throws Exception {
        SeriesState s = new SeriesState();
        s.periodicTimer = 11_000;
        answerer(periodicSettings(), false, V1).periodic(s, "s", 11_000);
        assertTrue(output.main.isEmpty());
        assertEquals(SeriesState.NONE, s.periodicTimer);
    }
}
