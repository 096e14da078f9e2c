package io.odestream.job.forecast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.odestream.job.TestModels;
import io.odestream.kafka.RecordLimits;
import io.odestream.schema.Forecast;
import io.odestream.schema.ForecastRequest;
import io.odestream.schema.ModelArtifact;
import io.odestream.schema.Observation;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.flink.types.Either;

/**
 * Random and adversarial sequences of observations, requests and watermarks through the per-series
 * operator: NaN, ±Inf, 1e308, negative, duplicate and far-future times, 10 000 channels or query
 * times, empty and huge ids, absurd sample counts. The operator never throws and never needs its
 * safety net; a refused record is counted, answered or alerted on, and leaves every series as it was.
 */
class PosteriorUpdaterPropertyTest {
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

    @Property(tries = 30)
    void anyInputIsAppliedOrAccountedForAndRefusedInputChangesNothing(@ForAll("steps") List<Step> steps)
            throws Exception {
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

    // ---------------------------------------------------------------- adversarial inputs

    @Provide
    Arbitrary<List<Step>> steps() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, observations()),
                net.jqwik.api.Tuple.of(3, requests()),
                net.jqwik.api.Tuple.of(1, times().map(t -> (Step) new Advance(t))))
                .list().ofMinSize(1).ofMaxSize(15);
    }

    private static Arbitrary<Step> observations() {
        return Combinators.combine(seriesIds(), times(), values())
                .as((id, t, values) -> new Observe(Observation.newBuilder().setSeriesId(id)
                        .setEventTime(Instant.ofEpochMilli(t)).setValues(values).build()));
    }

    private static Arbitrary<Step> requests() {
        Arbitrary<List<Instant>> queryTimes = Arbitraries.oneOf(
                times().map(Instant::ofEpochMilli).list().ofMaxSize(4),
                Arbitraries.of(100, 1024, 1025, 10_000).map(n -> LongStream.range(0, n)
                        .mapToObj(i -> Instant.ofEpochMilli(T0 + i * 10)).toList()));
        Arbitrary<Integer> samples = Arbitraries.oneOf(Arbitraries.just((Integer) null),
                Arbitraries.of(0, -1, 1, 16, 4096, 4097, 1_000_000, Integer.MAX_VALUE, Integer.MIN_VALUE));
        Arbitrary<Instant> asOf = Arbitraries.oneOf(Arbitraries.just((Instant) null), times().map(Instant::ofEpochMilli));
        return Combinators.combine(seriesIds(), queryTimes, samples, asOf)
                .as((id, ts, k, at) -> new Ask(ForecastRequest.newBuilder().setRequestId("r").setSeriesId(id)
                        .setQueryTimes(ts).setSamples(k).setAsOf(at).build()));
    }

    private static Arbitrary<String> seriesIds() {
        return Arbitraries.oneOf(Arbitraries.of("a", "b", "", " "),
                Arbitraries.of(RecordLimits.MAX_SERIES_ID_CHARS, RecordLimits.MAX_SERIES_ID_CHARS + 1, 100_000)
                        .map("x"::repeat));
    }

    /** Around the series' times, duplicates of them, and absurd ones. */
    private static Arbitrary<Long> times() {
        return Arbitraries.oneOf(
                Arbitraries.of(T0, T0 + 1_000, T0 - 1, 0L, -1L, Long.MIN_VALUE / 4, 1L, T0 + 365L * 86_400_000L),
                Arbitraries.longs().between(T0 - 3_600_000, T0 + 3_600_000));
    }

    private static Arbitrary<List<Double>> values() {
        Arbitrary<Double> value = Arbitraries.oneOf(
                Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e308, -1e308,
                        Double.MIN_VALUE, -0.0),
                Arbitraries.just((Double) null),
                Arbitraries.doubles().between(-10, 10));
        return Arbitraries.oneOf(
                value.list().ofSize(2), value.list().ofSize(2), // the model's width, most often
                Arbitraries.just(List.<Double>of()),
                Arbitraries.just(Collections.nCopies(10_000, 1.0)),
                Arbitraries.just(IntStream.range(0, 1025).mapToObj(i -> (Double) (double) i).toList()));
    }
}
