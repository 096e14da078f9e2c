package io.odestream.job.forecast;

import static io.odestream.job.TestModels.observation;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.alert.AlertPolicy;
import io.odestream.job.SampleSeed;
import io.odestream.job.TestModels;
import io.odestream.kafka.AvroSerde;
import io.odestream.latent.FilterState;
import io.odestream.latent.LatentFilter;
import io.odestream.latent.LatentOdeModel;
import io.odestream.latent.Prediction;
import io.odestream.schema.AlertKind;
import io.odestream.schema.AnomalyAlert;
import io.odestream.schema.DeadLetter;
import io.odestream.schema.DeadLetterReason;
import io.odestream.schema.Forecast;
import io.odestream.schema.ForecastRequest;
import io.odestream.schema.ModelArtifact;
import io.odestream.schema.Observation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The data contract by name in the per-series operator: an observation that does not fit the served
 * model becomes a dead letter with its values intact and changes nothing; named channels are mapped
 * into the model's order; forecasts and alerts name their channels.
 */
class ObservationChannelsTest {
    private static final List<String> NAMES = List.of("temp", "pressure");
    /** The same weights twice: one artifact from before names, one naming its channels. */
    private static final ModelArtifact UNNAMED = TestModels.signed(1, 11);
    private static final ModelArtifact NAMED = named(1, 11);

