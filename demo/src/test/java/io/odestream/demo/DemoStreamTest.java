package io.odestream.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.demo.DemoStream.Config;
import io.odestream.demo.DemoStream.InjectedAnomaly;
import io.odestream.latent.LatentOdeTraining;
import io.odestream.schema.Observation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The demo stream's contract: reproducible, sorted, as irregular and as incomplete as configured, anomalies where promised. */
class DemoStreamTest {
    private static final Config DEFAULTS = Config.defaults();

    @Test
    void theSameSeedGivesTheSameStreamAndAnotherSeedAnother() {
        Config small = DEFAULTS.withSeries(3).withSpan(Duration.ofMinutes(5)).withWarmup(Duration.ofMinutes(1))
                .withAnomaliesPerSeries(2);
        DemoStream a = DemoStream.generate(small);
        DemoStream b = DemoStream.generate(small);
        DemoStream c = DemoStream.generate(small.withSeed(small.seed() + 1));
        assertEquals(a.observations(), b.observations());
        assertEquals(a.anomalies(), b.anomalies());
        assertNotEquals(a.observations(), c.observations());
        assertNotEquals(a.anomalies(), c.anomalies());
    }

    @Test
    void observationsAreSortedByEventTimeThenSeriesIdAndLieInsideTheSpan() {
        DemoStream stream = DemoStream.generate(DEFAULTS);
        List<Observation> all = stream.observations();
        assertEquals(stream.size(), all.size());
        assertEquals(List.of("ch0", "ch1", "ch2"), stream.channelNames());
        assertEquals(12, stream.seriesIds().size());
        assertEquals("sensor-01", stream.seriesIds().get(0));
        long end = DEFAULTS.startMillis() + DEFAULTS.span().toMillis();
        Observation previous = null;
        for (Observation o : all) {
            long t = o.getEventTime().toEpochMilli();
            assertTrue(t >= DEFAULTS.startMillis() && t < end, "event time " + t + " outside the span");
            assertEquals(3, o.getValues().size());
            assertEquals(stream.channelNames(), o.getChannels());
            assertTrue(o.getValues().stream().anyMatch(v -> v != null), "an observation with every channel missing");
            if (previous != null) {
                long tp = previous.getEventTime().toEpochMilli();
                assertTrue(tp < t || (tp == t && previous.getSeriesId().compareTo(o.getSeriesId()) < 0),
                        "not sorted: " + previous.getSeriesId() + "@" + tp + " before " + o.getSeriesId() + "@" + t);
            }
            previous = o;
        }
    }

    @Test
    void theLazyIteratorGivesTheSameSequenceAsTheList() {
        DemoStream stream = DemoStream.generate(DEFAULTS.withSeries(5));
        List<Observation> lazy = new ArrayList<>();
        java.util.Iterator<Observation> it = stream.inOrder();
        it.forEachRemaining(lazy::add);
        assertEquals(stream.observations(), lazy);
        assertThrows(java.util.NoSuchElementException.class, it::next);
    }

    @Test
    void gapsArePoissonWithTheConfiguredMean() {
        Config config = DEFAULTS.withAnomaliesPerSeries(0).withSeries(20);
        DemoStream stream = DemoStream.generate(config);
        List<Double> gaps = new ArrayList<>();
        for (LatentOdeTraining.Series s : stream.trainingSeries()) {
            for (int k = 1; k < s.timesMillis().length; k++) {
                double gap = s.timesMillis()[k] - s.timesMillis()[k - 1];
                assertTrue(gap >= 1, "two events of one series at the same time");
                gaps.add(gap);
            }
        }
        double mean = gaps.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double sd = Math.sqrt(gaps.stream().mapToDouble(g -> (g - mean) * (g - mean)).sum() / (gaps.size() - 1));
        // ~12 000 exponential gaps: the mean's sd is 1 % of it; an exponential's sd equals its mean.
        assertEquals(1000, mean, 40, "mean gap");
        assertEquals(1.0, sd / mean, 0.05, "coefficient of variation of the gaps (1 for a Poisson process)");
    }

    @Test
    void theMissingFractionIsTheConfiguredOneAndNeverAllChannels() {
        for (double p : new double[] {0.15, 0.5}) {
            DemoStream stream = DemoStream.generate(DEFAULTS.withAnomaliesPerSeries(0).withMissingProbability(p));
            long missing = 0;
            long values = 0;
            for (Observation o : stream.observations()) {
                for (Double v : o.getValues()) {
                    missing += v == null ? 1 : 0;
                    values++;
                }
            }
            // When all three are missing (probability p³) one is put back: p − p³/3 of the values stay missing.
            double expected = p - p * p * p / 3;
            double sd = Math.sqrt(expected * (1 - expected) / values);
            assertEquals(expected, (double) missing / values, 4 * sd, "missing fraction at p = " + p + " over "
                    + values + " values");
        }
    }

