package io.odestream.job.forecast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.odestream.job.TestModels;
import io.odestream.kafka.RecordLimits;
import io.odestream.kafka.testing.SeededDraws;
import io.odestream.schema.Forecast;
import io.odestream.schema.ForecastRequest;
import io.odestream.schema.ModelArtifact;
import io.odestream.schema.Observation;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.types.Either;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random and adversarial sequences of observations, requests and watermarks through the per-series
 * operator: NaN, ±Inf, 1e308, negative, duplicate and far-future times, 10 000 channels or query
 * times, empty and huge ids, absurd sample counts. The operator never throws and never needs its
 * safety net; a refused record is counted, answered or alerted on, and leaves every series as it was.
 * Seeded randomized property tests (JUnit 5): each try is one fixed seed of {@link AdversarialSteps};
 * a failure names its seed and the steps.
 */
class PosteriorUpdaterPropertyTest {
    private static final int TRIES = 30;
    private static final ModelArtifact V1 = TestModels.signed(1, 11); // 2 channels
    private static final int DEFAULT_SAMPLES = 8;
    private static final long T0 = 1_000_000;

    /** One input to the operator. */
    sealed interface Step permits Observe, Ask, Advance {
    }

    record Observe(Observation observation) implements Step {
        boolean refused() {
            Observation o = observation;
            return o.getSeriesId().length() > RecordLimits.MAX_SERIES_ID_CHARS
                    || o.getValues().size() > RecordLimits.MAX_CHANNELS || o.getValues().isEmpty()
                    || o.getEventTime().toEpochMilli() <= 0;
        }

        @Override
        public String toString() {
            Observation o = observation;
            return "Observe[" + RecordLimits.MAX_SERIES_ID_CHARS + "<" + o.getSeriesId().length() + "? id="
                    + o.getSeriesId().substring(0, Math.min(8, o.getSeriesId().length())) + " t="
                    + o.getEventTime().toEpochMilli() + " width=" + o.getValues().size() + " "
                    + o.getValues().subList(0, Math.min(3, o.getValues().size())) + "]";
        }
    }

    record Ask(ForecastRequest request) implements Step {
        boolean refused() {
            ForecastRequest r = request;
            int times = r.getQueryTimes().size();
            long samples = r.getSamples() == null ? DEFAULT_SAMPLES : r.getSamples();
            return times == 0 || times > RecordLimits.MAX_QUERY_TIMES || samples < 1
                    || samples > RecordLimits.MAX_SAMPLES || samples * times > RecordLimits.MAX_SAMPLED_POINTS
                    || r.getSeriesId().length() > RecordLimits.MAX_SERIES_ID_CHARS
                    || r.getQueryTimes().stream().anyMatch(t -> t.toEpochMilli() <= 0);
        }

        @Override
        public String toString() {
            ForecastRequest r = request;
            return "Ask[id=" + r.getSeriesId().substring(0, Math.min(8, r.getSeriesId().length())) + " samples="
                    + r.getSamples() + " times=" + r.getQueryTimes().size() + " asOf=" + r.getAsOf() + "]";
        }
    }

    record Advance(long watermark) implements Step {
    }

    static java.util.stream.LongStream seeds() {
        return SeededDraws.seeds(TRIES);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void anyInputIsAppliedOrAccountedForAndRefusedInputChangesNothing(long seed) throws Exception {
        List<Step> steps = new AdversarialSteps(seed, T0).steps();
        SeededDraws.reproducibly(seed, steps, () -> applyAndAccount(steps));
    }

    private void applyAndAccount(List<Step> steps) throws Exception {
        try (var h = new PosteriorUpdaterHarness(new PosteriorUpdater(UpdaterSettings
                .defaults(TestModels.MODEL_ID, TestModels.VERIFIER).withSamples(DEFAULT_SAMPLES, 4), null))) {
            h.setup();
            h.open();
            h.setProcessingTime(0);
            h.processBroadcastWatermark(Long.MAX_VALUE);
            h.processBroadcastElement(V1, 0);
            UpdaterMetrics metrics = h.updater().metrics();
            // an established series that refused input must leave exactly as it is
            h.processElement(Either.Left(TestModels.observation("a", T0, 0.5, -0.5)), T0);
            h.processWatermark(T0);
            for (Step step : steps) {
                if (step instanceof Advance a) {
                    h.processWatermark(a.watermark());
                } else if (step instanceof Observe o && o.refused()) {
                    double[] before = probe(h);
                    long refusedBefore = metrics.rejectedObservations.getCount();
                    int entries = h.numKeyedStateEntries();
                    int timers = h.numEventTimeTimers();
                    h.processElement(Either.Left(o.observation()), o.observation().getEventTime().toEpochMilli());
                    assertEquals(refusedBefore + 1, metrics.rejectedObservations.getCount(), "counted: " + o);
                    assertEquals(entries, h.numKeyedStateEntries(), "no state kept for " + o);
                    assertEquals(timers, h.numEventTimeTimers(), "no timer for " + o);
                    assertArrayEquals(before, probe(h), 0.0, "series 'a' unchanged by " + o);
                } else if (step instanceof Observe o) {
                    h.processElement(Either.Left(o.observation()), o.observation().getEventTime().toEpochMilli());
                } else if (step instanceof Ask a) {
                    int answers = h.extractOutputValues().size();
                    long refusedBefore = metrics.rejectedRequests.getCount();
                    int entries = h.numKeyedStateEntries();
                    ForecastRequest r = a.request();
                    h.processElement(Either.Right(r), r.getAsOf() == null ? Long.MIN_VALUE : r.getAsOf().toEpochMilli());
                    if (a.refused()) {
                        List<Forecast> out = h.extractOutputValues();
                        assertEquals(answers + 1, out.size(), "answered at once: " + a);
                        assertNotNull(out.get(out.size() - 1).getError(), "with the reason: " + a);
                        assertEquals(refusedBefore + 1, metrics.rejectedRequests.getCount(), "counted: " + a);
                        assertEquals(entries, h.numKeyedStateEntries(), "no state kept for " + a);
                    } else if (r.getAsOf() == null) {
                        assertEquals(answers + 1, h.extractOutputValues().size(), "answered once: " + a);
                    }
                }
            }
            h.processWatermark(Long.MAX_VALUE / 4); // everything that waits falls due
            assertEquals(0, metrics.failedRecords.getCount(), "every record met a rule, none the safety net");
        }
    }

    /** Series a's forecast at a fixed time, with a fixed request id: the same numbers iff the same state. */
    private static double[] probe(PosteriorUpdaterHarness h) throws Exception {
        ForecastRequest r = ForecastRequest.newBuilder().setRequestId("probe").setSeriesId("a")
                .setQueryTimes(List.of(Instant.ofEpochMilli(T0 + 60_000))).build();
        h.processElement(Either.Right(r), Long.MIN_VALUE);
        List<Forecast> out = h.extractOutputValues();
        Forecast f = out.get(out.size() - 1);
        double[] mean = f.getError() != null ? new double[0]
                : f.getPoints().get(0).getMean().stream().mapToDouble(Double::doubleValue).toArray();
        double[] withTime = Arrays.copyOf(mean, mean.length + 1);
        withTime[mean.length] = f.getStateTime() == null ? -1 : f.getStateTime().toEpochMilli();
        return withTime;
    }
}