    private final List<PosteriorUpdaterHarness> harnesses = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (var h : harnesses) {
            h.close();
        }
    }

    private static ModelArtifact named(long version, long seed) {
        return named(version, seed, NAMES);
    }

    private static ModelArtifact named(long version, long seed, List<String> names) {
        LatentOdeModel m = TestModels.model(2, seed);
        LatentOdeModel named = LatentOdeModel.create(m.spec().withChannelNames(names), seed);
        System.arraycopy(m.parameters().values(), 0, named.parameters().values(), 0, m.parameters().size());
        named.parametersChanged();
        return TestModels.sign(named.toArtifact(TestModels.MODEL_ID, version, null, Map.of(), Map.of()));
    }

    private PosteriorUpdaterHarness harness(AlertPolicy policy) throws Exception {
        var h = new PosteriorUpdaterHarness(new PosteriorUpdater(UpdaterSettings.defaults(TestModels.MODEL_ID,
                TestModels.VERIFIER).withKeyTtl(Duration.ofMinutes(30)).withSamples(32, 8).withAlertPolicy(policy)));
        harnesses.add(h);
        h.setup();
        h.open();
        h.processBroadcastWatermark(Long.MAX_VALUE);
        return h;
    }

    private PosteriorUpdaterHarness harness() throws Exception {
        return harness(new AlertPolicy(64, 50, 0.02, 1e9, 0.2, 0));
    }

    private static void observe(PosteriorUpdaterHarness h, Observation o) throws Exception {
        h.processElement(Either.Left(o), o.getEventTime().toEpochMilli());
    }

    private static Observation named(String series, long t, List<String> channels, Double... values) {
        Observation o = observation(series, t, values);
        o.setChannels(channels);
        return o;
    }

    private static Forecast ask(PosteriorUpdaterHarness h, String series, long time) throws Exception {
        ForecastRequest r = ForecastRequest.newBuilder().setRequestId("r" + h.extractOutputValues().size())
                .setSeriesId(series).setQueryTimes(List.of(Instant.ofEpochMilli(time))).build();
        h.processElement(Either.Right(r), Long.MIN_VALUE);
        List<Forecast> out = h.extractOutputValues();
        return out.get(out.size() - 1);
    }

    private static List<DeadLetter> deadLetters(PosteriorUpdaterHarness h) {
        var side = h.getSideOutput(PosteriorUpdater.DEAD_LETTERS);
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
    }

    private static List<AnomalyAlert> alerts(PosteriorUpdaterHarness h) {
        var side = h.getSideOutput(PosteriorUpdater.ALERTS);
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
    }

    private static Observation decoded(DeadLetter d) throws Exception {
        byte[] bytes = new byte[d.getValue().remaining()];
        d.getValue().duplicate().get(bytes);
        return new AvroSerde<>(Observation.class).deserialize(bytes);
    }

    /**
     * The mean a plain filter over {@code in} (values in model order, all observed, one a second from
     * t = 1 s) forecasts at {@code at}.
     */
    private static double[] referenceMean(ModelArtifact artifact, String requestId, long at, double[]... in) {
        return referenceMean(artifact, requestId, 1_000, at, in);
    }

    private static double[] referenceMean(ModelArtifact artifact, String requestId, long first, long at,
                                          double[]... in) {
        LatentFilter f = LatentFilter.init(artifact);
        FilterState s = null;
        long t = first - 1_000;
        for (double[] x : in) {
            t += 1_000;
            s = f.update(s == null ? f.start(t) : s, t, x, new boolean[] {true, true});
        }
        Prediction p = f.predict(s, new long[] {at}, 32, SampleSeed.of(requestId, s.timeMillis()));
        return p.mean()[0];
    }

    private static double[] mean(Forecast f) {
        assertNull(f.getError());
        return f.getPoints().get(0).getMean().stream().mapToDouble(Double::doubleValue).toArray();
    }

    @Test
    void anObservationOfAnotherWidthIsADeadLetterWithItsValuesAndChangesNothing() throws Exception {
        var h = harness();
        h.processBroadcastElement(NAMED, 0);
        observe(h, observation("s", 1_000, 1.0, 2.0));
        Observation wide = observation("s", 2_000, 3.0, 4.0, 5.0);
        observe(h, wide);
        h.processWatermark(2_000);

        List<DeadLetter> dead = deadLetters(h);
        assertEquals(1, dead.size());
        assertEquals(DeadLetterReason.CHANNEL_COUNT_MISMATCH, dead.get(0).getReason());
        assertTrue(dead.get(0).getDetail().contains("3 values") && dead.get(0).getDetail().contains("[temp, pressure]"),
                dead.get(0).getDetail());
        assertEquals(wide, decoded(dead.get(0)), "the dead letter carries the observation, values intact");
        assertTrue(alerts(h).isEmpty(), "no MODEL_ERROR alert: the model did nothing wrong");
        Forecast f = ask(h, "s", 3_000);
        assertArrayEquals(referenceMean(NAMED, f.getRequestId(), 3_000, new double[] {1, 2}), mean(f), 0.0,
                "the series is as if the rejected observation had never come");
    }

    @Test
    void namedChannelsInAnotherOrderAreMappedIntoTheModelsOrder() throws Exception {
        var h = harness();
        h.processBroadcastElement(NAMED, 0);
        observe(h, named("s", 1_000, List.of("pressure", "temp"), 2.0, 1.0));
        observe(h, named("s", 2_000, NAMES, 3.0, 4.0));
        h.processWatermark(2_000);
        assertTrue(deadLetters(h).isEmpty());
        Forecast f = ask(h, "s", 3_000);
        assertArrayEquals(referenceMean(NAMED, f.getRequestId(), 3_000, new double[] {1, 2}, new double[] {3, 4}),
                mean(f), 0.0, "temp=1, pressure=2 whatever order the producer sent them in");
        assertEquals(NAMES, f.getChannels(), "forecasts name their channels");
    }

    @Test
    void namesTheModelDoesNotHaveAreADeadLetterNamingThem() throws Exception {
        var h = harness();
        h.processBroadcastElement(NAMED, 0);
        Observation o = named("s", 1_000, List.of("temp", "wind"), 1.0, 2.0);
        observe(h, o);
        h.processWatermark(1_000);
        List<DeadLetter> dead = deadLetters(h);
        assertEquals(1, dead.size());
        assertEquals(DeadLetterReason.CHANNEL_NAMES_MISMATCH, dead.get(0).getReason());
        assertTrue(dead.get(0).getDetail().contains("[wind]"), dead.get(0).getDetail());
        assertEquals(o, decoded(dead.get(0)));
        assertTrue(ask(h, "s", 2_000).getError().contains("no observations"), "nothing was applied");
    }

    @Test
    void aModelWithoutNamesTakesNamedObservationsByPosition() throws Exception {
        var h = harness();
        h.processBroadcastElement(UNNAMED, 0);
        observe(h, named("s", 1_000, List.of("pressure", "temp"), 1.0, 2.0));
        h.processWatermark(1_000);
        assertTrue(deadLetters(h).isEmpty());
        Forecast f = ask(h, "s", 2_000);
        assertArrayEquals(referenceMean(UNNAMED, f.getRequestId(), 2_000, new double[] {1, 2}), mean(f), 0.0,
                "the stated rule for old artifacts: value j is channel j");
        assertNull(f.getChannels(), "an unnamed model's forecast names no channels");
    }

    @Test
    void historyBufferedAtAnotherWidthBeforeTheFirstModelIsDeadLetteredNotACrash() throws Exception {
        var h = harness();
        Observation a = observation("s", 1_000, 1.0, 2.0, 3.0);
        Observation b = observation("s", 2_000, 4.0, null, 6.0);
        observe(h, a);
        observe(h, b);
        h.processWatermark(2_000);
        assertTrue(deadLetters(h).isEmpty(), "without a model the first observation fixes the width");

        h.processBroadcastElement(NAMED, 0); // two channels: the buffered history cannot be encoded
        Forecast none = ask(h, "s", 3_000);
        assertTrue(none.getError().contains("no observations"), none.getError());
        List<DeadLetter> dead = deadLetters(h);
        assertEquals(2, dead.size(), "each buffered observation accounted for");
        assertEquals(a, decoded(dead.get(0)));
        assertEquals(b, decoded(dead.get(1)), "a missing channel stays missing");
        dead.forEach(d -> assertEquals(DeadLetterReason.CHANNEL_COUNT_MISMATCH, d.getReason()));

        observe(h, observation("s", 3_000, 1.0, 2.0));
        h.processWatermark(3_000);
        Forecast f = ask(h, "s", 4_000);
        assertArrayEquals(referenceMean(NAMED, f.getRequestId(), 3_000, 4_000, new double[] {1, 2}), mean(f), 0.0,
                "the series starts afresh under the model from its first observation of the model's width");
    }

    @Test
    void aNewVersionWithOtherChannelNamesOrOrderIsRejectedBecauseHistoryIsKeptInTheServedOrder() throws Exception {
        var h = harness();
        h.processBroadcastElement(UNNAMED, 0);
        h.processBroadcastElement(named(2, 22), 0); // names after none: adopted
        h.processBroadcastElement(named(3, 33, List.of("pressure", "temp")), 0);
        List<AnomalyAlert> rejected = alerts(h).stream().filter(a -> a.getKind() == AlertKind.MODEL_REJECTED).toList();
        assertEquals(1, rejected.size(), rejected.toString());
        assertEquals(3, rejected.get(0).getModelVersion());
        assertTrue(rejected.get(0).getMessage().contains("[pressure, temp]")
                && rejected.get(0).getMessage().contains("[temp, pressure]"), rejected.get(0).getMessage());
        observe(h, observation("s", 1_000, 1.0, 2.0));
        h.processWatermark(1_000);
        assertEquals(2, ask(h, "s", 2_000).getModelVersion(), "version 2 stays served");
    }

    @Test
    void namedHistoryBufferedBeforeTheFirstModelIsReorderedIntoTheModelsOrder() throws Exception {
        var h = harness();
        observe(h, named("s", 1_000, List.of("pressure", "temp"), 2.0, 1.0)); // fixes the buffer's order
        observe(h, named("s", 2_000, NAMES, 3.0, 4.0)); // mapped into that order
        h.processWatermark(2_000);
        h.processBroadcastElement(NAMED, 0);
        Forecast f = ask(h, "s", 3_000);
        assertTrue(deadLetters(h).isEmpty());
        assertArrayEquals(referenceMean(NAMED, f.getRequestId(), 3_000, new double[] {1, 2}, new double[] {3, 4}),
                mean(f), 0.0, "encoded as temp, pressure whatever order was buffered");
    }

    @Test
    void namedHistoryBufferedBeforeTheFirstModelWithChannelsItLacksIsDeadLettered() throws Exception {
        var h = harness();
        Observation o = named("s", 1_000, List.of("temp", "wind"), 1.0, 2.0);
        observe(h, o);
        h.processWatermark(1_000);
        h.processBroadcastElement(NAMED, 0);
        assertTrue(ask(h, "s", 2_000).getError().contains("no observations"));
        List<DeadLetter> dead = deadLetters(h);
        assertEquals(1, dead.size());
        assertEquals(DeadLetterReason.CHANNEL_NAMES_MISMATCH, dead.get(0).getReason());
        assertEquals(o, decoded(dead.get(0)), "its names and values as buffered");
    }

    @Test
    void alertsNameTheirChannelsInModelOrderAndHaveNoProbabilityDuringWarmUp() throws Exception {
        // every score raises during warm-up (default threshold -inf), and 50 scores are needed to calibrate
        var h = harness(new AlertPolicy(64, 50, 0.02, Double.NEGATIVE_INFINITY, 0.2, 0));
        h.processBroadcastElement(NAMED, 0);
        observe(h, observation("s", 1_000, 1.0, 2.0));
        observe(h, named("s", 2_000, List.of("pressure", "temp"), 20.0, 10.0));
        h.processWatermark(2_000);
        List<AnomalyAlert> raised = alerts(h).stream().filter(a -> a.getKind() == AlertKind.ANOMALY).toList();
        assertEquals(1, raised.size());
        AnomalyAlert alert = raised.get(0);
        assertEquals(NAMES, alert.getChannels());
        assertEquals(Arrays.asList(10.0, 20.0), alert.getObserved(), "observed in the model's order, as expected is");
        assertNull(alert.getAnomalyProbability(), "the schema: null while the series has too few scores to calibrate");
    }
}