    @Test
    void anomaliesLieAfterTheWarmupInsideTheSpanApartAndOfTheirKindsLength() {
        Config config = DEFAULTS.withLevelShiftShare(0.5);
        DemoStream stream = DemoStream.generate(config);
        List<InjectedAnomaly> anomalies = stream.anomalies();
        assertEquals(config.series() * config.anomaliesPerSeries(), anomalies.size());
        long warmupEnd = config.startMillis() + config.warmup().toMillis();
        long end = config.startMillis() + config.span().toMillis();
        long spikes = anomalies.stream().filter(a -> a.kind().equals(DemoStream.SPIKE)).count();
        long shifts = anomalies.stream().filter(a -> a.kind().equals(DemoStream.LEVEL_SHIFT)).count();
        assertEquals(anomalies.size(), spikes + shifts, "every anomaly is a spike or a level shift");
        assertTrue(spikes > 0 && shifts > 0, "both kinds at share 0.5: " + spikes + " spikes, " + shifts + " shifts");
        for (InjectedAnomaly a : anomalies) {
            assertTrue(a.fromMillis() >= warmupEnd && a.toMillis() < end, a + " outside [warm-up end, span end)");
            double sigmas = Math.abs(a.offset()) / config.noiseSigma();
            assertTrue(sigmas >= 6 && sigmas <= 10, a + " jumps " + sigmas + " noise σ");
            int events = eventsIn(stream, a);
            if (a.kind().equals(DemoStream.SPIKE)) {
                assertTrue(events >= 1 && events <= 3, a + " spans " + events + " events");
            } else {
                assertTrue(events >= 5 && events <= 10, a + " spans " + events + " events");
            }
        }
        for (String id : stream.seriesIds()) {
            List<InjectedAnomaly> own = anomalies.stream().filter(a -> a.seriesId().equals(id)).toList();
            assertEquals(config.anomaliesPerSeries(), own.size());
            for (int i = 1; i < own.size(); i++) {
                assertTrue(own.get(i).fromMillis() > own.get(i - 1).toMillis(), "overlapping anomalies of " + id);
            }
        }
        assertTrue(DemoStream.generate(config.withLevelShiftShare(0)).anomalies().stream()
                .allMatch(a -> a.kind().equals(DemoStream.SPIKE)), "share 0: spikes only");
    }

    @Test
    void anomalousValuesAreObservedAndOffsetFromTheTruthWhileNormalOnesCarryOnlyNoise() {
        Config config = DEFAULTS;
        DemoStream stream = DemoStream.generate(config);
        double sumSq = 0;
        double sum = 0;
        long n = 0;
        int anomalous = 0;
        for (Observation o : stream.observations()) {
            String id = o.getSeriesId();
            long t = o.getEventTime().toEpochMilli();
            double[] truth = stream.truth(id, t);
            InjectedAnomaly hit = stream.anomalies().stream().filter(a -> a.covers(id, t)).findFirst().orElse(null);
            assertEquals(hit != null, stream.isAnomalous(id, t));
            for (int j = 0; j < truth.length; j++) {
                Double v = o.getValues().get(j);
                if (hit != null && hit.channel() == j) {
                    anomalous++;
                    assertTrue(v != null, "anomalous channel missing at " + hit);
                    assertEquals(hit.offset(), v - truth[j], 5 * config.noiseSigma(), "offset at " + hit);
                } else if (v != null) {
                    sum += v - truth[j];
                    sumSq += (v - truth[j]) * (v - truth[j]);
                    n++;
                }
            }
        }
        assertTrue(anomalous >= stream.anomalies().size());
        double mean = sum / n;
        double sd = Math.sqrt(sumSq / n - mean * mean);
        // ~18 000 residuals: their mean is within 4 sd/√n of 0 and their sd within 3 % of σ.
        assertEquals(0, mean, 4 * config.noiseSigma() / Math.sqrt(n), "mean residual from the truth");
        assertEquals(config.noiseSigma(), sd, 0.03 * config.noiseSigma(), "residual sd against the noise σ");
    }

    @Test
    void theTruthIsAContinuousSignalAtAnyTime() {
        DemoStream stream = DemoStream.generate(DEFAULTS.withSeries(2));
        long t = DEFAULTS.startMillis() + 123_456;
        double[] now = stream.truth("sensor-02", t);
        double[] later = stream.truth("sensor-02", t + 1);
        for (int j = 0; j < now.length; j++) {
            assertEquals(now[j], later[j], 1e-3, "1 ms apart");
        }
        assertFalse(java.util.Arrays.equals(stream.truth("sensor-01", t), now), "series differ");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> stream.truth("pump-7", t));
        assertTrue(e.getMessage().contains("pump-7") && e.getMessage().contains("sensor-01"), e.getMessage());
    }

    @Test
    void trainingSeriesAreTheObservationsWithMissingAndAnomalousValuesAsNaN() {
        DemoStream stream = DemoStream.generate(DEFAULTS.withSeries(4));
        List<LatentOdeTraining.Series> series = stream.trainingSeries();
        assertEquals(4, series.size());
        for (int s = 0; s < series.size(); s++) {
            String id = stream.seriesIds().get(s);
            List<Observation> own = stream.observations().stream().filter(o -> o.getSeriesId().equals(id)).toList();
            LatentOdeTraining.Series training = series.get(s);
            assertEquals(own.size(), training.timesMillis().length);
            for (int k = 0; k < own.size(); k++) {
                Observation o = own.get(k);
                long t = o.getEventTime().toEpochMilli();
                assertEquals(t, training.timesMillis()[k]);
                for (int j = 0; j < 3; j++) {
                    Double v = o.getValues().get(j);
                    int channel = j;
                    boolean anomalous = stream.anomalies().stream().anyMatch(a -> a.covers(id, t) && a.channel() == channel);
                    if (v == null || anomalous) {
                        assertTrue(Double.isNaN(training.values()[k][j]), id + "@" + t + " ch" + j + " must be NaN");
                    } else {
                        assertEquals(v, training.values()[k][j], 0.0);
                    }
                }
            }
        }
    }

    static Stream<Arguments> badConfigs() {
        return Stream.of(
                Arguments.of((UnaryOperator<Config>) c -> c.withSeries(0), "series must be >= 1"),
                Arguments.of((UnaryOperator<Config>) c -> new Config(1, 0, c.startMillis(), c.span(), c.meanGap(),
                        0.1, 0, c.warmup(), 0.1, 0, 1), "channels must be >= 1"),
                Arguments.of((UnaryOperator<Config>) c -> new Config(1, 3, 0, c.span(), c.meanGap(), 0.1, 0,
                        c.warmup(), 0.1, 0, 1), "startMillis must be > 0"),
                Arguments.of((UnaryOperator<Config>) c -> c.withSpan(Duration.ZERO), "span must be a positive"),
                Arguments.of((UnaryOperator<Config>) c -> new Config(1, 3, c.startMillis(), c.span(), Duration.ZERO,
                        0.1, 0, c.warmup(), 0.1, 0, 1), "meanGap must be at least 1 ms"),
                Arguments.of((UnaryOperator<Config>) c -> c.withSpan(Duration.ofMillis(500)).withWarmup(Duration.ZERO),
                        "meanGap (PT1S) must be shorter than span"),
                Arguments.of((UnaryOperator<Config>) c -> c.withMissingProbability(1.0), "missingProbability"),
                Arguments.of((UnaryOperator<Config>) c -> c.withMissingProbability(Double.NaN), "missingProbability"),
                Arguments.of((UnaryOperator<Config>) c -> c.withAnomaliesPerSeries(-1), "anomaliesPerSeries must be >= 0"),
                Arguments.of((UnaryOperator<Config>) c -> c.withWarmup(Duration.ofSeconds(-1)), "warmup must be"),
                Arguments.of((UnaryOperator<Config>) c -> c.withWarmup(c.span()), "warmup (PT10M) must be shorter"),
                Arguments.of((UnaryOperator<Config>) c -> c.withNoiseSigma(0), "noiseSigma must be"),
                Arguments.of((UnaryOperator<Config>) c -> c.withLevelShiftShare(1.5), "levelShiftShare"));
    }

    @ParameterizedTest
    @MethodSource("badConfigs")
    void aBadConfigIsRejectedNamingTheField(UnaryOperator<Config> change, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> change.apply(DEFAULTS));
        assertTrue(e.getMessage().contains(expected), "'" + e.getMessage() + "' should say '" + expected + "'");
    }

    @Test
    void tooManyAnomaliesForTheSpanAreRejectedWithWhatToChange() {
        Config crowded = DEFAULTS.withSpan(Duration.ofMinutes(3)).withWarmup(Duration.ofMinutes(2))
                .withAnomaliesPerSeries(5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DemoStream.generate(crowded));
        assertTrue(e.getMessage().contains("too few for 5 anomalies") && e.getMessage().contains("lengthen span"),
                e.getMessage());
    }

    private static int eventsIn(DemoStream stream, InjectedAnomaly a) {
        return (int) stream.observations().stream()
                .filter(o -> o.getSeriesId().equals(a.seriesId()))
                .filter(o -> a.covers(a.seriesId(), o.getEventTime().toEpochMilli()))
                .count();
    }
}
